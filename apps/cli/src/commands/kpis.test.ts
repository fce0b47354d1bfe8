import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsFixture } from '../testing/analyticsFixture.ts';
import { runRetain } from '../testing/runRetain.ts';

let db: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ db, cleanup } = await analyticsFixture());
});
afterAll(() => cleanup?.());

describe('retain kpis', () => {
  it('prints the KPIs as of the data end as JSON', () => {
    const result = runRetain(['kpis', '--db', db, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const kpis = JSON.parse(result.stdout);
    expect(kpis).toMatchObject({ asOf: '2024-03-10', windowDays: 90, dataStart: '2024-01-05' });
    // The data begins 2024-01-05, inside the 90 days to 2024-03-10: a partial window would
    // undercount, so the figures are null rather than wrong.
    expect(kpis.kpis.activeCustomers).toEqual({ value: null, previous: null, delta: null });
    expect(Object.keys(kpis.kpis)).toContain('atRiskRevenue');
  });

  it('exits 2 for a day after the data', () => {
    const result = runRetain(['kpis', '--db', db, '--as-of', '2025-01-01']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('after the end of the data');
  });

  it('names each figure as the dashboard does and says what it is over', () => {
    const result = runRetain(['kpis', '--db', db, '--as-of', '2024-03-10']);
    expect(result.code, result.stderr).toBe(0);
    for (const label of ['Churn rate (active customers)', 'Recent 90-day repeat rate', 'At-risk revenue'])
      expect(result.stdout).toContain(label);
    // 180 days of history are needed; the data starts 2024-01-05.
    expect(result.stdout).toContain(
      'Churn rate (active customers): needs 180 days of data before 2024-03-10.',
    );
    expect(result.stdout).toContain(
      'At-risk revenue: no churn model has scored customers yet (retain train).',
    );
    const json = JSON.parse(runRetain(['kpis', '--db', db, '--json']).stdout);
    expect(json).toMatchObject({
      populations: { churnRate: null, repeatRate90d: null, netRevenueRetention12m: null },
      atRiskScores: null,
      modelHasScored: false,
    });
  });
});

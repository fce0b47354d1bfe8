import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsFixture } from '../testing/analyticsFixture.ts';
import { runRetain } from '../testing/runRetain.ts';

let db: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ db, cleanup } = await analyticsFixture());
});
afterAll(() => cleanup?.());

describe('retain repeat', () => {
  it('prints overall and per-cohort repeat rates as JSON', () => {
    const result = runRetain(['repeat', '--db', db, '--within', '31', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const repeat = JSON.parse(result.stdout);
    // C3 (2024-02-10) is less than 31 days before the end; C1 came back after 31 days, C2 never.
    expect(repeat.overall).toEqual({ customers: 2, repeaters: 1, rate: 0.5, tooRecent: 1 });
    expect(repeat.cohorts.map((c: { cohort: string }) => c.cohort)).toEqual(['2024-01', '2024-02']);
  });

  it('names the all-cohort rate and says which customers it is over', () => {
    const result = runRetain(['repeat', '--db', db, '--within', '31']);
    expect(result.code, result.stderr).toBe(0);
    // The data ends 2024-03-10: first orders on or before 2024-02-08 have had 31 days.
    expect(result.stdout).toContain(
      'All-cohort 31-day repeat rate: 1 of 2 customers (50.0%) placed a second order within 31 days of their first.',
    );
    expect(result.stdout).toContain(
      'Every customer whose first order was on or before 2024-02-08; 1 more are too recent to tell.',
    );
    const any = runRetain(['repeat', '--db', db]);
    expect(any.stdout).toContain(
      'All-cohort repeat rate, any time: 2 of 3 customers (66.7%) placed a second order by 2024-03-10.',
    );
    expect(any.stdout).toContain('the latest cohorts have had little time');
    expect(runRetain(['repeat', '--db', db, '--within', '90']).stdout).toContain(
      'Not the recent 90-day repeat rate of retain kpis',
    );
  });
});

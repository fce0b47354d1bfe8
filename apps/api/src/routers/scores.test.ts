import { trainChurnModel } from '@retain/churn';
import { openDemoWarehouse } from '@retain/churn/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor } from '../testing/callerFor.ts';

let demo: Awaited<ReturnType<typeof openDemoWarehouse>>;
let caller: ReturnType<typeof callerFor>;

beforeAll(async () => {
  demo = await openDemoWarehouse(800, 5);
  await trainChurnModel(demo.warehouse, { seed: 3, runner: 'inline' });
  caller = callerFor(demo.warehouse);
}, 120_000);
afterAll(() => demo.close());

describe('scores router', () => {
  it('pages, sorts and filters the active model’s scores', async () => {
    const page = await caller.scores.list({ pageSize: 5, sort: 'churn_probability', direction: 'desc' });
    expect(page.rows).toHaveLength(5);
    expect(page.total).toBeGreaterThan(100);
    const probabilities = page.rows.map((r) => r.churnProbability);
    expect([...probabilities].sort((a, b) => b - a)).toEqual(probabilities);
    for (const row of page.rows) expect(row.reasons.length).toBeLessThanOrEqual(3);

    const second = await caller.scores.list({
      pageSize: 5,
      page: 2,
      sort: 'churn_probability',
      direction: 'desc',
    });
    expect(second.rows[0]?.churnProbability).toBeLessThanOrEqual(probabilities.at(-1) ?? 1);

    const segment = page.rows[0]?.segment ?? 'Lost';
    const filtered = await caller.scores.list({ segment: [segment], minProbability: 0.5, pageSize: 500 });
    for (const row of filtered.rows) {
      expect(row.segment).toBe(segment);
      expect(row.churnProbability).toBeGreaterThanOrEqual(0.5);
    }
    const byReason = await caller.scores.list({ reason: ['recency'], pageSize: 50 });
    for (const row of byReason.rows) expect(row.reasonCodes).toContain('recency');
  });

  it('shows one customer: score, reasons and history', async () => {
    const top = (await caller.scores.list({ pageSize: 1 })).rows[0];
    const detail = await caller.scores.customer({ customerId: top?.customerId ?? '' });
    expect(detail.score?.customerId).toBe(top?.customerId);
    expect(detail.score?.reasons).toEqual(top?.reasons);
    expect(detail.score?.reasonImpacts).toHaveLength(top?.reasons.length ?? 0);
    expect(detail.orders.length).toBeGreaterThan(0);
    expect(detail.profile?.channel).toBeTruthy();
    const unknown = await caller.scores.customer({ customerId: 'nobody' });
    expect(unknown).toMatchObject({ score: null, profile: null, orders: [] });
  });
});

import { type RepeatInput, repeatInputSchema } from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayHistogram, repeatPurchase } from './repeatPurchase.ts';
import { HAND_FIXTURE } from './testing/handFixture.ts';
import { openFixture } from './testing/openFixture.ts';

// Worked out by hand from the table in testing/handFixture.ts (data end 2021-03-15).

let warehouse: Warehouse;
let close: () => void;
beforeAll(async () => {
  ({ warehouse, close } = await openFixture(HAND_FIXTURE));
});
afterAll(() => close?.());

const repeat = (input: RepeatInput) => repeatPurchase(warehouse, repeatInputSchema.parse(input));

describe('repeat purchase', () => {
  it('counts customers with a second order', async () => {
    const r = await repeat({});
    // Single-order customers: N2, N6, A3, B3, F2, M1.
    expect(r.overall).toEqual({ customers: 20, repeaters: 14, rate: 0.7, tooRecent: 0 });
    expect(r.cohorts.find((c) => c.cohort === '2020-12')).toEqual({
      cohort: '2020-12',
      customers: 5,
      repeaters: 3,
      rate: 0.6,
      tooRecent: 0,
    });
  });

  it('within N days: second order at most N days after the first; too-recent customers set apart', async () => {
    const r = await repeat({ withinDays: 30 });
    // First orders after 2021-02-13 cannot be judged: F2, M2, M1. Within 30 days: W1 (6), L1 (1),
    // L2 (1), N3 (15), A4 (23), A1 (3), B1 (28), B2 (1); F1 (33) is just too late.
    expect(r.overall).toEqual({ customers: 17, repeaters: 8, rate: 8 / 17, tooRecent: 3 });
    expect(r.withinDays).toBe(30);
  });

  it('ends the observation at `to`', async () => {
    const r = await repeat({ withinDays: 30, filters: { to: '2021-01-31' } });
    // 16 customers by 01-31; B1, B3, B2 started after 2021-01-01.
    expect(r.overall).toEqual({ customers: 13, repeaters: 6, rate: 6 / 13, tooRecent: 3 });
    expect(r.dataEnd).toBe('2021-01-31');
  });

  it('groups by a first-order attribute', async () => {
    const r = await repeat({ by: 'channel' });
    expect(r.by).toBe('channel');
    expect(r.cohorts.map((c) => [c.cohort, c.customers, c.repeaters])).toEqual([
      ['(unknown)', 1, 0],
      ['app', 2, 2],
      ['store', 5, 4],
      ['web', 12, 8],
    ]);
  });

  it('distributions of days to the second order, gaps and orders per customer', async () => {
    const r = await repeat({});
    // Days to second: 1,1,1,1,3,6,15,23,28,33,75,86,92,158 — median (15 + 23) / 2.
    expect(r.daysToSecondOrder.count).toBe(14);
    expect(r.daysToSecondOrder.median).toBe(19);
    expect(r.daysToSecondOrder.bins.map((b) => b.count)).toEqual([0, 6, 0, 3, 1, 2, 2, 0, 0]);
    expect(r.daysToSecondOrder.bins[1]).toEqual({ from: 1, to: 7, count: 6 });
    expect(r.daysToSecondOrder.bins.at(-1)).toEqual({ from: 366, to: null, count: 0 });
    // 21 gaps; L1's 2020-03-01 → 2021-02-28 is 364 days (2020's leap day is behind it).
    expect(r.gapDays.count).toBe(21);
    expect(r.gapDays.median).toBe(28);
    expect(r.gapDays.bins.map((b) => b.count)).toEqual([0, 8, 0, 4, 3, 3, 2, 1, 0]);
    expect(r.ordersPerCustomer.mean).toBeCloseTo(41 / 20, 12);
    expect(r.ordersPerCustomer.counts.slice(0, 5)).toEqual([
      { orders: '1', customers: 6 },
      { orders: '2', customers: 8 },
      { orders: '3', customers: 5 },
      { orders: '4', customers: 1 },
      { orders: '5', customers: 0 },
    ]);
    expect(r.ordersPerCustomer.counts.at(-1)).toEqual({ orders: '10+', customers: 0 });
  });
});

describe('dayHistogram', () => {
  it('takes the median between the two middle values of an even count', () => {
    expect(
      dayHistogram([
        [2, 1],
        [10, 1],
      ]).median,
    ).toBe(6);
    expect(
      dayHistogram([
        [2, 2],
        [10, 1],
      ]).median,
    ).toBe(2);
    expect(dayHistogram([[400, 3]]).bins.at(-1)?.count).toBe(3);
    expect(dayHistogram([])).toMatchObject({ count: 0, median: null });
  });
});

import { impactInputSchema } from '@retain/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintImpact } from './complaintImpact.ts';
import { matchedDifference } from './resolutionSpeed.ts';
import type { History, HistoryComplaint, HistoryLine } from './testing/history.ts';
import { openFixture } from './testing/openFixture.ts';

/*
 * The data ends 2021-06-30 (Z's order), so first complaints opened by 2021-04-01 count, each with
 * the 90 days after its opening day as the window to come back in.
 *
 *  stratum: 1 order by the complaint, < 90 days since the first order
 *    F1  order 01-10, complaint 01-11 resolved in 1 day (fast), order 02-01: back.
 *        A second complaint (02-05, never resolved) does not change F1's group: the first counts.
 *    F2  order 01-10, complaint 01-11 resolved in 1 day (fast); no order after: not back.
 *    S1  order 01-10, complaint 01-11 resolved in 5 days (slow); not back.
 *    S2  order 01-10, complaint 01-11 never resolved (slow); order 05-01, after the window: not back.
 *  stratum: 3–4 orders, 90–364 days (orders 2020-06-01, 07-01, 09-01; complaint 2020-10-01)
 *    F3  resolved in 12 hours (fast); order 11-01: back.
 *    S3  resolved in 10 days (slow); order 12-15 (the window ends 12-30): back.
 *    S4  resolved in 3 days (slow); not back.
 *  stratum: 2 orders, < 90 days (only a fast customer: left out of the matched comparison)
 *    F4  orders 2021-01-01, 01-05, complaint 01-06 resolved in 1 day, order 01-20: back.
 *  too recent: L1  order 05-01, complaint 05-02 (after 2021-04-01).
 */
const line = (customerId: string, n: number, day: string): HistoryLine => ({
  orderId: `${customerId}-${n}`,
  customerId,
  orderDate: `${day} 10:00:00`,
  amount: 10,
});
const complaint = (id: string, customerId: string, opened: string, resolved: string | null) =>
  ({ complaintId: id, customerId, openedAt: opened, resolvedAt: resolved }) satisfies HistoryComplaint;
const three = (c: string) => [line(c, 1, '2020-06-01'), line(c, 2, '2020-07-01'), line(c, 3, '2020-09-01')];

const HISTORY: History = {
  lines: [
    line('F1', 1, '2021-01-10'),
    line('F1', 2, '2021-02-01'),
    line('F2', 1, '2021-01-10'),
    line('S1', 1, '2021-01-10'),
    line('S2', 1, '2021-01-10'),
    line('S2', 2, '2021-05-01'),
    ...three('F3'),
    line('F3', 4, '2020-11-01'),
    ...three('S3'),
    line('S3', 4, '2020-12-15'),
    ...three('S4'),
    line('F4', 1, '2021-01-01'),
    line('F4', 2, '2021-01-05'),
    line('F4', 3, '2021-01-20'),
    line('L1', 1, '2021-05-01'),
    line('Z', 1, '2021-06-30'),
  ],
  complaints: [
    complaint('K1', 'F1', '2021-01-11 12:00:00', '2021-01-12 12:00:00'),
    complaint('K2', 'F1', '2021-02-05 12:00:00', null),
    complaint('K3', 'F2', '2021-01-11 12:00:00', '2021-01-12 12:00:00'),
    complaint('K4', 'S1', '2021-01-11 12:00:00', '2021-01-16 12:00:00'),
    complaint('K5', 'S2', '2021-01-11 12:00:00', null),
    complaint('K6', 'F3', '2020-10-01 12:00:00', '2020-10-02 00:00:00'),
    complaint('K7', 'S3', '2020-10-01 12:00:00', '2020-10-11 12:00:00'),
    complaint('K8', 'S4', '2020-10-01 12:00:00', '2020-10-04 12:00:00'),
    complaint('K9', 'F4', '2021-01-06 12:00:00', '2021-01-07 12:00:00'),
    complaint('K10', 'L1', '2021-05-02 12:00:00', '2021-05-02 13:00:00'),
  ],
  returns: [],
};

let fixture: Awaited<ReturnType<typeof openFixture>>;
beforeAll(async () => {
  fixture = await openFixture(HISTORY);
});
afterAll(() => fixture?.close());

describe('resolution speed at equal activity', () => {
  it('groups first complaints by speed and strata of activity, and standardises over shared strata', async () => {
    const { resolutionSpeed: r } = await complaintImpact(fixture.warehouse, impactInputSchema.parse({}));
    expect(r).toMatchObject({ windowDays: 90, fastWithinDays: 2, openedBy: '2021-04-01' });
    expect(r.fast).toEqual({ customers: 4, returned: 3, rate: 0.75 });
    expect(r.slow).toEqual({ customers: 4, returned: 1, rate: 0.25 });
    expect(r.strata).toEqual([
      {
        priorOrders: '1',
        tenure: '< 90 days',
        fast: { customers: 2, returned: 1, rate: 0.5 },
        slow: { customers: 2, returned: 0, rate: 0 },
      },
      {
        priorOrders: '2',
        tenure: '< 90 days',
        fast: { customers: 1, returned: 1, rate: 1 },
        slow: { customers: 0, returned: 0, rate: null },
      },
      {
        priorOrders: '3–4',
        tenure: '90–364 days',
        fast: { customers: 1, returned: 1, rate: 1 },
        slow: { customers: 2, returned: 1, rate: 0.5 },
      },
    ]);
    // Weights 4 and 3: fast (4 · 0.5 + 3 · 1) / 7, slow (4 · 0 + 3 · 0.5) / 7; F4 has no match.
    const m = r.matched;
    expect(m?.fastRate).toBeCloseTo(5 / 7, 12);
    expect(m?.slowRate).toBeCloseTo(1.5 / 7, 12);
    expect(m?.difference).toBeCloseTo(0.5, 12);
    // Variance: (16 · (0.25 / 2 + 0) + 9 · (0 + 0.25 / 2)) / 49 = 3.125 / 49.
    const half = 1.959963984540054 * Math.sqrt(3.125 / 49);
    expect(m?.low).toBeCloseTo(0.5 - half, 12);
    expect(m?.high).toBeCloseTo(0.5 + half, 12);
    expect(m).toMatchObject({ customers: 7, unmatched: 1 });
  });

  it('ends at `to`: complaints and orders after it do not exist yet', async () => {
    // To 2021-03-31: only the 2020-10-01 complaints are 90 days old (by 2020-12-31).
    const { resolutionSpeed: r } = await complaintImpact(
      fixture.warehouse,
      impactInputSchema.parse({ filters: { to: '2021-03-31' } }),
    );
    expect(r.openedBy).toBe('2020-12-31');
    expect(r.fast).toEqual({ customers: 1, returned: 1, rate: 1 });
    expect(r.slow).toEqual({ customers: 2, returned: 1, rate: 0.5 });
  });
});

describe('matchedDifference', () => {
  it('is null without a stratum holding both groups', () => {
    expect(
      matchedDifference([{ fast: { customers: 3, returned: 1 }, slow: { customers: 0, returned: 0 } }]),
    ).toBeNull();
  });

  it('equals the plain difference within a single stratum', () => {
    const m = matchedDifference([
      { fast: { customers: 100, returned: 60 }, slow: { customers: 50, returned: 20 } },
    ]);
    expect(m?.difference).toBeCloseTo(0.2, 12);
    const se = Math.sqrt((0.6 * 0.4) / 100 + (0.4 * 0.6) / 50);
    expect(m?.high).toBeCloseTo(0.2 + 1.959963984540054 * se, 12);
  });

  it('removes a gap that only the mix of activity made', () => {
    // Within each stratum fast and slow come back alike; fast complainers are mostly frequent buyers.
    const m = matchedDifference([
      { fast: { customers: 90, returned: 81 }, slow: { customers: 10, returned: 9 } },
      { fast: { customers: 10, returned: 2 }, slow: { customers: 90, returned: 18 } },
    ]);
    expect(m?.difference).toBeCloseTo(0, 12);
    // Unadjusted, fast would be 83 % against 27 %.
  });
});

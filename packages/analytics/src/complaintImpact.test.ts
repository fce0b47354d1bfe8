import { type ImpactInput, impactInputSchema } from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintImpact } from './complaintImpact.ts';
import { HAND_FIXTURE } from './testing/handFixture.ts';
import { openFixture } from './testing/openFixture.ts';

// Worked out by hand from the table in testing/handFixture.ts (data end 2021-03-15, so March is
// incomplete and the last complete month is February).

let warehouse: Warehouse;
let close: () => void;
beforeAll(async () => {
  ({ warehouse, close } = await openFixture(HAND_FIXTURE));
});
afterAll(() => close?.());

const impact = (input: ImpactInput) => complaintImpact(warehouse, impactInputSchema.parse(input));

function closeTo(actual: Array<number | null> | undefined, expected: number[]) {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, i) => {
    expect(actual?.[i]).toBeCloseTo(value, 12);
  });
}

describe('complaint and return impact', () => {
  it('splits retention curves by the worst complaint experience', async () => {
    const r = await impact({});
    expect(r.byComplaint.map((c) => [c.cohort, c.size])).toEqual([
      ['none', 14],
      ['resolved ≤ 2 days', 3],
      ['resolved ≤ 7 days', 1],
      ['resolved > 7 days', 1],
      ['unresolved', 1],
    ]);
    // N5 (first May 2020), N3 (Oct), A3 (Dec): offset 3 is complete only for N5 and N3, and only
    // N5 ordered then (August); from offset 5 only N5 is observed; offset 10 (March) is so far.
    const quick = r.byComplaint[1];
    closeTo(quick?.values, [1, 0, 1 / 3, 0.5, 0, 0, 0, 0, 0, 0, 0]);
    expect(quick?.bases).toEqual([3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1]);
    expect(quick?.complete).toEqual([...Array(10).fill(true), false]);
    // A4's complaint was never resolved; B2's took 6 days, F1's 9.
    expect(r.byComplaint[4]).toMatchObject({ values: [1, 1, 0, 0], complete: [true, true, true, false] });
    expect(r.byComplaint[2]).toMatchObject({ values: [1, 1, 0], complete: [true, true, false] });
    expect(r.byComplaint[3]).toMatchObject({ values: [1, 1], complete: [true, false] });
  });

  it('splits them by whether the customer returned anything', async () => {
    const r = await impact({});
    expect(r.byReturn.map((c) => [c.cohort, c.size])).toEqual([
      ['no return', 16],
      ['returned', 4],
    ]);
    // N2 (Sep 2020), N4 (Nov), A2 (Dec), B1 (Jan 2021).
    closeTo(r.byReturn[1]?.values, [1, 0.25, 1 / 3, 0.5, 0, 0, 0]);
    expect(r.byReturn[1]?.bases).toEqual([4, 4, 3, 2, 1, 1, 1]);
  });

  it('gives the return rate of each cohort', async () => {
    const r = await impact({ filters: { from: '2020-12-01' } });
    expect(r.returnRateByCohort).toEqual([
      { cohort: '2020-12', customers: 5, revenue: 630, returned: 50, rate: 50 / 630 },
      { cohort: '2021-01', customers: 3, revenue: 420, returned: 30, rate: 30 / 420 },
      { cohort: '2021-02', customers: 2, revenue: 130, returned: 0, rate: 0 },
      { cohort: '2021-03', customers: 2, revenue: 60, returned: 0, rate: 0 },
    ]);
  });

  it('compares the repeat rate of complainers and the rest', async () => {
    const all = await impact({});
    expect(all.repeatByComplaint).toEqual({
      withinDays: null,
      complainers: { customers: 6, repeaters: 5, rate: 5 / 6, tooRecent: 0 },
      others: { customers: 14, repeaters: 9, rate: 9 / 14, tooRecent: 0 },
    });
    const within = await impact({ withinDays: 30 });
    expect(within.repeatByComplaint.complainers).toEqual({
      customers: 6,
      repeaters: 3,
      rate: 0.5,
      tooRecent: 0,
    });
    expect(within.repeatByComplaint.others).toEqual({
      customers: 11,
      repeaters: 5,
      rate: 5 / 11,
      tooRecent: 3,
    });
  });

  it('compares fast and slow resolution of first complaints at least 90 days old', async () => {
    const r = await impact({});
    // Opened by 2020-12-15: N5's (resolved in 1 day, no order in the 90 days after) and N3's
    // (1.5 days, ordered again 10-20). Both fast: nothing to match them with.
    expect(r.resolutionSpeed).toMatchObject({
      openedBy: '2020-12-15',
      fast: { customers: 2, returned: 1, rate: 0.5 },
      slow: { customers: 0, returned: 0, rate: null },
      matched: null,
    });
  });
});

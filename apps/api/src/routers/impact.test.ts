import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createCaller } from '../root.ts';
import { analyticsCaller } from '../testing/analyticsCaller.ts';

let close: () => void;
let caller: ReturnType<typeof createCaller>;
beforeAll(async () => {
  ({ caller, close } = await analyticsCaller());
});
afterAll(() => close?.());

describe('impact router', () => {
  it('summary: curves by complaint experience and returns, return rates, repeat of complainers', async () => {
    const r = await caller.impact.summary();
    expect(r.byComplaint.map((c) => c.cohort)).toEqual([
      'none',
      'resolved ≤ 2 days',
      'resolved ≤ 7 days',
      'resolved > 7 days',
      'unresolved',
    ]);
    expect(r.byReturn.map((c) => c.size)).toEqual([16, 4]);
    expect(r.returnRateByCohort.find((c) => c.cohort === '2020-12')?.rate).toBeCloseTo(50 / 630, 12);
    expect(r.repeatByComplaint.complainers).toMatchObject({ customers: 6, repeaters: 5 });
    // First complaints opened by 2020-12-15: N5's and N3's, both resolved fast.
    expect(r.resolutionSpeed).toMatchObject({ fast: { customers: 2, returned: 1 }, matched: null });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createCaller } from '../root.ts';
import { analyticsCaller } from '../testing/analyticsCaller.ts';

let close: () => void;
let caller: ReturnType<typeof createCaller>;
beforeAll(async () => {
  ({ caller, close } = await analyticsCaller());
});
afterAll(() => close?.());

describe('repeat router', () => {
  it('summary: overall, by cohort and the distributions', async () => {
    const r = await caller.repeat.summary({ withinDays: 30 });
    expect(r.overall).toEqual({ customers: 17, repeaters: 8, rate: 8 / 17, tooRecent: 3 });
    expect(r.cohorts[0]?.cohort).toBe('2019-12');
    expect(r.daysToSecondOrder.median).toBe(19);
  });

  it('summary: rejects a window of zero days', async () => {
    await expect(caller.repeat.summary({ withinDays: 0 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

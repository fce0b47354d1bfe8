import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createCaller } from '../root.ts';
import { analyticsCaller } from '../testing/analyticsCaller.ts';

let close: () => void;
let caller: ReturnType<typeof createCaller>;
beforeAll(async () => {
  ({ caller, close } = await analyticsCaller());
});
afterAll(() => close?.());

describe('overview router', () => {
  it('kpis: as of the data end with the previous window and the change', async () => {
    const k = await caller.overview.kpis();
    expect(k.asOf).toBe('2021-03-15');
    expect(k.kpis.activeCustomers).toEqual({ value: 14, previous: 5, delta: 9 });
    expect(k.kpis.atRiskRevenue.value).toBeNull();
  });

  it('kpis: a day after the data is a BAD_REQUEST', async () => {
    await expect(caller.overview.kpis({ asOf: '2022-01-01' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

import { removeModels, writeFixtureScores } from '@retain/churn/testing';
import type { Warehouse } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createCaller } from '../root.ts';
import { analyticsCaller } from '../testing/analyticsCaller.ts';
import { callerFor } from '../testing/callerFor.ts';

let close: () => void;
let caller: ReturnType<typeof createCaller>;
let warehouse: Warehouse;
beforeAll(async () => {
  ({ caller, close, warehouse } = await analyticsCaller());
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

  it('kpis: at-risk revenue only from scores known at the as-of day', async () => {
    // A model trained on data to 2021-03-15 scored that day: in force then, unknown a month before.
    await writeFixtureScores(
      warehouse,
      [
        { customerId: 'A1', churnProbability: 0.5, valueAtRisk: 100 },
        { customerId: 'B1', churnProbability: 0.2, valueAtRisk: 50 },
      ],
      { asOf: '2021-03-15' },
    );
    try {
      const fresh = callerFor(warehouse);
      const latest = await fresh.overview.kpis();
      expect(latest.kpis.atRiskRevenue.value).toBe(150);
      expect(latest.atRiskScores).toEqual({
        modelId: 'model-1',
        asOf: '2021-03-15',
        trainedAsOf: '2021-03-15',
        horizonDays: 90,
      });
      const before = await fresh.overview.kpis({ asOf: '2021-02-15' });
      expect(before.kpis.atRiskRevenue.value).toBeNull();
      expect(before).toMatchObject({ atRiskScores: null, modelHasScored: true });
    } finally {
      await removeModels(warehouse);
    }
  });
});

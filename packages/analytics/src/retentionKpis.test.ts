import { type KpisInput, kpisInputSchema } from '@retain/schemas';
import { BadInputError, dbRecord, sql, type Warehouse } from '@retain/warehouse';
import { writeScores } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRollupState } from './analyticsRollup.ts';
import type { CustomerSlice } from './customerSlices.ts';
import { kpisPlan, retentionKpis, type ScoresAt, scopeKpis } from './retentionKpis.ts';
import { readRows } from './sqlQuery.ts';
import { HAND_FIXTURE } from './testing/handFixture.ts';
import type { History } from './testing/history.ts';
import { openFixture } from './testing/openFixture.ts';

// As of 2021-03-15 the windows are w0 = 2020-12-16 … 2021-03-15, w1 = 2020-09-17 … 2020-12-15 and
// w2 = 2020-06-19 … 2020-09-16; "previous" is as of 2020-12-15. Worked out from testing/handFixture.ts.

let warehouse: Warehouse;
let close: () => void;
beforeAll(async () => {
  ({ warehouse, close } = await openFixture(HAND_FIXTURE));
});
afterAll(() => close?.());

const kpis = (input: KpisInput) => retentionKpis(warehouse, kpisInputSchema.parse(input));

describe('KPIs', () => {
  it('as of the data end, with the previous 90 days and the change', async () => {
    const r = await kpis({});
    expect(r).toMatchObject({
      asOf: '2021-03-15',
      previousAsOf: '2020-12-15',
      windowDays: 90,
      dataStart: '2019-12-30',
      dataEnd: '2021-03-15',
    });
    const k = r.kpis;
    expect(k.activeCustomers).toEqual({ value: 14, previous: 5, delta: 9 });
    expect(k.newCustomers).toEqual({ value: 10, previous: 4, delta: 6 });
    // Acquired in w1: N3, N4, A2 came back within 90 days, A3 did not. Before: N2 did not.
    expect(k.repeatRate90d).toEqual({ value: 0.75, previous: 0, delta: 0.75 });
    // Active in w1: N3, N4, A2, A3, N1; N3 and A3 did not order in w0. Before: N5, N2 both lapsed.
    expect(k.churnRate.value).toBeCloseTo(0.4, 12);
    expect(k.churnRate.previous).toBe(1);
    expect(k.churnRate.delta).toBeCloseTo(-0.6, 12);
    expect(k.revenue).toEqual({ value: 1130, previous: 490, delta: 640 });
    // Two years are needed and the data holds 15 months.
    expect(k.netRevenueRetention12m).toEqual({ value: null, previous: null, delta: null });
    // A3, A4, B2, F1 complained over 23 orders; N3 over 7 orders before.
    expect(k.complaintRate.value).toBeCloseTo(4 / 23, 12);
    expect(k.complaintRate.previous).toBeCloseTo(1 / 7, 12);
    // Resolved in w0 after 1, 6 and 9 days; before, N3's after 1.5.
    expect(k.medianResolutionDays).toEqual({ value: 6, previous: 1.5, delta: 4.5 });
    expect(k.returnRate.value).toBeCloseTo(130 / 1130, 12);
    expect(k.returnRate.previous).toBeCloseTo(75 / 490, 12);
    expect(k.atRiskRevenue).toEqual({ value: null, previous: null, delta: null });
  });

  it('as of an earlier day equals that day’s "previous"', async () => {
    const r = await kpis({ asOf: '2020-12-15' });
    expect(r.kpis.activeCustomers.value).toBe(5);
    expect(r.kpis.revenue.value).toBe(490);
    expect(r.kpis.churnRate.value).toBe(1);
  });

  it('applies the filters to the customers counted', async () => {
    const r = await kpis({ filters: { channel: ['store'] } });
    // Store customers: L2, N4, A2, B2, F2; all but L2 ordered in w0.
    expect(r.kpis.activeCustomers.value).toBe(4);
  });

  it('refuses a day after the data', async () => {
    await expect(kpis({ asOf: '2021-03-16' })).rejects.toBeInstanceOf(BadInputError);
    await expect(kpis({ asOf: '2021-02-01', filters: { to: '2021-01-31' } })).rejects.toBeInstanceOf(
      BadInputError,
    );
  });

  it('sums value_at_risk over the score run in force at the as-of day, and says which', async () => {
    await writeScores(
      warehouse,
      `SELECT * FROM (VALUES ('A1', 0.5, 100.0), ('B1', 0.2, 50.0), ('A2', 0.9, 25.0))
         t(customer_id, churn_probability, value_at_risk), (SELECT 'Loyal' AS segment, []::VARCHAR[] AS reasons)`,
    );
    const run = { modelId: 'model-1', asOf: '2024-06-29', trainedAsOf: '2024-06-29', horizonDays: 90 };
    const days: string[] = [];
    const scoresAt: ScoresAt = async (_conn, day) => {
      days.push(day);
      return day >= '2021-03-01' ? { run, anyScores: true } : { run: null, anyScores: true };
    };
    try {
      const latest = await retentionKpis(warehouse, kpisInputSchema.parse({}), scoresAt);
      expect(latest.kpis.atRiskRevenue).toEqual({ value: 175, previous: null, delta: null });
      expect(latest).toMatchObject({ atRiskScores: run, modelHasScored: true });
      const store = await retentionKpis(
        warehouse,
        kpisInputSchema.parse({ filters: { channel: ['store'] } }),
        scoresAt,
      );
      expect(store.kpis.atRiskRevenue.value).toBe(25);
      // The rule is asked about the as-of day; no run in force there means no figure.
      const earlier = await retentionKpis(warehouse, kpisInputSchema.parse({ asOf: '2021-01-31' }), scoresAt);
      expect(earlier.kpis.atRiskRevenue.value).toBeNull();
      expect(earlier).toMatchObject({ atRiskScores: null, modelHasScored: true });
      expect(days).toEqual(['2021-03-15', '2021-03-15', '2021-01-31']);
      // Without the rule there is no figure.
      expect((await kpis({})).kpis.atRiskRevenue.value).toBeNull();
    } finally {
      await warehouse.write((conn) =>
        conn.run(sql`DELETE FROM scores; DELETE FROM score_runs; DELETE FROM models;`),
      );
    }
  });

  it('names the customers each share is over', async () => {
    const r = await kpis({});
    // Active in w1 (2020-09-17 … 2020-12-15): N3, N4, A2, A3, N1; acquired in w1: N3, N4, A2, A3.
    expect(r.populations).toEqual({
      churnRate: { from: '2020-09-17', to: '2020-12-15', customers: 5 },
      repeatRate90d: { from: '2020-09-17', to: '2020-12-15', customers: 4 },
      netRevenueRetention12m: null,
    });
    // As of 2020-05-01 the 180 days reach back before the data (2019-12-30): no share, no population.
    expect((await kpis({ asOf: '2020-05-01' })).populations.churnRate).toBeNull();
  });
});

describe('12-month net revenue retention', () => {
  // As of 2020-12-31: the base year is 2019-01-02 … 2020-01-01, the last year 2020-01-02 … 2020-12-31.
  // P1 and P2 bought in the base year (100 + 200); since, P1 bought 150 and returned 30. P3 is new
  // and P4's order (2019-01-01) falls before the base year; it only makes the two years observed.
  const history: History = {
    lines: [
      { orderId: 'a', customerId: 'P4', orderDate: '2019-01-01 10:00:00', amount: 10 },
      { orderId: 'b', customerId: 'P1', orderDate: '2019-01-10 10:00:00', amount: 100 },
      { orderId: 'c', customerId: 'P2', orderDate: '2019-03-01 10:00:00', amount: 200 },
      { orderId: 'd', customerId: 'P3', orderDate: '2020-02-01 10:00:00', amount: 50 },
      { orderId: 'e', customerId: 'P1', orderDate: '2020-06-01 10:00:00', amount: 150 },
      { orderId: 'f', customerId: 'P3', orderDate: '2020-12-31 10:00:00', amount: 20 },
    ],
    complaints: [],
    returns: [{ returnId: 'r', customerId: 'P1', returnedAt: '2020-06-05 10:00:00', amount: 30 }],
  };

  it('is the base customers’ net revenue over the last year divided by theirs the year before', async () => {
    const fixture = await openFixture(history);
    try {
      const r = await retentionKpis(fixture.warehouse, kpisInputSchema.parse({}));
      expect(r.kpis.netRevenueRetention12m.value).toBeCloseTo(120 / 300, 12);
      // As of 2020-10-02 the base year would start before the data.
      expect(r.kpis.netRevenueRetention12m.previous).toBeNull();
      // P1 and P2 bought in the base year.
      expect(r.populations.netRevenueRetention12m).toEqual({
        from: '2019-01-02',
        to: '2020-01-01',
        customers: 2,
      });
    } finally {
      fixture.close();
    }
  });
});

describe('KPIs of several slices at once', () => {
  const slices: CustomerSlice[] = [
    {},
    { channel: ['store'] },
    { channel: ['web', 'app'] },
    { region: ['North'] },
    { channel: ['web'], region: ['East'] },
    // Nobody: every count 0, every share null.
    { channel: ['fax'] },
  ];
  const filtersOf = (slice: CustomerSlice) => ({
    ...(slice.channel ? { channel: [...slice.channel] } : {}),
    ...(slice.region ? { region: [...slice.region] } : {}),
  });

  it('gives each slice exactly what retentionKpis gives for its filters, at the data end and before', async () => {
    for (const asOf of [undefined, '2021-01-31']) {
      const all = await scopeKpis(warehouse, kpisInputSchema.parse({ asOf }), slices);
      expect(all).toHaveLength(slices.length);
      for (const [i, slice] of slices.entries()) {
        expect(all[i]).toEqual(await kpis({ asOf, filters: filtersOf(slice) }));
      }
    }
    const [, store, , , , nobody] = await scopeKpis(warehouse, kpisInputSchema.parse({}), slices);
    // Store customers: L2, N4, A2, B2, F2; all but L2 ordered in w0.
    expect(store?.kpis.activeCustomers.value).toBe(4);
    expect(nobody?.kpis.activeCustomers).toEqual({ value: 0, previous: 0, delta: 0 });
    expect(nobody?.kpis.churnRate.value).toBeNull();
  });

  it('applies the other filters to every slice', async () => {
    const query = kpisInputSchema.parse({ filters: { from: '2020-10-01', category: ['Books'] } });
    const all = await scopeKpis(warehouse, query, slices);
    for (const [i, slice] of slices.entries()) {
      expect(all[i]).toEqual(
        await kpis({ filters: { from: '2020-10-01', category: ['Books'], ...filtersOf(slice) } }),
      );
    }
  });

  it('sums at-risk revenue per slice from one read of the scores in force, 0 where none of its customers was scored', async () => {
    await writeScores(
      warehouse,
      `SELECT * FROM (VALUES ('A1', 0.5, 100.0), ('B1', 0.2, 50.0), ('A2', 0.9, 25.0))
         t(customer_id, churn_probability, value_at_risk), (SELECT 'Loyal' AS segment, []::VARCHAR[] AS reasons)`,
    );
    const run = { modelId: 'model-1', asOf: '2024-06-29', trainedAsOf: '2024-06-29', horizonDays: 90 };
    let asked = 0;
    const scoresAt: ScoresAt = async () => {
      asked += 1;
      return { run, anyScores: true };
    };
    try {
      const all = await scopeKpis(warehouse, kpisInputSchema.parse({}), slices, scoresAt);
      expect(asked).toBe(1);
      // A1 and B1 are web North, A2 store East.
      expect(all.map((k) => k.kpis.atRiskRevenue.value)).toEqual([175, 25, 150, 150, 0, 0]);
      for (const [i, slice] of slices.entries()) {
        expect(all[i]).toEqual(
          await retentionKpis(warehouse, kpisInputSchema.parse({ filters: filtersOf(slice) }), scoresAt),
        );
      }
    } finally {
      await warehouse.write((conn) =>
        conn.run(sql`DELETE FROM scores; DELETE FROM score_runs; DELETE FROM models;`),
      );
    }
  });

  it('reads the facts kept with the rollup as they would be computed from the orders', async () => {
    await warehouse.snapshot(async (db) => {
      const state = await readRollupState(db);
      if (!state) throw new Error('no rollup');
      const query = kpisInputSchema.parse({});
      const kept = kpisPlan(state, query, { dialect: db.dialect, slices });
      const computed = kpisPlan(state, query, { dialect: db.dialect, slices, keptFacts: false });
      if (!kept.orders || !computed.orders) throw new Error('no statements');
      const sorted = async (statement: typeof kept.orders) =>
        (await db.query(statement, dbRecord))
          .map((row) =>
            JSON.stringify(row, (_key, value) => (typeof value === 'bigint' ? Number(value) : value)),
          )
          .sort();
      expect(await sorted(kept.orders)).toEqual(await sorted(computed.orders));
      expect(await readRows(db, kept.orders)).not.toHaveLength(0);
    });
  });
});

import { type CohortMatrixInput, type CohortRow, cohortMatrixInputSchema } from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortCurves, cohortMatrix } from './cohortMatrix.ts';
import { HAND_FIXTURE } from './testing/handFixture.ts';
import { openFixture } from './testing/openFixture.ts';

// Every expectation is worked out by hand from the table in testing/handFixture.ts.

let warehouse: Warehouse;
let close: () => void;
beforeAll(async () => {
  ({ warehouse, close } = await openFixture(HAND_FIXTURE));
});
afterAll(() => close?.());

const matrix = (input: CohortMatrixInput) => cohortMatrix(warehouse, cohortMatrixInputSchema.parse(input));
const curves = (input: CohortMatrixInput) => cohortCurves(warehouse, cohortMatrixInputSchema.parse(input));

function expectValues(actual: Array<number | null> | undefined, expected: Array<number | null>) {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, i) => {
    if (value === null) expect(actual?.[i]).toBeNull();
    else expect(actual?.[i]).toBeCloseTo(value, 12);
  });
}

function row(rows: CohortRow[], cohort: string): CohortRow {
  const found = rows.find((r) => r.cohort === cohort);
  if (!found) throw new Error(`no cohort ${cohort} in ${rows.map((r) => r.cohort).join(', ')}`);
  return found;
}

describe('monthly cohorts from 2020-12 (data end 2021-03-15: March is incomplete)', () => {
  const from = { filters: { from: '2020-12-01' } };

  it('customers on: share active in each month, with counts, bases and flags', async () => {
    const m = await matrix({ period: 'month', metric: 'customers', ...from });
    expect(m.dataEnd).toBe('2021-03-15');
    expect(m.cohorts.map((c) => [c.cohort, c.size, c.small])).toEqual([
      ['2020-12', 5, true],
      ['2021-01', 3, true],
      ['2021-02', 2, true],
      ['2021-03', 2, true],
    ]);
    // 2020-12 = A2, A3, N6, A4, A1: January A4 and A1, February A2, March A1.
    const dec = row(m.cohorts, '2020-12');
    expectValues(dec.values, [1, 0.4, 0.2, 0.2]);
    expect(dec.counts).toEqual([5, 2, 1, 1]);
    expect(dec.bases).toEqual([5, 5, 5, 5]);
    expect(dec.complete).toEqual([true, true, true, false]);
    // 2021-01 = B1, B3, B2 (B2's 23:59 first order and 00:01 second fall in different months).
    const jan = row(m.cohorts, '2021-01');
    expectValues(jan.values, [1, 2 / 3, 1 / 3]);
    expect(jan.complete).toEqual([true, true, false]);
    expectValues(row(m.cohorts, '2021-02').values, [1, 0.5]);
    expect(row(m.cohorts, '2021-02').complete).toEqual([true, false]);
    expect(row(m.cohorts, '2021-03')).toMatchObject({ values: [1], complete: [false] });
  });

  it('a 95 % Wilson interval per customers cell', async () => {
    const dec = row((await matrix({ period: 'month', ...from })).cohorts, '2020-12');
    // 2 of 5: the textbook Wilson interval (z = 1.96) is 0.1176 – 0.7693.
    expect(dec.low?.[1]).toBeCloseTo(0.117621, 5);
    expect(dec.high?.[1]).toBeCloseTo(0.769279, 5);
    // 5 of 5 still leaves room below 1: the low end is 1 / (1 + 1.96² / 5).
    expect(dec.low?.[0]).toBeCloseTo(1 / (1 + 1.96 ** 2 / 5), 12);
    expect(dec.high?.[0]).toBeCloseTo(1, 12);
  });

  it('customers onOrAfter: share with an order in the month or later', async () => {
    const m = await matrix({ period: 'month', mode: 'onOrAfter', ...from });
    // Last active month: A2 Feb, A3 Dec, N6 Dec, A4 Jan, A1 Mar.
    expectValues(row(m.cohorts, '2020-12').values, [1, 0.6, 0.4, 0.2]);
    expect(row(m.cohorts, '2020-12').counts).toEqual([5, 3, 2, 1]);
    // B1 to March, B3 only January, B2 to February.
    expectValues(row(m.cohorts, '2021-01').values, [1, 2 / 3, 1 / 3]);
  });

  it('orders per cohort customer', async () => {
    const m = await matrix({ period: 'month', metric: 'orders', ...from });
    // A1 ordered twice in January; M2 twice in March.
    expectValues(row(m.cohorts, '2020-12').values, [1, 0.6, 0.2, 0.2]);
    expect(row(m.cohorts, '2020-12').counts).toEqual([5, 3, 1, 1]);
    expect(row(m.cohorts, '2020-12').low).toBeNull();
    expectValues(row(m.cohorts, '2021-03').values, [1.5]);
  });

  it('revenue as a share of the first month, gross and net of returns', async () => {
    // December: 200 + 60 + 10 + 25 (A4's two lines) + 100 (A1's two lines) = 395.
    const gross = await matrix({ period: 'month', metric: 'revenue', ...from });
    expectValues(row(gross.cohorts, '2020-12').values, [1, 95 / 395, 100 / 395, 40 / 395]);
    expect(row(gross.cohorts, '2020-12').counts).toEqual([395, 95, 100, 40]);
    expectValues(row(gross.cohorts, '2021-01').values, [1, 120 / 220, 80 / 220]);
    // Net: A2's December return (50) lowers the base; B1's February return (30) its month.
    const net = await matrix({ period: 'month', metric: 'revenue', net: true, ...from });
    expect(net.net).toBe(true);
    expectValues(row(net.cohorts, '2020-12').values, [1, 95 / 345, 100 / 345, 40 / 345]);
    expectValues(row(net.cohorts, '2021-01').values, [1, 90 / 220, 80 / 220]);
  });

  it('filters customers by their first order channel', async () => {
    const m = await matrix({ period: 'month', filters: { from: '2020-12-01', channel: ['store'] } });
    expect(m.cohorts.map((c) => [c.cohort, c.size])).toEqual([
      ['2020-12', 1],
      ['2021-01', 1],
      ['2021-02', 1],
    ]);
    expectValues(row(m.cohorts, '2020-12').values, [1, 0, 1, 0]);
  });

  it('filters customers by complaints', async () => {
    const yes = await matrix({ period: 'month', filters: { complained: true } });
    expect(yes.cohorts.reduce((n, c) => n + c.size, 0)).toBe(6);
    const no = await matrix({ period: 'month', filters: { complained: false } });
    expect(no.cohorts.reduce((n, c) => n + c.size, 0)).toBe(14);
  });

  it('drops offsets past maxOffset', async () => {
    const m = await matrix({ period: 'month', maxOffset: 1, mode: 'onOrAfter', ...from });
    expectValues(row(m.cohorts, '2020-12').values, [1, 0.6]);
  });
});

describe('ISO weeks', () => {
  it('puts 2020-12-28 … 2021-01-03 in 2020-W53 and ends the data at `to`', async () => {
    // `to` = Sunday 2021-01-10 ends week 2021-W01, so its cells are complete.
    const m = await matrix({ period: 'week', filters: { from: '2020-12-28', to: '2021-01-10' } });
    expect(m.dataEnd).toBe('2021-01-10');
    expect(m.cohorts.map((c) => [c.cohort, c.size])).toEqual([
      ['2020-W53', 2],
      ['2021-W01', 1],
    ]);
    // A4 (Mon 12-28) and A1 (Thu 12-31, again Sun 01-03, then Mon 01-04 in W01).
    expect(row(m.cohorts, '2020-W53')).toMatchObject({ values: [1, 0.5], complete: [true, true] });
    const orders = await matrix({
      period: 'week',
      metric: 'orders',
      filters: { from: '2020-12-28', to: '2021-01-10' },
    });
    expectValues(row(orders.cohorts, '2020-W53').values, [1.5, 0.5]);
  });

  it('puts Monday 2019-12-30 in week 1 of ISO year 2020', async () => {
    const m = await matrix({ period: 'week', metric: 'orders', filters: { to: '2020-01-12' } });
    expect(m.cohorts.map((c) => c.cohort)).toEqual(['2020-W01']);
    expect(row(m.cohorts, '2020-W01')).toMatchObject({ size: 1, values: [2, 1], complete: [true, true] });
  });

  it('flags the week the data ends in (Monday 2021-03-15) as incomplete', async () => {
    const m = await matrix({ period: 'week', filters: { from: '2021-03-08' } });
    expect(m.cohorts.map((c) => [c.cohort, c.complete])).toEqual([['2021-W11', [false]]]);
  });
});

describe('days and quarters', () => {
  it('counts the leap day as a day of its own', async () => {
    const m = await matrix({ period: 'day', filters: { from: '2020-02-28', to: '2020-03-01' } });
    expect(m.cohorts.map((c) => [c.cohort, c.values, c.complete])).toEqual([
      ['2020-02-28', [1, 1, 0], [true, true, true]],
      ['2020-02-29', [1, 1], [true, true]],
    ]);
  });

  it('builds quarterly cohorts across the whole history', async () => {
    const m = await matrix({ period: 'quarter' });
    expect(m.cohorts.map((c) => [c.cohort, c.size])).toEqual([
      ['2019-Q4', 1],
      ['2020-Q1', 2],
      ['2020-Q2', 2],
      ['2020-Q3', 1],
      ['2020-Q4', 7],
      ['2021-Q1', 7],
    ]);
    expect(row(m.cohorts, '2019-Q4')).toMatchObject({
      values: [1, 1, 0, 0, 0, 0],
      complete: [true, true, true, true, true, false],
    });
    expectValues(row(m.cohorts, '2020-Q1').values, [1, 0, 0, 0, 0.5]);
    expectValues(row(m.cohorts, '2020-Q2').values, [1, 0.5, 0.5, 0.5]);
    expectValues(row(m.cohorts, '2020-Q4').values, [1, 4 / 7]);
    const after = await matrix({ period: 'quarter', mode: 'onOrAfter' });
    expectValues(row(after.cohorts, '2020-Q2').values, [1, 1, 0.5, 0.5]);
  });
});

describe('attribute cohorts, pooled over first-order months', () => {
  it('by channel: each offset over the members observed for the whole of it', async () => {
    const m = await matrix({ period: 'month', by: 'channel', filters: { from: '2020-12-01' } });
    expect(m.by).toBe('channel');
    expect(m.cohorts.map((c) => [c.cohort, c.size])).toEqual([
      ['app', 1],
      ['store', 3],
      ['web', 8],
    ]);
    const web = row(m.cohorts, 'web');
    // Offset 1 is complete for the December and January starters (A3, N6, A1, B1, B3): A1, B1.
    // Offset 3 is complete for nobody: the December starters' March so far (A1), flagged.
    expectValues(web.values, [1, 0.4, 0, 1 / 3]);
    expect(web.bases).toEqual([6, 5, 3, 3]);
    expect(web.complete).toEqual([true, true, true, false]);
    const store = row(m.cohorts, 'store');
    expectValues(store.values, [1, 0.5, 1, 0]);
    expect(store.bases).toEqual([3, 2, 1, 1]);
  });

  it('by first-order category: largest line, alphabetical on ties, unknown last', async () => {
    const m = await matrix({ period: 'month', by: 'category' });
    expect(m.cohorts.map((c) => [c.cohort, c.size])).toEqual([
      ['Books', 11],
      ['Home', 4],
      ['Toys', 4],
      ['(unknown)', 1],
    ]);
  });

  it('by early complaint (within 90 days of the first order)', async () => {
    const m = await matrix({ period: 'month', by: 'complainedEarly' });
    expect(m.cohorts.map((c) => [c.cohort, c.size])).toEqual([
      ['no', 15],
      ['yes', 5],
    ]);
  });

  it('curves pool every cohort into one', async () => {
    const c = await curves({ period: 'month', filters: { from: '2020-12-01' } });
    expect(c.by).toBe('all');
    expect(c.curves).toHaveLength(1);
    // Offset 1 complete for the 8 December and January starters: A4, A1, B1, B2 active.
    expect(c.curves[0]).toMatchObject({ cohort: 'all', size: 12, bases: [10, 8, 5, 5] });
    expectValues(c.curves[0]?.values ?? [], [1, 0.5, 0.2, 0.2]);
  });
});

describe('no data', () => {
  it('returns an empty matrix', async () => {
    const m = await matrix({ period: 'month', filters: { channel: ['nowhere'] } });
    expect(m.cohorts).toEqual([]);
  });
});

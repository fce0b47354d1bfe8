import type { Warehouse } from '@retain/warehouse';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { createCaller } from '../root.ts';
import { analyticsCaller } from '../testing/analyticsCaller.ts';

let warehouse: Warehouse;
let close: () => void;
let caller: ReturnType<typeof createCaller>;
beforeAll(async () => {
  ({ caller, warehouse, close } = await analyticsCaller());
});
afterAll(() => close?.());

describe('cohorts router', () => {
  it('matrix: defaults to monthly customer retention, plain numbers a chart can use', async () => {
    const m = await caller.cohorts.matrix();
    expect(m).toMatchObject({
      period: 'month',
      metric: 'customers',
      mode: 'on',
      by: 'period',
      dataEnd: '2021-03-15',
    });
    const dec = m.cohorts.find((c) => c.cohort === '2020-12');
    expect(dec).toMatchObject({ size: 5, values: [1, 0.4, 0.2, 0.2], complete: [true, true, true, false] });
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });

  it('matrix: answers a repeated query from the cache until the data changes', async () => {
    const input = { period: 'week' as const, filters: { from: '2020-12-28', to: '2021-01-10' } };
    const first = await caller.cohorts.matrix(input);
    const reads = vi.spyOn(warehouse, 'read');
    try {
      expect(await caller.cohorts.matrix(input)).toEqual(first);
      // No query ran: the data version is known in memory and the result was cached.
      expect(reads).toHaveBeenCalledTimes(0);
    } finally {
      reads.mockRestore();
    }
  });

  it('curves: one pooled curve, or one per attribute', async () => {
    const all = await caller.cohorts.curves({ filters: { from: '2020-12-01' } });
    expect(all.curves.map((c) => [c.cohort, c.bases])).toEqual([['all', [10, 8, 5, 5]]]);
    const byChannel = await caller.cohorts.curves({ by: 'channel', filters: { from: '2020-12-01' } });
    expect(byChannel.curves.map((c) => c.cohort)).toEqual(['app', 'store', 'web']);
  });

  it('customers: the drill-down of a cell', async () => {
    const page = await caller.cohorts.customers({ cohort: '2020-12', offset: 1 });
    expect(page.total).toBe(2);
    expect(page.rows.map((r) => r.customerId)).toEqual(['A1', 'A4']);
  });

  it('rejects bad input as BAD_REQUEST with the reason', async () => {
    await expect(caller.cohorts.customers({ cohort: 'last year' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('2024-01'),
    });
    // @ts-expect-error: not a period
    await expect(caller.cohorts.matrix({ period: 'year' })).rejects.toBeInstanceOf(TRPCError);
    await expect(
      caller.cohorts.matrix({ filters: { from: '2021-02-01', to: '2021-01-01' } }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('matrix and curves with forecast: the same rows with cells and the forecast summary', async () => {
    const plain = await caller.cohorts.matrix({ filters: { from: '2020-12-01' } });
    const m = await caller.cohorts.matrix({ forecast: true, filters: { from: '2020-12-01' } });
    expect(m.cohorts.map(({ cells, forecastBasis, ...row }) => row)).toEqual(plain.cohorts);
    // Four cohorts of two to five customers: all borrow the pooled level.
    expect(m.forecast).toMatchObject({ model: 'activity', through: '2022-03-31', oldestAge: 2, horizon: 4 });
    expect(m.cohorts.every((row) => row.forecastBasis === 'pooled')).toBe(true);
    const dec = m.cohorts.find((row) => row.cohort === '2020-12');
    expect(dec?.cells?.map((c) => [c.k, c.kind])).toEqual([
      [0, 'observed'],
      [1, 'observed'],
      [2, 'observed'],
      [3, 'incomplete'],
      [4, 'forecast'],
    ]);
    const curves = await caller.cohorts.curves({ forecast: true, filters: { from: '2020-12-01' } });
    expect(curves.curves[0]?.cells?.some((c) => c.kind === 'forecast')).toBe(true);
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });

  it('trend: month-1 retention across cohorts, the latest against the ones before it', async () => {
    const trend = await caller.cohorts.trend({ age: 1, period: 'month', filters: { from: '2020-12-01' } });
    expect(trend.points.map((p) => [p.cohort, p.kind])).toEqual([
      ['2020-12', 'observed'],
      ['2021-01', 'observed'],
      ['2021-02', 'incomplete'],
      ['2021-03', 'forecast'],
    ]);
    expect(trend.points[0]).toMatchObject({ value: 0.4, size: 5 });
    expect(trend.latest).toMatchObject({
      cohort: '2021-01',
      previousCohorts: ['2020-12'],
      previousMean: 0.4,
    });
    expect(trend.latest?.delta).toBeCloseTo(2 / 3 - 0.4, 12);
  });

  it('refuses a forecast end before the data ends, and through without forecast', async () => {
    await expect(caller.cohorts.matrix({ forecast: true, through: '2021-01-31' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining("before the data's end (2021-03-15)"),
    });
    await expect(caller.cohorts.matrix({ through: '2021-06-30' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(caller.cohorts.trend({ age: -1 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

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
});

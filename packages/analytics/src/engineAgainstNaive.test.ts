import {
  COHORT_ATTRIBUTES,
  cohortMatrixInputSchema,
  kpisInputSchema,
  PERIODS,
  repeatInputSchema,
} from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortCurves, cohortMatrix } from './cohortMatrix.ts';
import { dayHistogram, repeatPurchase } from './repeatPurchase.ts';
import { retentionKpis } from './retentionKpis.ts';
import type { History } from './testing/history.ts';
import { replaceHistory } from './testing/history.ts';
import { type NaiveRow, naiveCohortMatrix, naiveKpis, naiveRepeat } from './testing/naiveAnalytics.ts';

/*
 * The engine (rollup + SQL + assembly) against testing/naiveAnalytics.ts, a customer-by-customer
 * reading of the definitions, on random small histories: orders of several lines spread over
 * midnight, lines of one order naming two customers, ties between lines, missing attributes,
 * returns and complaints (some never resolved), around ISO week-year and month boundaries or over
 * a leap year, with random filters, periods, metrics, modes and groupings.
 */

const CUSTOMERS = ['C0', 'C1', 'C2', 'C3', 'C4', 'C5'];
/**
 * (first day, days): a few weeks around New Year 2020/21 (2020-W53), 15 months over 2020's leap
 * day, or 2½ years so that the 12-month net revenue retention has its two years.
 */
const WINDOWS = [
  ['2020-12-14', 45],
  ['2020-01-20', 440],
  ['2019-06-01', 900],
] as const;
const DAY_MS = 86_400_000;

const stamp = (start: string, seconds: number) =>
  new Date(Date.parse(`${start}T00:00:00Z`) + seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');

const historyArbitrary = fc.constantFrom(...WINDOWS).chain(([start, days]) => {
  const second = fc.integer({ min: 0, max: days * 86_400 });
  const customer = fc.constantFrom(...CUSTOMERS);
  const line = fc.record({
    lag: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 30 * 3600 })),
    amount: fc.integer({ min: 1, max: 60 }),
    category: fc.constantFrom('Books', 'Toys', null),
    channel: fc.constantFrom('web', 'store', null),
    region: fc.constantFrom('North', 'South'),
    stray: fc.option(customer, { freq: 12 }),
  });
  const order = fc.record({ customer, at: second, lines: fc.array(line, { minLength: 1, maxLength: 3 }) });
  return fc.record({
    start: fc.constant(start),
    days: fc.constant(days),
    orders: fc.array(order, { minLength: 1, maxLength: 24 }),
    complaints: fc.array(
      fc.record({
        customer,
        at: second,
        after: fc.option(fc.integer({ min: 0, max: 12 * 86_400 }), { freq: 3 }),
      }),
      { maxLength: 6 },
    ),
    returns: fc.array(fc.record({ customer, at: second, amount: fc.integer({ min: 1, max: 40 }) }), {
      maxLength: 5,
    }),
  });
});

type Generated = typeof historyArbitrary extends fc.Arbitrary<infer T> ? T : never;

function toHistory(g: Generated): History {
  return {
    lines: g.orders.flatMap((o, i) =>
      o.lines.map((l) => ({
        orderId: `O${String(i).padStart(2, '0')}`,
        customerId: l.stray ?? o.customer,
        orderDate: stamp(g.start, o.at + l.lag),
        amount: l.amount,
        category: l.category,
        channel: l.channel,
        region: l.region,
      })),
    ),
    complaints: g.complaints.map((c, i) => ({
      complaintId: `K${i}`,
      customerId: c.customer,
      openedAt: stamp(g.start, c.at),
      resolvedAt: c.after === null ? null : stamp(g.start, c.at + c.after),
    })),
    returns: g.returns.map((r, i) => ({
      returnId: `R${i}`,
      customerId: r.customer,
      returnedAt: stamp(g.start, r.at),
      amount: r.amount,
    })),
  };
}

/** Filters over the generated window: a first-order range, a channel, complained or not. */
const filtersArbitrary = (g: Generated) =>
  fc
    .record(
      {
        range: fc.tuple(fc.integer({ min: 0, max: g.days }), fc.integer({ min: 0, max: g.days })),
        channel: fc.subarray(['web', 'store'], { minLength: 1 }),
        complained: fc.boolean(),
      },
      { requiredKeys: [] },
    )
    .map((f) => {
      const [a, b] = f.range ?? [];
      const day = (n: number) => stamp(g.start, n * 86_400).slice(0, 10);
      return {
        ...(a !== undefined && b !== undefined && a % 3 !== 0 ? { from: day(Math.min(a, b)) } : {}),
        ...(a !== undefined && b !== undefined && b % 3 !== 0 ? { to: day(Math.max(a, b)) } : {}),
        ...(f.channel ? { channel: f.channel } : {}),
        ...(f.complained !== undefined ? { complained: f.complained } : {}),
      };
    });

const caseArbitrary = historyArbitrary.chain((g) =>
  fc.record({
    generated: fc.constant(g),
    filters: filtersArbitrary(g),
    period: fc.constantFrom(...PERIODS),
    metric: fc.constantFrom('customers', 'orders', 'revenue'),
    mode: fc.constantFrom('on', 'onOrAfter'),
    net: fc.boolean(),
    by: fc.option(fc.constantFrom(...COHORT_ATTRIBUTES), { nil: undefined }),
    maxOffset: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined, freq: 4 }),
    withinDays: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
    asOfBack: fc.integer({ min: 0, max: 60 }),
  }),
);

let warehouse: Warehouse;
let cleanup: () => void;
beforeAll(async () => {
  const tmp = tempDir('retain-naive-');
  cleanup = tmp.cleanup;
  warehouse = await openTestWarehouse(tmp.dir);
});
afterAll(() => {
  warehouse?.close();
  cleanup?.();
});

function expectSameRows(actual: NaiveRow[], expected: NaiveRow[]) {
  const byCohort = new Map(expected.map((row) => [row.cohort, row]));
  expect(actual.map((r) => r.cohort).sort()).toEqual([...byCohort.keys()].sort());
  for (const row of actual) {
    const want = byCohort.get(row.cohort);
    expect({ cohort: row.cohort, size: row.size, complete: row.complete, bases: row.bases }).toEqual({
      cohort: want?.cohort,
      size: want?.size,
      complete: want?.complete,
      bases: want?.bases,
    });
    row.values.forEach((value, i) => {
      const other = want?.values[i];
      if (value === null || other === null || other === undefined) expect(value).toBe(other);
      else expect(value).toBeCloseTo(other, 9);
    });
    row.counts.forEach((count, i) => {
      expect(count).toBeCloseTo(want?.counts[i] ?? Number.NaN, 9);
    });
  }
}

describe('the engine agrees with the naive reference on random histories', () => {
  it('cohort matrices, curves, repeat purchase and KPIs', async () => {
    await fc.assert(
      fc.asyncProperty(caseArbitrary, async (c) => {
        const history = toHistory(c.generated);
        await replaceHistory(warehouse, history);
        const query = cohortMatrixInputSchema.parse({
          period: c.period,
          metric: c.metric,
          mode: c.mode,
          net: c.net,
          by: c.by,
          maxOffset: c.maxOffset,
          filters: c.filters,
        });

        const matrix = await cohortMatrix(warehouse, query);
        expectSameRows(matrix.cohorts, naiveCohortMatrix(history, query));
        const curves = await cohortCurves(warehouse, query);
        expectSameRows(curves.curves, naiveCohortMatrix(history, query, true));

        const repeatQuery = repeatInputSchema.parse({
          withinDays: c.withinDays,
          period: c.period,
          by: c.by,
          filters: c.filters,
        });
        const repeat = await repeatPurchase(warehouse, repeatQuery);
        const naive = naiveRepeat(history, repeatQuery);
        expect(repeat.overall).toMatchObject(naive.overall);
        expect(
          Object.fromEntries(repeat.cohorts.map((r) => [r.cohort, [r.customers, r.repeaters, r.tooRecent]])),
        ).toEqual(
          Object.fromEntries(
            [...naive.cohorts].map(([k, v]) => [k, [v.customers, v.repeaters, v.tooRecent]]),
          ),
        );
        const counted = (days: number[]) => {
          const counts = new Map<number, number>();
          for (const day of days) counts.set(day, (counts.get(day) ?? 0) + 1);
          return [...counts];
        };
        expect(repeat.daysToSecondOrder).toEqual(dayHistogram(counted(naive.secondDays)));
        expect(repeat.gapDays).toEqual(dayHistogram(counted(naive.gaps)));
        expect(repeat.ordersPerCustomer.counts.reduce((s, e) => s + e.customers, 0)).toBe(
          naive.orderCounts.length,
        );

        if (matrix.dataEnd !== null) {
          const asOf = new Date(Date.parse(`${matrix.dataEnd}T00:00:00Z`) - c.asOfBack * DAY_MS)
            .toISOString()
            .slice(0, 10);
          const kpis = await retentionKpis(warehouse, kpisInputSchema.parse({ asOf, filters: c.filters }));
          const expected = naiveKpis(history, c.filters, asOf);
          for (const [name, kpi] of Object.entries(kpis.kpis)) {
            const value = expected[name];
            if (value === undefined) continue;
            if (value === null) expect(kpi.value, name).toBeNull();
            else expect(kpi.value, name).toBeCloseTo(value, 9);
          }
        }
      }),
      { numRuns: 25, endOnFailure: true },
    );
  });
});

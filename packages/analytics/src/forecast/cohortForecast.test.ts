import { type CohortMatrixInput, cohortMatrixInputSchema, trendInputSchema } from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortMatrix } from '../cohortMatrix.ts';
import type { History, HistoryLine } from '../testing/history.ts';
import { openFixture } from '../testing/openFixture.ts';
import { seededRandom } from '../testing/seededRandom.ts';
import { cohortTrend } from './cohortTrend.ts';

/*
 * Fourteen monthly cohorts (January 2023 to February 2024) of a simulated retailer: 160 customers a
 * month, except 12 in 2023-07 (a small cohort); each customer still there buys in a month with
 * probability 0.3 and leaves before a month with probability 0.08. The data ends 2024-02-15.
 */
const END = '2024-02-15';

function simulatedHistory(): History {
  const random = seededRandom(11);
  const lines: HistoryLine[] = [];
  const day = (year: number, month: number, d: number) =>
    new Date(Date.UTC(year, month, d)).toISOString().slice(0, 10);
  for (let cohort = 0; cohort < 14; cohort++) {
    const size = cohort === 6 ? 12 : 160;
    for (let i = 0; i < size; i++) {
      const id = `C${cohort}-${i}`;
      const channel = i % 2 === 0 ? 'web' : 'store';
      const first = day(2023, cohort, 1 + Math.floor(random() * 14));
      lines.push({ orderId: `${id}-0`, customerId: id, orderDate: `${first} 10:00:00`, amount: 50, channel });
      for (let k = 1; cohort + k < 14 + 1; k++) {
        if (random() < 0.08) break;
        if (random() >= 0.3) continue;
        const date = day(2023, cohort + k, 1 + Math.floor(random() * 28));
        if (date > END) break;
        lines.push({
          orderId: `${id}-${k}`,
          customerId: id,
          orderDate: `${date} 12:00:00`,
          amount: 20 + (k % 3) * 10,
          channel,
        });
      }
    }
  }
  lines.push({
    orderId: 'END',
    customerId: 'C13-0',
    orderDate: `${END} 09:00:00`,
    amount: 10,
    channel: 'web',
  });
  return { lines, complaints: [], returns: [] };
}

const HISTORY = simulatedHistory();
let warehouse: Warehouse;
let close: () => void;
beforeAll(async () => {
  ({ warehouse, close } = await openFixture(HISTORY));
});
afterAll(() => close?.());

const matrix = (input: CohortMatrixInput) => cohortMatrix(warehouse, cohortMatrixInputSchema.parse(input));

describe('cohort forecasts on the matrix', () => {
  it('keeps the matrix and adds cells: observed values, the month under way, then forecasts to 12 months past the end', async () => {
    const plain = await matrix({ period: 'month' });
    const m = await matrix({ period: 'month', forecast: true });
    expect(m.dataEnd).toBe(END);
    expect(m.cohorts.map(({ cells, forecastBasis, ...row }) => row)).toEqual(plain.cohorts);
    expect(m.forecast).toMatchObject({
      model: 'activity',
      through: '2025-02-28',
      oldestAge: 12,
      horizon: 24,
    });
    const jan = m.cohorts[0];
    if (!jan?.cells) throw new Error('no cells');
    // Observed: months 0–12 with the matrix's values; 13 (February 2024) under way; 14… forecast.
    expect(jan.cells.filter((c) => c.kind === 'observed').map((c) => c.k)).toEqual([...Array(13).keys()]);
    for (const c of jan.cells.filter((cell) => cell.kind === 'observed'))
      expect(c.value).toBe(jan.values[c.k]);
    expect(jan.cells.find((c) => c.k === 13)?.kind).toBe('incomplete');
    expect(jan.cells.at(-1)).toMatchObject({ k: 24, kind: 'forecast' });
    for (const row of m.cohorts) {
      for (const cell of row.cells ?? []) {
        expect(Number.isFinite(cell.value)).toBe(true);
        // The first month of the newest cohort is under way: its value so far, no forecast.
        if (cell.kind === 'observed' || cell.k === 0) continue;
        expect(cell.lower).toBeLessThanOrEqual(cell.value);
        expect(cell.upper).toBeGreaterThanOrEqual(cell.value);
        // The simulated share buying at age k is 0.3 · 0.92^k.
        expect(Math.abs(cell.value - 0.3 * 0.92 ** cell.k)).toBeLessThan(0.08);
      }
    }
    // The month under way is never forecast below its value so far.
    const feb = m.cohorts.at(-1);
    const underWay = m.cohorts
      .find((row) => row.cohort === '2024-01')
      ?.cells?.find((c) => c.kind === 'incomplete');
    expect(underWay?.value).toBeGreaterThanOrEqual(
      m.cohorts.find((row) => row.cohort === '2024-01')?.values[1] ?? 1,
    );
    expect(feb?.forecastBasis).toBe('pooled');
  });

  it('the small cohort borrows the pooled level and is named', async () => {
    const m = await matrix({ period: 'month', forecast: true });
    const small = m.cohorts.find((row) => row.cohort === '2023-07');
    expect(small).toMatchObject({ size: 12, small: true, forecastBasis: 'pooled' });
    expect(m.forecast?.pooledCohorts).toEqual(expect.arrayContaining(['2023-07', '2024-02']));
    expect(m.cohorts.find((row) => row.cohort === '2023-06')?.forecastBasis).toBe('cohort');
  });

  it('through ends the forecasts; a day before the data ends, or without forecast, is refused', async () => {
    const m = await matrix({ period: 'month', forecast: true, through: '2024-05-10' });
    expect(m.forecast?.through).toBe('2024-05-31');
    const last = m.cohorts.at(-1);
    expect(last?.cohort).toBe('2024-02');
    expect(last?.cells?.at(-1)?.k).toBe(3);
    await expect(matrix({ period: 'month', forecast: true, through: '2024-01-31' })).rejects.toThrow(
      /through 2024-01-31 is before the data's end \(2024-02-15\)/,
    );
    expect(() => cohortMatrixInputSchema.parse({ through: '2024-05-10' })).toThrow(/forecast/);
  });

  it('as of a past day forecasts from what was known then, exactly as if nothing later existed', async () => {
    const asOf = '2023-09-20';
    const past = await matrix({ period: 'month', forecast: true, filters: { to: asOf } });
    const { warehouse: truncated, close: closeTruncated } = await openFixture({
      ...HISTORY,
      lines: HISTORY.lines.filter((line) => line.orderDate.slice(0, 10) <= asOf),
    });
    try {
      const only = await cohortMatrix(
        truncated,
        cohortMatrixInputSchema.parse({ period: 'month', forecast: true }),
      );
      expect(past).toEqual(only);
      expect(past.forecast?.through).toBe('2024-09-30');
    } finally {
      closeTruncated();
    }
  });

  it('forecasts orders, revenue, "in it or later", weeks and attribute groups', async () => {
    for (const input of [
      { metric: 'orders' },
      { metric: 'revenue' },
      { metric: 'customers', mode: 'onOrAfter' },
      { period: 'week', maxOffset: 20 },
      { by: 'channel' },
      { period: 'quarter' },
    ] as const) {
      const m = await matrix({ period: 'month', forecast: true, ...input });
      const forecasts = m.cohorts.flatMap((row) => (row.cells ?? []).filter((c) => c.kind === 'forecast'));
      expect(forecasts.length, JSON.stringify(input)).toBeGreaterThan(0);
      for (const cell of forecasts) {
        expect(cell.value, JSON.stringify(input)).toBeGreaterThan(0);
        expect(cell.lower).not.toBeNull();
      }
    }
    const survival = await matrix({ period: 'month', forecast: true, mode: 'onOrAfter' });
    expect(survival.forecast?.model).toBe('survival');
    // A survival curve never rises.
    for (const row of survival.cohorts) {
      const forecasts = (row.cells ?? []).filter((c) => c.kind === 'forecast').map((c) => c.value);
      for (let i = 1; i < forecasts.length; i++) {
        expect(forecasts[i]).toBeLessThanOrEqual((forecasts[i - 1] ?? 1) + 1e-12);
      }
    }
  });

  it('an empty selection has no cells and says why', async () => {
    const m = await matrix({ period: 'month', forecast: true, filters: { channel: ['phone'] } });
    expect(m.cohorts).toEqual([]);
    expect(m.forecast?.note).toBe('no customers match');
  });
});

describe('the Day-N trend', () => {
  it('month 1 across cohorts: observed with intervals, then the month under way and forecasts; a line and the latest against six before', async () => {
    const trend = await cohortTrend(warehouse, trendInputSchema.parse({ age: 1, period: 'month' }));
    const m = await matrix({ period: 'month' });
    expect(trend.points.map((p) => p.cohort)).toEqual(m.cohorts.map((row) => row.cohort));
    const observed = trend.points.filter((p) => p.kind === 'observed');
    expect(observed.map((p) => p.cohort)).toEqual(
      m.cohorts.filter((row) => row.complete[1]).map((row) => row.cohort),
    );
    for (const point of observed) {
      expect(point.value).toBe(m.cohorts.find((row) => row.cohort === point.cohort)?.values[1]);
      expect(point.lower).toBeLessThan(point.value);
    }
    expect(trend.points.at(-2)).toMatchObject({ cohort: '2024-01', kind: 'incomplete' });
    expect(trend.points.at(-1)).toMatchObject({ cohort: '2024-02', kind: 'forecast' });
    // Latest complete cohort: 2023-12; the six before it are 2023-06 … 2023-11.
    expect(trend.latest?.cohort).toBe('2023-12');
    expect(trend.latest?.previousCohorts).toEqual([
      '2023-06',
      '2023-07',
      '2023-08',
      '2023-09',
      '2023-10',
      '2023-11',
    ]);
    const six = observed.slice(-7, -1).map((p) => p.value);
    expect(trend.latest?.previousMean).toBeCloseTo(six.reduce((t, v) => t + v, 0) / 6, 12);
    expect(trend.latest?.delta).toBeCloseTo(
      (trend.latest?.value ?? 0) - (trend.latest?.previousMean ?? 0),
      12,
    );
    // The line leaves out the 12-customer cohort.
    expect(trend.trend?.line.map((p) => p.cohort)).not.toContain('2023-07');
  });

  it('an age past the horizon has no forecasts, only observed points', async () => {
    const trend = await cohortTrend(warehouse, trendInputSchema.parse({ age: 12, period: 'month' }));
    expect(trend.points.map((p) => [p.cohort, p.kind])).toEqual([
      ['2023-01', 'observed'],
      ['2023-02', 'incomplete'],
      ...trend.points.slice(2).map((p) => [p.cohort, 'forecast']),
    ]);
    expect(trend.points.length).toBe(14);
    const far = await cohortTrend(warehouse, trendInputSchema.parse({ age: 30, period: 'month' }));
    expect(far.points).toEqual([]);
  });
});

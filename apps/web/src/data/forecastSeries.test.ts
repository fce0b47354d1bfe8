import { describe, expect, it } from 'vitest';
import type { CohortMatrix, CohortRow } from './cohortSeries.ts';
import { curvesChart, matrixTable } from './cohortSeries.ts';
import {
  ageName,
  expectedEndAt,
  forecastAt,
  forecastWidth,
  type Trend,
  trendAges,
  trendChart,
  withForecasts,
} from './forecastSeries.ts';

// A cohort observed for months 0–2, month 3 under way, months 4–5 forecast.
const row: CohortRow = {
  cohort: '2024-01',
  size: 200,
  small: false,
  values: [1, 0.3, 0.25, 0.1],
  complete: [true, true, true, false],
  counts: [200, 60, 50, 20],
  bases: [200, 200, 200, 200],
  low: [0.98, 0.24, 0.19, 0.06],
  high: [1, 0.37, 0.31, 0.15],
  cells: [
    { k: 0, value: 1, lower: 0.99, upper: 1, kind: 'observed' },
    { k: 1, value: 0.3, lower: 0.26, upper: 0.34, kind: 'observed' },
    { k: 2, value: 0.25, lower: 0.21, upper: 0.29, kind: 'observed' },
    { k: 3, value: 0.22, lower: 0.18, upper: 0.27, kind: 'incomplete' },
    { k: 4, value: 0.2, lower: 0.15, upper: 0.26, kind: 'forecast' },
    { k: 5, value: 0.19, lower: 0.13, upper: 0.25, kind: 'forecast' },
  ],
  forecastBasis: 'cohort',
};

const matrix: CohortMatrix = {
  period: 'month',
  by: 'period',
  metric: 'customers',
  mode: 'on',
  net: false,
  dataEnd: '2024-04-10',
  minCohortSize: 30,
  cohorts: [row],
  forecast: {
    model: 'activity',
    through: '2025-04-30',
    horizon: 6,
    oldestAge: 3,
    pooledCohorts: [],
    note: null,
  },
};

describe('forecast cells', () => {
  it('tells forecasts from the expected end of the period under way', () => {
    expect(forecastWidth(matrix)).toBe(6);
    expect(forecastAt(row, 4)?.value).toBe(0.2);
    expect(forecastAt(row, 3)).toBeNull();
    expect(expectedEndAt(row, 3)?.value).toBe(0.22);
    expect(expectedEndAt(row, 2)).toBeNull();
  });

  it('the matrix CSV holds the forecasts and marks where they start and what they rest on', () => {
    const t = matrixTable(matrix);
    expect(t.columns).toEqual([
      'cohort',
      'size',
      'month 0',
      'month 1',
      'month 2',
      'month 3',
      'month 4',
      'month 5',
      'first incomplete',
      'first forecast',
      'forecast basis',
    ]);
    // The value so far stays in month 3; months 4 and 5 hold forecasts, flagged from month 4.
    expect(t.rows[1]).toEqual(['2024-01', 200, 1, 0.3, 0.25, 0.1, 0.2, 0.19, 3, 4, 'cohort']);
    // Without forecasts the table is as before.
    const { forecast, ...plain } = matrix;
    expect(matrixTable({ ...plain, cohorts: [{ ...row, cells: undefined }] }).columns).not.toContain(
      'first forecast',
    );
  });

  it('curves continue into a dotted forecast with its 80 % band, joined at the last complete point', () => {
    const chart = withForecasts(curvesChart([row], { fromOffset: 1, includeIncomplete: true }), [row], 1);
    const f = chart.series.find((s) => s.forecastOf === 's0');
    expect(f).toMatchObject({ key: 's0:f', band: { low: 's0:flow', high: 's0:fhigh', level: 80 } });
    expect(chart.data.map((r) => r.offset)).toEqual([1, 2, 3, 4, 5]);
    expect(chart.data.map((r) => r['s0:f'])).toEqual([null, 0.25, 0.22, 0.2, 0.19]);
    expect(chart.data.map((r) => r['s0:flow'])).toEqual([null, null, 0.18, 0.15, 0.13]);
    // The observed curve itself is untouched.
    expect(chart.data.map((r) => r.s0)).toEqual([0.3, 0.25, null, null, null]);
  });
});

describe('Day-N trend chart', () => {
  const trend: Trend = {
    period: 'month',
    age: 1,
    mode: 'on',
    dataEnd: '2024-04-10',
    minCohortSize: 30,
    points: [
      { cohort: '2024-01', size: 200, value: 0.3, lower: 0.26, upper: 0.34, kind: 'observed' },
      { cohort: '2024-02', size: 180, value: 0.28, lower: 0.24, upper: 0.32, kind: 'observed' },
      { cohort: '2024-03', size: 150, value: 0.27, lower: 0.22, upper: 0.33, kind: 'incomplete' },
      { cohort: '2024-04', size: 90, value: 0.26, lower: 0.2, upper: 0.33, kind: 'forecast' },
    ],
    trend: {
      slopePerCohort: -0.02,
      line: [
        { cohort: '2024-01', value: 0.3 },
        { cohort: '2024-02', value: 0.28 },
      ],
    },
    latest: { cohort: '2024-02', value: 0.28, previousMean: 0.3, previousCohorts: ['2024-01'], delta: -0.02 },
    forecast: null,
  };

  it('observed points with their interval, forecasts joined to the last one, the line where it was fitted', () => {
    const chart = trendChart(trend, 'Month 1 retention');
    expect(chart.series.map((s) => [s.key, s.forecastOf ?? null, s.band?.level ?? null])).toEqual([
      ['observed', null, 80],
      ['forecast', 'observed', 80],
      ['line', null, null],
    ]);
    expect(chart.data.map((r) => r.observed)).toEqual([0.3, 0.28, null, null]);
    expect(chart.data.map((r) => r.forecast)).toEqual([null, 0.28, 0.27, 0.26]);
    expect(chart.data.map((r) => r.forecastLow)).toEqual([null, null, 0.22, 0.2]);
    expect(chart.data.map((r) => r.line)).toEqual([0.3, 0.28, null, null]);
  });

  it('names ages and offers the usual checkpoints', () => {
    expect(ageName('month', 1)).toBe('Month 1');
    expect(ageName('week', 4)).toBe('Week 4');
    expect(trendAges('month')).toEqual([1, 2, 3, 6, 12]);
    expect(trendChart({ ...trend, points: trend.points.slice(0, 2), trend: null }, 'x').series).toHaveLength(
      1,
    );
  });
});

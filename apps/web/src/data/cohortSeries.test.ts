import { describe, expect, it } from 'vitest';
import { formatPercent } from '../format.ts';
import {
  type CohortMatrix,
  type CohortRow,
  cellDetail,
  curveColumns,
  curvesChart,
  matrixTable,
  offsetTickSteps,
  recentCohorts,
} from './cohortSeries.ts';
import { tableCsvRows } from './table.ts';

const row = (cohort: string, values: (number | null)[], complete: boolean[], small = false): CohortRow => ({
  cohort,
  size: 100,
  small,
  values,
  complete,
  counts: values.map((v) => (v ?? 0) * 100),
  bases: values.map(() => 100),
  low: values.map((v) => (v === null ? null : v - 0.05)),
  high: values.map((v) => (v === null ? null : v + 0.05)),
});

const matrix = (cohorts: CohortRow[]): CohortMatrix => ({
  period: 'month',
  by: 'period',
  metric: 'customers',
  mode: 'on',
  net: false,
  dataEnd: '2024-03-31',
  minCohortSize: 30,
  cohorts,
});

describe('curvesChart', () => {
  it('puts one column per cohort on each offset and drops incomplete values', () => {
    const chart = curvesChart([
      row('2024-01', [1, 0.4, 0.3], [true, true, false]),
      row('2024-02', [1, 0.5], [true, true]),
    ]);
    expect(chart.series).toEqual([
      { key: 's0', label: '2024-01' },
      { key: 's1', label: '2024-02' },
    ]);
    expect(chart.data).toEqual([
      { offset: 0, s0: 1, s1: 1 },
      { offset: 1, s0: 0.4, s1: 0.5 },
      { offset: 2, s0: null, s1: null },
    ]);
  });

  it('draws values so far as a separate dashed end that starts at the last final point, never as the curve', () => {
    const chart = curvesChart([row('all', [1, 0.4, 0.3, 0.28, 0.1], [true, true, true, false, false])], {
      includeIncomplete: true,
      fromOffset: 1,
    });
    expect(chart.series).toEqual([
      { key: 's0', label: 'all' },
      { key: 's0~', label: 'all (so far)', dashed: true, tailOf: 's0' },
    ]);
    expect(chart.data).toEqual([
      { offset: 1, s0: 0.4, 's0~': null, complete: 'yes' },
      { offset: 2, s0: 0.3, 's0~': 0.3, complete: 'yes' },
      { offset: 3, s0: null, 's0~': 0.28, complete: 'no' },
      { offset: 4, s0: null, 's0~': 0.1, complete: 'no' },
    ]);
    // Without incomplete values there is no dashed end, and rows do not say anything about it.
    const final = curvesChart([row('all', [1, 0.4], [true, true])], { includeIncomplete: true });
    expect(final.series).toEqual([{ key: 's0', label: 'all' }]);
    expect(final.data[1]).toEqual({ offset: 1, s0: 0.4, complete: 'yes' });
  });

  it('says a row is partly over when the curves differ, and bands only final points', () => {
    const chart = curvesChart(
      [row('web', [1, 0.4, 0.3], [true, true, true]), row('store', [1, 0.5, 0.2], [true, true, false])],
      { includeIncomplete: true, band: true },
    );
    expect(chart.data[2]).toMatchObject({ complete: 'partly', 's0:low': expect.closeTo(0.25), 's1~': 0.2 });
    expect(chart.data[2]?.['s1:low']).toBeUndefined();
    expect(chart.series[0]).toEqual({ key: 's0', label: 'web', band: { low: 's0:low', high: 's0:high' } });
  });

  it('tables a curve with its values so far, whether each period is over, and the CSV as shown', () => {
    const chart = curvesChart([row('all', [1, 0.41234, 0.30001], [true, true, false])], {
      includeIncomplete: true,
      fromOffset: 1,
    });
    const columns = curveColumns(chart, 'months since first order', formatPercent);
    expect(columns.map((c) => c.label)).toEqual(['months since first order', 'all', 'Period over']);
    expect(tableCsvRows(columns, chart.data)).toEqual([
      [1, 0.412, 'yes'],
      [2, 0.3, 'no'],
    ]);
  });
});

describe('offset axis ticks', () => {
  it('steps by round numbers of the period', () => {
    expect(offsetTickSteps('month')).toContain(12);
    expect(offsetTickSteps('week')).toContain(13);
  });
});

describe('recentCohorts', () => {
  it('keeps the latest cohorts that are big and old enough', () => {
    const m = matrix([
      row('2023-12', [1, 0.3, 0.2], [true, true, true]),
      row('2024-01', [1, 0.4, 0.3], [true, true, true], true),
      row('2024-02', [1, 0.5], [true, true]),
      row('2024-03', [1], [true]),
    ]);
    expect(recentCohorts(m, 2, 2).map((c) => c.cohort)).toEqual(['2023-12', '2024-02']);
  });
});

describe('matrix helpers', () => {
  it('flattens the matrix for CSV as shown: the average first, rates rounded as the cells show them', () => {
    const m = matrix([
      row('2024-01', [1, 0.41234, 0.2], [true, true, false]),
      row('2024-02', [1, 0.3], [true, false]),
    ]);
    const t = matrixTable(m);
    expect(t.columns).toEqual(['cohort', 'size', 'month 0', 'month 1', 'month 2', 'first incomplete']);
    expect(t.rows).toEqual([
      ['Average (weighted by size)', 200, 1, 0.412, 0.2, 2],
      ['2024-01', 100, 1, 0.412, 0.2, 2],
      ['2024-02', 100, 1, 0.3, null, 1],
    ]);
    const counts = matrixTable(m, 'counts');
    expect(counts.rows[0]).toEqual(['Average per cohort', 200, 100, 41, 20, 2]);
    expect(counts.rows[1]).toEqual(['2024-01', 100, 100, 41, 20, 2]);
    expect(matrixTable(matrix([])).rows).toEqual([]);
  });

  it('describes a cell with its interval, or nothing beyond the row', () => {
    const r = row('2024-01', [1, 0.4], [true, false]);
    expect(cellDetail(r, 1)).toMatchObject({
      value: 0.4,
      count: 40,
      base: 100,
      complete: false,
      low: expect.closeTo(0.35),
    });
    expect(cellDetail(r, 2)).toBeNull();
  });
});

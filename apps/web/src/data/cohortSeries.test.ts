import { describe, expect, it } from 'vitest';
import {
  type CohortMatrix,
  type CohortRow,
  cellDetail,
  curvesChart,
  matrixTable,
  recentCohorts,
} from './cohortSeries.ts';

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
    expect(
      curvesChart([row('a', [1, 0.4], [true, false])], { includeIncomplete: true, fromOffset: 1 }).data,
    ).toEqual([{ offset: 1, s0: 0.4 }]);
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
  it('flattens the matrix for CSV with a column per offset', () => {
    const t = matrixTable(matrix([row('2024-01', [1, 0.4], [true, true]), row('2024-02', [1], [true])]));
    expect(t.columns).toEqual(['cohort', 'size', 'month 0', 'month 1']);
    expect(t.rows).toEqual([
      ['2024-01', 100, 1, 0.4],
      ['2024-02', 100, 1, null],
    ]);
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

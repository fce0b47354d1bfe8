import type { RouterOutputs } from '@retain/api';
import { type ChartData, type ChartRow, numberAt } from './chartData.ts';
import type { Column } from './table.ts';

export type CohortMatrix = RouterOutputs['cohorts']['matrix'];
export type CohortRow = CohortMatrix['cohorts'][number];

/**
 * Retention curves as chart rows, one row per offset with a column per cohort (`s0`, `s1`, … so
 * labels never need escaping). Incomplete values are left out unless asked for: a period still
 * running would show as a false dip at the end of each curve.
 */
export function curvesChart(
  rows: readonly CohortRow[],
  options: { includeIncomplete?: boolean; fromOffset?: number; maxOffset?: number } = {},
): ChartData {
  const from = options.fromOffset ?? 0;
  const longest = Math.max(0, ...rows.map((r) => r.values.length));
  const last = Math.min(longest - 1, options.maxOffset ?? Number.POSITIVE_INFINITY);
  const data: ChartRow[] = [];
  for (let offset = from; offset <= last; offset++) {
    const row: ChartRow = { offset };
    rows.forEach((r, i) => {
      const complete = r.complete[offset] ?? false;
      const value = r.values[offset];
      row[`s${i}`] = value === undefined || (!complete && !options.includeIncomplete) ? null : value;
    });
    data.push(row);
  }
  return { data, series: rows.map((r, i) => ({ key: `s${i}`, label: r.cohort })) };
}

/** The most recent `count` cohorts that are big enough and old enough to have `minOffsets` complete offsets. */
export function recentCohorts(matrix: CohortMatrix, count: number, minOffsets: number): CohortRow[] {
  return matrix.cohorts
    .filter((c) => !c.small && c.complete.filter(Boolean).length >= minOffsets)
    .slice(-count);
}

/** A cell's numbers for a tooltip or a drill-down title. */
export interface CellDetail {
  cohort: string;
  offset: number;
  value: number | null;
  count: number;
  base: number;
  low: number | null;
  high: number | null;
  complete: boolean;
  small: boolean;
}

export function cellDetail(row: CohortRow, offset: number): CellDetail | null {
  if (offset >= row.values.length) return null;
  return {
    cohort: row.cohort,
    offset,
    value: row.values[offset] ?? null,
    count: row.counts[offset] ?? 0,
    base: row.bases[offset] ?? 0,
    low: row.low?.[offset] ?? null,
    high: row.high?.[offset] ?? null,
    complete: row.complete[offset] ?? false,
    small: row.small,
  };
}

/** The matrix as a flat table for CSV: cohort, size, then one column per offset. */
export function matrixTable(matrix: CohortMatrix): { columns: string[]; rows: (string | number | null)[][] } {
  const longest = Math.max(0, ...matrix.cohorts.map((c) => c.values.length));
  const columns = [
    'cohort',
    'size',
    ...Array.from({ length: longest }, (_, i) => `${matrix.period === 'day' ? 'day' : matrix.period} ${i}`),
  ];
  const rows = matrix.cohorts.map((c) => [
    c.cohort,
    c.size,
    ...Array.from({ length: longest }, (_, i) => c.values[i] ?? null),
  ]);
  return { columns, rows };
}

/** Offsets present in a matrix (its widest row). */
export function matrixOffsets(matrix: CohortMatrix): number[] {
  return Array.from({ length: Math.max(0, ...matrix.cohorts.map((c) => c.values.length)) }, (_, i) => i);
}

/** The columns of a curves chart's table and CSV: the offset, then one per curve. */
export function curveColumns(
  chart: ChartData,
  offsetLabel: string,
  format: (value: number | null) => string,
): Column<ChartRow>[] {
  return [
    { key: 'offset', label: offsetLabel, value: (r) => numberAt(r, 'offset'), numeric: true },
    ...chart.series.map(
      (s): Column<ChartRow> => ({
        key: s.key,
        label: s.label,
        value: (r) => numberAt(r, s.key),
        format: (r) => format(numberAt(r, s.key)),
        numeric: true,
      }),
    ),
  ];
}

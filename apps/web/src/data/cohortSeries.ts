import type { RouterOutputs } from '@retain/api';
import type { Period } from '@retain/schemas';
import { type ChartData, type ChartRow, numberAt, type Series } from './chartData.ts';
import { averageCountPerCohort, weightedAverageRow } from './cohortAverage.ts';
import { type CohortShow, cohortCellFormatter } from './cohortInputs.ts';
import { csvNumber } from './csv.ts';
import { forecastWidth } from './forecastSeries.ts';
import type { Column } from './table.ts';

export type CohortMatrix = RouterOutputs['cohorts']['matrix'];
export type CohortRow = CohortMatrix['cohorts'][number];

export interface CurvesOptions {
  /**
   * Also chart the values of periods that are not over yet, as a dashed "so far" end of each curve
   * (its own series, `tailOf` the curve), so they never read as data. Left out otherwise.
   */
  includeIncomplete?: boolean;
  fromOffset?: number;
  maxOffset?: number;
  /** Draw each curve's 95 % interval (customers metric) around its complete points. */
  band?: boolean;
}

/**
 * Retention curves as chart rows, one row per offset with a column per cohort (`s0`, `s1`, … so
 * labels never need escaping). A value whose period is not over is a value so far: left out, or
 * with `includeIncomplete` put in a separate dashed series (`s0~`) that starts at the curve's last
 * complete point, so the curve itself holds final values only. Rows then say whether their
 * periods are over (`complete`: yes, no or partly, when the curves differ).
 */
export function curvesChart(rows: readonly CohortRow[], options: CurvesOptions = {}): ChartData {
  const from = options.fromOffset ?? 0;
  const longest = Math.max(0, ...rows.map((r) => r.values.length));
  const last = Math.min(longest - 1, options.maxOffset ?? Number.POSITIVE_INFINITY);
  const tails = new Set<number>();
  const bands = new Set<number>();
  const data: ChartRow[] = [];
  for (let offset = from; offset <= last; offset++) {
    const row: ChartRow = { offset };
    let over = 0;
    let running = 0;
    rows.forEach((r, i) => {
      const value = r.values[offset];
      const complete = r.complete[offset] ?? false;
      if (value === undefined) {
        row[`s${i}`] = null;
        return;
      }
      if (complete) over++;
      else running++;
      row[`s${i}`] = complete ? value : null;
      if (options.includeIncomplete && value !== null && !complete) {
        row[`s${i}~`] = value;
        tails.add(i);
        // The dashed end starts where the solid curve stops.
        const previous = data.at(-1);
        if (previous && previous[`s${i}`] !== null && previous[`s${i}`] !== undefined)
          previous[`s${i}~`] = previous[`s${i}`];
      }
      const low = r.low?.[offset];
      const high = r.high?.[offset];
      if (options.band && complete && typeof low === 'number' && typeof high === 'number') {
        row[`s${i}:low`] = low;
        row[`s${i}:high`] = high;
        bands.add(i);
      }
    });
    if (options.includeIncomplete) row.complete = running === 0 ? 'yes' : over === 0 ? 'no' : 'partly';
    data.push(row);
  }
  const series: Series[] = [];
  rows.forEach((r, i) => {
    series.push({
      key: `s${i}`,
      label: r.cohort,
      ...(bands.has(i) ? { band: { low: `s${i}:low`, high: `s${i}:high` } } : {}),
    });
  });
  rows.forEach((r, i) => {
    if (tails.has(i))
      series.push({ key: `s${i}~`, label: `${r.cohort} (so far)`, dashed: true, tailOf: `s${i}` });
  });
  // Rows of a tail's curve that the tail does not reach hold no value for it.
  for (const row of data) for (const i of tails) if (!(`s${i}~` in row)) row[`s${i}~`] = null;
  return { data, series };
}

/** The steps between the ticks of an offset axis: round numbers of the period (a quarter, a year). */
export function offsetTickSteps(period: Period): readonly number[] {
  switch (period) {
    case 'day':
      return [1, 7, 14, 28, 91, 182, 364];
    case 'week':
      return [1, 2, 4, 13, 26, 52];
    case 'month':
      return [1, 2, 3, 6, 12];
    case 'quarter':
      return [1, 2, 4];
  }
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

/**
 * The matrix as a flat table for CSV, as the heatmap shows it: cohort, size, one column per offset
 * holding the rates (or with `counts`, the counts) rounded as the cells show them, and the first
 * offset whose period is not over (its value is so far, not final; empty when every one is over).
 * The average row comes first, as on screen. With forecasts (rates), the offsets not yet begun hold
 * the forecasts and two columns mark them: the first offset holding a forecast, and whether the
 * cohort's forecasts rest on its own level or the pooled one.
 */
export function matrixTable(
  matrix: CohortMatrix,
  show: CohortShow = 'rates',
): { columns: string[]; rows: (string | number | null)[][] } {
  const withForecasts = matrix.forecast !== undefined && show === 'rates';
  const longest = withForecasts
    ? forecastWidth(matrix)
    : Math.max(0, ...matrix.cohorts.map((c) => c.values.length));
  const decimals = cohortCellFormatter(matrix.metric, show).decimals;
  const round = (v: number | null | undefined) => (typeof v === 'number' ? csvNumber(v, decimals) : null);
  const columns = [
    'cohort',
    'size',
    ...Array.from({ length: longest }, (_, i) => `${matrix.period} ${i}`),
    'first incomplete',
    ...(withForecasts ? ['first forecast', 'forecast basis'] : []),
  ];
  const firstIncomplete = (complete: readonly boolean[]) => {
    const at = complete.indexOf(false);
    return at < 0 ? null : at;
  };
  const average = weightedAverageRow(matrix.cohorts);
  const averageRow = [
    show === 'counts' ? AVERAGE_LABEL.counts : AVERAGE_LABEL.rates,
    average.size,
    ...average.cells.map((cell) => round(show === 'counts' ? averageCountPerCohort(cell) : cell.value)),
    firstIncomplete(average.cells.map((cell) => cell.complete)),
    ...(withForecasts ? [null, null] : []),
  ];
  const rows = matrix.cohorts.map((c) => {
    const forecasts = (c.cells ?? []).filter((cell) => cell.kind === 'forecast');
    const forecastValue = new Map(forecasts.map((cell) => [cell.k, cell.value]));
    return [
      c.cohort,
      c.size,
      ...Array.from({ length: longest }, (_, i) =>
        round(show === 'counts' ? c.counts[i] : i < c.values.length ? c.values[i] : forecastValue.get(i)),
      ),
      firstIncomplete(c.complete),
      ...(withForecasts ? [forecasts[0]?.k ?? null, c.forecastBasis ?? null] : []),
    ];
  });
  return { columns, rows: matrix.cohorts.length > 0 ? [averageRow, ...rows] : [] };
}

/** The average row's name: a size-weighted rate, or counts per cohort. */
export const AVERAGE_LABEL: Record<CohortShow, string> = {
  rates: 'Average (weighted by size)',
  counts: 'Average per cohort',
};

/** Offsets present in a matrix (its widest row). */
export function matrixOffsets(matrix: CohortMatrix): number[] {
  return Array.from({ length: Math.max(0, ...matrix.cohorts.map((c) => c.values.length)) }, (_, i) => i);
}

/**
 * The columns of a curves chart's table and CSV: the offset, then one per curve (its value so far
 * where its period is not over), then, when some period is not over, whether the row's are.
 * `format` shows a value; its `decimals`, when it has them, round the CSV to what it shows.
 */
export function curveColumns(
  chart: ChartData,
  offsetLabel: string,
  format: ((value: number | null) => string) & { decimals?: number },
): Column<ChartRow>[] {
  const curves = chart.series.filter((s) => !s.tailOf);
  const tails = new Map(chart.series.filter((s) => s.tailOf).map((s) => [s.tailOf, s.key]));
  const curveValue = (row: ChartRow, key: string) => {
    const tail = tails.get(key);
    return numberAt(row, key) ?? (tail ? numberAt(row, tail) : null);
  };
  const columns: Column<ChartRow>[] = [
    { key: 'offset', label: offsetLabel, value: (r) => numberAt(r, 'offset'), numeric: true },
    ...curves.map(
      (s): Column<ChartRow> => ({
        key: s.key,
        label: s.label,
        value: (r) => curveValue(r, s.key),
        format: (r) => format(curveValue(r, s.key)),
        numeric: true,
        ...(format.decimals === undefined ? {} : { decimals: format.decimals }),
      }),
    ),
  ];
  if (tails.size > 0)
    columns.push({
      key: 'complete',
      label: 'Period over',
      value: (r) => (typeof r.complete === 'string' ? r.complete : null),
    });
  return columns;
}

import type { RouterOutputs } from '@retain/api';
import type { ChartData, ChartRow, Series } from './chartData.ts';
import type { CohortMatrix, CohortRow } from './cohortSeries.ts';

/*
 * Forecasts as the dashboard draws them: the matrix's forecast cells, curves continued by dashed
 * forecasts with their 80 % band, and the Day-N trend. Forecasts are kept apart from the data in
 * every shape (their own series, their own column), so they can never be read as observed.
 */

export type Trend = RouterOutputs['cohorts']['trend'];
export type ForecastCell = NonNullable<CohortRow['cells']>[number];

/** The interval every forecast on the dashboard carries. */
export const FORECAST_LEVEL = 80;

/** A row's cells by offset (empty without forecasts). */
export function cellsByOffset(row: CohortRow): Map<number, ForecastCell> {
  return new Map((row.cells ?? []).map((cell) => [cell.k, cell]));
}

/** The forecast of a cell not yet begun, or null. */
export function forecastAt(row: CohortRow, offset: number): ForecastCell | null {
  const cell = row.cells?.find((c) => c.k === offset);
  return cell?.kind === 'forecast' ? cell : null;
}

/** Where an under-way period is expected to end (an incomplete cell with an interval), or null. */
export function expectedEndAt(row: CohortRow, offset: number): ForecastCell | null {
  const cell = row.cells?.find((c) => c.k === offset);
  return cell?.kind === 'incomplete' && cell.lower !== null ? cell : null;
}

/** Offsets a matrix shows: its widest row of values, or of forecasts when they reach further. */
export function forecastWidth(matrix: CohortMatrix): number {
  return Math.max(
    0,
    ...matrix.cohorts.map((c) => Math.max(c.values.length, ...(c.cells ?? []).map((cell) => cell.k + 1))),
  );
}

/**
 * Continues each curve of a curves chart with its forecast: a dashed series `s{i}:f` (forecastOf
 * `s{i}`) with its 80 % band, from the curve's last complete point through the under-way period's
 * expected end and the forecasts. Rows are added for offsets the forecasts reach.
 */
export function withForecasts(chart: ChartData, rows: readonly CohortRow[], fromOffset = 0): ChartData {
  const byOffset = new Map<number, ChartRow>();
  for (const row of chart.data) byOffset.set(Number(row.offset), { ...row });
  const series: Series[] = [...chart.series];
  rows.forEach((r, i) => {
    const ahead = (r.cells ?? []).filter(
      (c) => c.k >= fromOffset && c.kind !== 'observed' && c.lower !== null,
    );
    if (ahead.length === 0) return;
    const key = `s${i}:f`;
    const lastComplete = Math.max(
      -1,
      ...(r.cells ?? []).filter((c) => c.kind === 'observed').map((c) => c.k),
    );
    const joinValue = r.values[lastComplete];
    const at = (offset: number) => {
      let row = byOffset.get(offset);
      if (!row) {
        row = { offset };
        byOffset.set(offset, row);
      }
      return row;
    };
    if (lastComplete >= fromOffset && typeof joinValue === 'number') at(lastComplete)[key] = joinValue;
    for (const cell of ahead) {
      const row = at(cell.k);
      row[key] = cell.value;
      row[`${key}low`] = cell.lower;
      row[`${key}high`] = cell.upper;
    }
    series.push({
      key,
      label: `${r.cohort} forecast`,
      forecastOf: `s${i}`,
      band: { low: `${key}low`, high: `${key}high`, level: FORECAST_LEVEL },
    });
  });
  const data = [...byOffset.values()].sort((a, b) => Number(a.offset) - Number(b.offset));
  // Every row holds every series' keys (null where it has no value), as the chart's table expects.
  const keys = series.flatMap((s) => [s.key, ...(s.band ? [s.band.low, s.band.high] : [])]);
  for (const row of data) for (const key of keys) if (!(key in row)) row[key] = null;
  return { data, series };
}

/**
 * The Day-N trend as chart rows, one per cohort: the observed value with its 80 % interval, the
 * forecast (joined to the last observed point) with its interval, and the trend line over the
 * observed cohorts it was fitted on.
 */
export function trendChart(trend: Trend, label: string): ChartData {
  const line = new Map((trend.trend?.line ?? []).map((p) => [p.cohort, p.value]));
  const lastObserved = trend.points.findLastIndex((p) => p.kind === 'observed');
  const data: ChartRow[] = trend.points.map((p, i) => {
    const observed = p.kind === 'observed';
    return {
      cohort: p.cohort,
      size: p.size,
      kind: p.kind,
      observed: observed ? p.value : null,
      observedLow: observed ? p.lower : null,
      observedHigh: observed ? p.upper : null,
      forecast: observed ? (i === lastObserved ? p.value : null) : p.value,
      forecastLow: observed ? null : p.lower,
      forecastHigh: observed ? null : p.upper,
      line: line.get(p.cohort) ?? null,
    };
  });
  const series: Series[] = [
    { key: 'observed', label, band: { low: 'observedLow', high: 'observedHigh', level: FORECAST_LEVEL } },
  ];
  if (trend.points.some((p) => p.kind !== 'observed'))
    series.push({
      key: 'forecast',
      label,
      forecastOf: 'observed',
      band: { low: 'forecastLow', high: 'forecastHigh', level: FORECAST_LEVEL },
    });
  if (trend.trend)
    series.push({ key: 'line', label: 'Trend line', dashed: true, color: 'var(--muted)', noDots: true });
  return { data, series };
}

/** "Month 1", "Week 4": the age a trend reads. */
export function ageName(period: Trend['period'], age: number): string {
  const name = { day: 'Day', week: 'Week', month: 'Month', quarter: 'Quarter' }[period];
  return `${name} ${age}`;
}

/** Ages offered for the trend, by period: the usual checkpoints. */
export function trendAges(period: Trend['period']): readonly number[] {
  switch (period) {
    case 'day':
      return [1, 7, 14, 30, 60, 90];
    case 'week':
      return [1, 2, 4, 8, 13, 26];
    case 'month':
      return [1, 2, 3, 6, 12];
    case 'quarter':
      return [1, 2, 4];
  }
}

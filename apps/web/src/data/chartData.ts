/** One row of chart data: an x value and one column per series. */
export type ChartRow = Record<string, string | number | null | undefined>;

export interface Series {
  key: string;
  label: string;
  color?: string;
  dashed?: boolean;
  /**
   * This series is the not-yet-final end of another (`tailOf` is that series' key): values of
   * periods that are not over, drawn dashed with hollow points and named "so far", never as data.
   */
  tailOf?: string;
  /**
   * This series is the forecast continuing another (`forecastOf` is that series' key): dashed,
   * named "forecast" in the tooltip and the legend, never read as data.
   */
  forecastOf?: string;
  /** Never draw this series' points (a fitted line, not data). */
  noDots?: boolean;
  /** Keys of the row fields holding the series' interval (95 % unless `level` says), drawn as a band. */
  band?: { low: string; high: string; level?: number };
}

export interface ChartData {
  data: ChartRow[];
  series: Series[];
}

/** A row's numeric value under `key`, or null. */
export function numberAt(row: ChartRow, key: string): number | null {
  const value = row[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * Round ticks from zero past `max`: a step of 1, 2, 2.5 or 5 × 10ⁿ, at most five intervals
 * (0.34 → 0, 0.1, 0.2, 0.3, 0.4; 1,234 → 0, 250, …, 1,250).
 */
export function niceTicks(max: number): number[] {
  if (!Number.isFinite(max) || max <= 0) return [0, 0.25, 0.5, 0.75, 1];
  const power = 10 ** Math.floor(Math.log10(max / 5));
  const step =
    [1, 2, 2.5, 5, 10].map((m) => m * power).find((candidate) => Math.ceil(max / candidate - 1e-9) <= 5) ??
    10 * power;
  const count = Math.max(1, Math.ceil(max / step - 1e-9));
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

/**
 * Evenly spaced ticks for a numeric axis of whole numbers from `min` to `max`: every multiple of
 * the smallest step in `steps` that gives at most `maxTicks` ticks (months: every 1, 2, 3, 6 or 12;
 * weeks: 1, 2, 4, 13, 26 or 52), so the labels fall on round offsets, the same distance apart.
 */
export function evenTicks(min: number, max: number, maxTicks: number, steps: readonly number[]): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return [];
  const limit = Math.max(2, Math.floor(maxTicks));
  const multiples = (step: number) => {
    const ticks: number[] = [];
    for (let t = Math.ceil(min / step) * step; t <= max; t += step) ticks.push(t);
    return ticks;
  };
  const candidates = [...steps].sort((a, b) => a - b);
  let step = candidates.find((s) => multiples(s).length <= limit);
  // Past the largest step given, keep doubling it until the ticks fit.
  if (step === undefined) {
    step = candidates.at(-1) ?? 1;
    while (multiples(step).length > limit) step *= 2;
  }
  const ticks = multiples(step);
  return ticks.length > 0 ? ticks : [min];
}

/** The largest numeric value under any of `keys` in the rows (0 when none). */
export function maxOf(rows: readonly ChartRow[], keys: readonly string[]): number {
  let max = 0;
  for (const row of rows)
    for (const key of keys) {
      const v = numberAt(row, key);
      if (v !== null && v > max) max = v;
    }
  return max;
}

/** One row of chart data: an x value and one column per series. */
export type ChartRow = Record<string, string | number | null | undefined>;

export interface Series {
  key: string;
  label: string;
  color?: string;
  dashed?: boolean;
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

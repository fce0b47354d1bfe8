import type { CohortRow } from './cohortSeries.ts';

/** One offset of a matrix's average row. */
export interface AverageCell {
  offset: number;
  /** Σ (base × value) / Σ base over the cohorts averaged: null without any. */
  value: number | null;
  /** Σ count over the cohorts averaged (customers active, orders, or revenue). */
  count: number;
  /** Σ base: the customers the average is over. */
  base: number;
  /** How many cohorts are averaged at this offset. */
  cohorts: number;
  /** false when no cohort's period is over at this offset and the average is of values so far. */
  complete: boolean;
}

export interface AverageRow {
  /** Customers in all the cohorts. */
  size: number;
  cells: AverageCell[];
}

/**
 * The matrix's average row, weighted by cohort size: at each offset, the cohorts whose period is
 * over there, each counting as many times as it has customers (its base, which is the cohort's
 * size for period cohorts). For the customers metric that is all their active customers over all
 * their customers, the pooled retention of those cohorts; for orders, all their orders per
 * customer; for revenue, the size-weighted mean of their revenue ratios. Values so far (a period
 * not over) are left out, unless no cohort's period is over at that offset: then the average is of
 * those, and incomplete itself.
 */
export function weightedAverageRow(cohorts: readonly CohortRow[]): AverageRow {
  const longest = Math.max(0, ...cohorts.map((c) => c.values.length));
  const cells: AverageCell[] = [];
  for (let offset = 0; offset < longest; offset++) {
    const withValue = cohorts.filter((c) => {
      const v = c.values[offset];
      return v !== undefined && v !== null && (c.bases[offset] ?? 0) > 0;
    });
    const over = withValue.filter((c) => c.complete[offset]);
    const used = over.length > 0 ? over : withValue;
    let weighted = 0;
    let base = 0;
    let count = 0;
    for (const c of used) {
      const b = c.bases[offset] ?? 0;
      weighted += b * (c.values[offset] ?? 0);
      base += b;
      count += c.counts[offset] ?? 0;
    }
    cells.push({
      offset,
      value: base > 0 ? weighted / base : null,
      count,
      base,
      cohorts: used.length,
      complete: over.length > 0 || used.length === 0,
    });
  }
  return { size: cohorts.reduce((sum, c) => sum + c.size, 0), cells };
}

/** The average row's count at an offset per cohort averaged (what "Counts" shows): Σ count / cohorts. */
export function averageCountPerCohort(cell: AverageCell): number | null {
  return cell.cohorts > 0 ? cell.count / cell.cohorts : null;
}

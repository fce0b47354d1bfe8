import { cohortMatrixInputSchema, type Trend, type TrendPoint, type TrendQuery } from '@retain/schemas';
import { readCells } from '../cohortMatrix.ts';
import { isoDay, parsePeriodLabel } from '../periods.ts';
import type { AnalyticsTarget } from '../readAnalytics.ts';

/** How many cohorts before the latest complete one its comparison averages. */
export const TREND_COMPARISON_COHORTS = 6;

/**
 * Retention at one age across successive cohorts: observed where the age is complete (80 % Wilson
 * interval), and from the matrix's forecasts where it is under way or not begun; cohorts whose age
 * lies past the forecast horizon are left out.
 */
export async function cohortTrend(source: AnalyticsTarget, query: TrendQuery): Promise<Trend> {
  const matrixQuery = cohortMatrixInputSchema.parse({
    period: query.period,
    metric: 'customers',
    mode: query.mode,
    minCohortSize: query.minCohortSize,
    forecast: true,
    through: query.through,
    filters: query.filters,
  });
  // Far enough for the newest cohort to reach the age.
  const { endDay, rows, forecast } = await readCells(source, matrixQuery, 'period', query.age);
  const points: TrendPoint[] = [];
  const index: number[] = [];
  for (const row of rows) {
    const cell = row.cells?.find((c) => c.k === query.age);
    if (!cell) continue;
    points.push({
      cohort: row.cohort,
      size: row.size,
      value: cell.value,
      lower: cell.lower,
      upper: cell.upper,
      kind: cell.kind,
    });
    index.push(parsePeriodLabel(query.period, row.cohort) ?? 0);
  }
  return {
    period: query.period,
    age: query.age,
    mode: query.mode,
    dataEnd: endDay === null ? null : isoDay(endDay),
    minCohortSize: query.minCohortSize,
    points,
    trend: trendLine(points, index, query.minCohortSize),
    latest: latestAgainstPrevious(points),
    forecast: forecast ?? null,
  };
}

/** Size-weighted least squares over the observed points of cohorts of at least the minimum size. */
export function trendLine(points: TrendPoint[], index: number[], minCohortSize: number): Trend['trend'] {
  const used = points
    .map((point, i) => ({ point, x: index[i] ?? 0 }))
    .filter(({ point }) => point.kind === 'observed' && point.size >= minCohortSize);
  if (used.length < 2) return null;
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (const { point, x } of used) {
    sw += point.size;
    sx += point.size * x;
    sy += point.size * point.value;
  }
  const mx = sx / sw;
  const my = sy / sw;
  let sxx = 0;
  let sxy = 0;
  for (const { point, x } of used) {
    sxx += point.size * (x - mx) ** 2;
    sxy += point.size * (x - mx) * (point.value - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return {
    slopePerCohort: slope,
    line: used.map(({ point, x }) => ({ cohort: point.cohort, value: my + slope * (x - mx) })),
  };
}

/** The latest observed point against the plain mean of the (up to) six observed ones before it. */
export function latestAgainstPrevious(points: TrendPoint[]): Trend['latest'] {
  const observed = points.filter((p) => p.kind === 'observed');
  const latest = observed.at(-1);
  if (!latest) return null;
  const previous = observed.slice(-1 - TREND_COMPARISON_COHORTS, -1);
  const previousMean =
    previous.length > 0 ? previous.reduce((t, p) => t + p.value, 0) / previous.length : null;
  return {
    cohort: latest.cohort,
    value: latest.value,
    previousMean,
    previousCohorts: previous.map((p) => p.cohort),
    delta: previousMean === null ? null : latest.value - previousMean,
  };
}

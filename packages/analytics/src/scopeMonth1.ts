import type { AnalyticsFilters, Trend, TrendPoint } from '@retain/schemas';
import { type Dialect, type Sql, sql } from '@retain/warehouse';
import type { RollupState } from './analyticsRollup.ts';
import { analyticsScope } from './analyticsScope.ts';
import { type CustomerSlice, rowsBySlice, scopeSql, withCtes } from './customerSlices.ts';
import { latestAgainstPrevious } from './forecast/cohortTrend.ts';
import { Z80 } from './forecast/optimize.ts';
import { isoDay, periodBounds, periodLabel } from './periods.ts';
import { type AnalyticsTarget, readAnalytics } from './readAnalytics.ts';
import { readRows } from './sqlQuery.ts';
import { wilsonInterval } from './wilsonInterval.ts';

/*
 * Month-1 retention of the latest complete monthly cohort, for several slices of the customers in
 * one pass: `cohortTrend`'s `latest` at age 1 by month (mode "on"), without the matrix's other
 * cells or its forecasts. A cohort's month-1 share is the customers who ordered in the month after
 * their first over the cohort's size; it is observed once that month has ended.
 */

/** Cohort sizes (first = true) and month-1 buyers per (channel, region) part and first month. */
export function month1Query(d: Dialect, state: RollupState, filters: AnalyticsFilters): Sql | null {
  const scope = analyticsScope(state, filters, 'period');
  if (scope.endDay === null) return null;
  const s = scopeSql(scope);
  return sql`${withCtes(s.ctes)}
    SELECT o.f_channel AS channel, o.f_region AS region, o.fm AS fm, o.seq = 1 AS first,
           ${d.cast(sql`count(*)`, 'integer')} AS customers
    FROM analytics_orders o ${s.joins('o')}
    WHERE o.day <= CAST(${isoDay(scope.endDay)} AS DATE) AND ${s.where('o')}
      AND (o.seq = 1 OR (o.new_m AND o.m = o.fm + 1))
    GROUP BY o.f_channel, o.f_region, o.fm, o.seq = 1`;
}

/**
 * Per slice, the latest complete monthly cohort's month-1 retention against the mean of the (up
 * to) six cohorts before it, exactly as `cohortTrend({ age: 1, period: 'month', filters })` gives
 * it in `latest` for that slice's channel and region; null where no cohort is complete.
 */
export async function scopeMonth1(
  source: AnalyticsTarget,
  filters: AnalyticsFilters,
  slices: readonly CustomerSlice[],
): Promise<Array<Trend['latest']>> {
  return readAnalytics(source, async (conn, state) => {
    const query = month1Query(conn.dialect, state, filters);
    const endDay = analyticsScope(state, filters, 'period').endDay;
    if (!query || endDay === null) return slices.map(() => null);
    const { lastComplete } = periodBounds('month', endDay);
    const parts = rowsBySlice(await readRows(conn, query), slices, (row) =>
      JSON.stringify([row.nullableString('channel'), row.nullableString('region')]),
    );
    return parts.map((rows) => {
      const cohorts = new Map<number, { size: number; active: number }>();
      for (const row of rows) {
        const fm = row.number('fm');
        const cohort = cohorts.get(fm) ?? { size: 0, active: 0 };
        if (row.boolean('first')) cohort.size += row.number('customers');
        else cohort.active += row.number('customers');
        cohorts.set(fm, cohort);
      }
      // Observed points only: the comparison reads no other.
      const points: TrendPoint[] = [...cohorts]
        .filter(([fm, { size }]) => fm + 1 <= lastComplete && size > 0)
        .sort(([a], [b]) => a - b)
        .map(([fm, { size, active }]) => {
          const interval = wilsonInterval(active, size, Z80);
          return {
            cohort: periodLabel('month', fm),
            size,
            value: active / size,
            lower: interval?.low ?? null,
            upper: interval?.high ?? null,
            kind: 'observed',
          };
        });
      return latestAgainstPrevious(points);
    });
  });
}

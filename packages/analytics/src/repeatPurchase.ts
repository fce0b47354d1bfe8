import type { DayHistogram, Repeat, RepeatQuery, RepeatRate } from '@retain/schemas';
import { type Db, type Sql, sql } from '@retain/warehouse';
import type { RollupState } from './analyticsRollup.ts';
import {
  type AnalyticsScope,
  analyticsScope,
  type Grouping,
  PERIOD_COLUMN,
  withClause,
} from './analyticsScope.ts';
import { isoDay, periodLabel } from './periods.ts';
import { type AnalyticsTarget, readAnalytics } from './readAnalytics.ts';
import { readRows, spelled, sqlQuery } from './sqlQuery.ts';

/*
 * Repeat purchase. A repeat customer has a second order (by the data's end); with `withinDays: N`
 * the second order must come within N days of the first (day difference ≤ N), and customers whose
 * first order is less than N days before the data's end cannot be judged yet: they are left out of
 * the denominator and counted in `tooRecent`.
 */

export interface RepeatRatesOptions {
  period: RepeatQuery['period'];
  grouping: Grouping;
  withinDays?: number | undefined;
  filters: RepeatQuery['filters'];
}

/** Repeat counts per (group, first-order period). */
export function repeatRatesQuery(scope: AnalyticsScope, options: RepeatRatesOptions): Sql {
  const p = PERIOD_COLUMN[options.period];
  // Day indices (d, fd) make "within N days" plain integer arithmetic; a first order after
  // `judgedBy` is too recent to judge (fewer than N days before the end).
  const within =
    options.withinDays === undefined
      ? ''
      : `, CAST(count(*) FILTER (WHERE o.seq = 1 AND o.first_day > CAST($judgedBy AS DATE)) AS INTEGER) AS too_recent,
         CAST(count(*) FILTER (WHERE o.seq = 2 AND o.d - o.fd <= CAST($within AS INTEGER)
                          AND o.first_day <= CAST($judgedBy AS DATE)) AS INTEGER) AS repeaters_within`;
  const judgedBy =
    options.withinDays === undefined || scope.endDay === null
      ? null
      : isoDay(scope.endDay - options.withinDays);
  return sqlQuery(
    `${withClause(scope.ctes)}
     SELECT ${scope.group('o')} AS grp, o.f${p} AS fp,
            CAST(count(*) FILTER (WHERE o.seq = 1) AS INTEGER) AS customers,
            CAST(count(*) FILTER (WHERE o.seq = 2) AS INTEGER) AS repeaters ${within}
     FROM analytics_orders o ${scope.joins('o')}
     WHERE o.day <= CAST($end AS DATE) AND o.seq <= 2 AND ${scope.where('o')}
     GROUP BY 1, 2`,
    { ...scope.params, within: options.withinDays ?? null, judgedBy },
  );
}

/** Exact day counts behind the three distributions, in one statement. */
export function repeatDistributionsQuery(scope: AnalyticsScope): Sql {
  const from = `FROM analytics_orders o ${scope.joins('o')} WHERE o.day <= CAST($end AS DATE) AND ${scope.where('o')}`;
  const gap = spelled(scope.dialect.dateDiff('day', sql.raw('o.prev_day'), sql.raw('o.day')));
  return sqlQuery(
    `${withClause(scope.ctes)}
     SELECT 'second' AS kind, o.d - o.fd AS days, CAST(count(*) AS INTEGER) AS n
       ${from} AND o.seq = 2 GROUP BY 1, 2
     UNION ALL
     SELECT 'gap', CAST(${gap} AS INTEGER), CAST(count(*) AS INTEGER)
       ${from} AND o.seq >= 2 GROUP BY 1, 2
     UNION ALL
     -- a customer's last order by the end carries their number of orders
     SELECT 'orders', o.seq, CAST(count(*) AS INTEGER)
       ${from} AND (o.next_day IS NULL OR o.next_day > CAST($end AS DATE)) GROUP BY 1, 2`,
    scope.params,
  );
}

export interface RepeatRateRow extends RepeatRate {
  key: string;
  label: string;
  sortKey: number | string;
}

/** Repeat rates per group (per first-order period when grouping by period), sorted. */
export async function repeatRates(
  conn: Db,
  query: Sql | null,
  options: RepeatRatesOptions,
): Promise<RepeatRateRow[]> {
  if (!query) return [];
  const rows = await readRows(conn, query);
  const groups = new Map<string, RepeatRateRow>();
  const byPeriod = options.grouping === 'period';
  for (const row of rows) {
    const fp = row.number('fp');
    const key = byPeriod ? String(fp) : row.string('grp');
    const group = groups.get(key) ?? {
      key,
      label: byPeriod ? periodLabel(options.period, fp) : key,
      sortKey: byPeriod ? fp : key,
      customers: 0,
      repeaters: 0,
      rate: null,
      tooRecent: 0,
    };
    groups.set(key, group);
    const tooRecent = options.withinDays === undefined ? 0 : row.number('too_recent');
    group.customers += row.number('customers') - tooRecent;
    group.tooRecent += tooRecent;
    group.repeaters += row.number(options.withinDays === undefined ? 'repeaters' : 'repeaters_within');
  }
  return [...groups.values()]
    .map((group) => ({ ...group, rate: group.customers > 0 ? group.repeaters / group.customers : null }))
    .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
}

export function totalRate(rows: RepeatRate[]): RepeatRate {
  const customers = rows.reduce((sum, row) => sum + row.customers, 0);
  const repeaters = rows.reduce((sum, row) => sum + row.repeaters, 0);
  return {
    customers,
    repeaters,
    rate: customers > 0 ? repeaters / customers : null,
    tooRecent: rows.reduce((sum, row) => sum + row.tooRecent, 0),
  };
}

/** Bins of days, chosen for retail rhythms: same day, weeks, months, quarters, a year. */
const DAY_BINS: ReadonlyArray<readonly [number, number | null]> = [
  [0, 0],
  [1, 7],
  [8, 14],
  [15, 30],
  [31, 60],
  [61, 90],
  [91, 180],
  [181, 365],
  [366, null],
];

/** Histogram and exact median (the mean of the two middle values for an even count) of day counts. */
export function dayHistogram(counts: ReadonlyArray<readonly [number, number]>): DayHistogram {
  // Days are never negative: orders are numbered in time order.
  const sorted = [...counts].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, n]) => sum + n, 0);
  const bins = DAY_BINS.map(([from, to]) => ({
    from,
    to,
    count: sorted
      .filter(([days]) => days >= from && (to === null || days <= to))
      .reduce((s, [, n]) => s + n, 0),
  }));
  return { count: total, median: total === 0 ? null : medianOfCounts(sorted, total), bins };
}

function medianOfCounts(sorted: ReadonlyArray<readonly [number, number]>, total: number): number {
  const valueAt = (position: number) => {
    let seen = 0;
    for (const [value, n] of sorted) {
      seen += n;
      if (position < seen) return value;
    }
    return sorted.at(-1)?.[0] ?? 0;
  };
  const lower = valueAt(Math.floor((total - 1) / 2));
  const upper = valueAt(Math.ceil((total - 1) / 2));
  return (lower + upper) / 2;
}

const ORDER_BUCKETS = 10;

export interface RepeatPlan {
  scope: AnalyticsScope;
  options: RepeatRatesOptions;
  /** null when there is no data. */
  rates: Sql | null;
  distributions: Sql | null;
}

/** The statements behind `repeatPurchase`; exported so that the benchmark can time them bare. */
export function repeatPlan(state: RollupState, query: RepeatQuery): RepeatPlan {
  const grouping: Grouping = query.by ?? 'period';
  const scope = analyticsScope(state, query.filters, grouping);
  const options = { period: query.period, grouping, withinDays: query.withinDays, filters: query.filters };
  const empty = scope.endDay === null;
  return {
    scope,
    options,
    rates: empty ? null : repeatRatesQuery(scope, options),
    distributions: empty ? null : repeatDistributionsQuery(scope),
  };
}

export async function repeatPurchase(source: AnalyticsTarget, query: RepeatQuery): Promise<Repeat> {
  return readAnalytics(source, async (conn, state) =>
    repeatFromSnapshot(conn, repeatPlan(state, query), query),
  );
}

async function repeatFromSnapshot(conn: Db, plan: RepeatPlan, query: RepeatQuery): Promise<Repeat> {
  const cohorts = await repeatRates(conn, plan.rates, plan.options);
  const distributions = plan.distributions ? await readRows(conn, plan.distributions) : [];
  const pick = (kind: string) =>
    distributions
      .filter((row) => row.string('kind') === kind)
      .map((row) => [row.number('days'), row.number('n')] as const);
  const orderCounts = pick('orders');
  const customers = orderCounts.reduce((sum, [, n]) => sum + n, 0);
  const counts = Array.from({ length: ORDER_BUCKETS }, (_, i) => ({
    orders: i + 1 === ORDER_BUCKETS ? `${ORDER_BUCKETS}+` : String(i + 1),
    customers: orderCounts
      .filter(([orders]) => (i + 1 === ORDER_BUCKETS ? orders >= ORDER_BUCKETS : orders === i + 1))
      .reduce((sum, [, n]) => sum + n, 0),
  }));
  const endDay = plan.scope.endDay;
  return {
    withinDays: query.withinDays ?? null,
    period: query.period,
    by: query.by ?? 'period',
    dataEnd: endDay === null ? null : isoDay(endDay),
    overall: totalRate(cohorts),
    cohorts: cohorts.map(({ label, customers, repeaters, rate, tooRecent }) => ({
      cohort: label,
      customers,
      repeaters,
      rate,
      tooRecent,
    })),
    daysToSecondOrder: dayHistogram(pick('second')),
    gapDays: dayHistogram(pick('gap')),
    ordersPerCustomer: {
      mean: customers > 0 ? orderCounts.reduce((sum, [orders, n]) => sum + orders * n, 0) / customers : null,
      counts,
    },
  };
}

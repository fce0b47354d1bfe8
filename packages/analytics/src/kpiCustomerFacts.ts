import { type Db, type Dialect, type Sql, sql } from '@retain/warehouse';
import { dayIndex, isoDay } from './periods.ts';
import { readRows } from './sqlQuery.ts';

/*
 * What the KPIs need to know of each customer as of a day D: whether they ordered in each window,
 * what they spent and returned there, when their first and second orders were. The KPIs are sums
 * of these over the customers in scope (retentionKpis.ts), so a scope is a filter on this relation
 * and several scopes are read from one pass over it.
 *
 * The facts as of the data's end, the day every KPI read defaults to, are kept with the rollup
 * (built in the same transaction, when the data version moves): a read at the data's end then
 * scans one row per customer instead of grouping every order again.
 */

/** Windows as days before D, (D − from, D − to]: 90-day w0 … w2; years y0, y1; p0, p1 as of D − 90. */
export const KPI_WINDOWS = {
  w0: [90, 0],
  w1: [180, 90],
  w2: [270, 180],
  y0: [365, 0],
  y1: [730, 365],
  p0: [455, 90],
  p1: [820, 455],
} as const satisfies Record<string, readonly [number, number]>;
export type KpiWindow = keyof typeof KPI_WINDOWS;

/** Nothing older than this many days before D counts in any KPI. */
const OLDEST_DAYS = 820;

/** The kept facts as of the data's end. */
export const KPI_FACTS_TABLE = 'analytics_kpi_customers';

/** `column` falls in the window (bounds bound as days, so no date arithmetic in SQL). */
export function inWindow(column: Sql, asOf: number, window: KpiWindow): Sql {
  const [from, to] = KPI_WINDOWS[window];
  return sql`${column} > CAST(${isoDay(asOf - from)} AS DATE) AND ${column} <= CAST(${isoDay(asOf - to)} AS DATE)`;
}

/**
 * One row per customer with an order or a return in the 820 days to D (day index): their
 * first-order facts (the filters' columns), second order, orders in w0 … w2 and in the base years
 * y1 and p1, order value and returns in w0 and w1, and net value (orders less returns) in y0, y1,
 * p0 and p1. A customer with nothing in those days has no part in any KPI.
 */
export function kpiCustomerFacts(d: Dialect, asOf: number): Sql {
  const day = (n: number) => sql`CAST(${isoDay(asOf - n)} AS DATE)`;
  const at = (window: KpiWindow) => inWindow(sql`u.day`, asOf, window);
  const orders = (window: KpiWindow) => d.cast(d.filtered(sql`count(u.seq)`, at(window)), 'integer');
  const total = (column: string, window: KpiWindow) =>
    d.cast(sql`coalesce(${d.filtered(sql`sum(${sql.raw(`u.${column}`)})`, at(window))}, 0)`, 'double');
  const columns = 'cust, day, first_day, f_channel, f_region, f_category';
  return sql`SELECT u.cust, min(u.first_day) AS first_day, min(u.f_channel) AS f_channel,
           min(u.f_region) AS f_region, min(u.f_category) AS f_category,
           ${d.filtered(sql`min(u.day)`, sql`u.seq = 2`)} AS second_day,
           ${orders('w0')} AS n0, ${orders('w1')} AS n1, ${orders('w2')} AS n2,
           ${orders('y1')} AS ny1, ${orders('p1')} AS np1,
           ${total('value', 'w0')} AS v0, ${total('value', 'w1')} AS v1,
           ${total('returned', 'w0')} AS r0, ${total('returned', 'w1')} AS r1,
           ${total('net', 'y0')} AS y0net, ${total('net', 'y1')} AS y1net,
           ${total('net', 'p0')} AS p0net, ${total('net', 'p1')} AS p1net
    FROM (SELECT ${sql.raw(columns)}, seq, value, CAST(NULL AS DOUBLE) AS returned, value AS net
          FROM analytics_orders WHERE day <= ${day(0)} AND day > ${day(OLDEST_DAYS)}
          UNION ALL
          SELECT ${sql.raw(columns)}, CAST(NULL AS INTEGER), CAST(NULL AS DOUBLE), amount, -amount
          FROM analytics_returns WHERE day <= ${day(0)} AND day > ${day(OLDEST_DAYS)}) u
    GROUP BY u.cust`;
}

/**
 * Keeps the facts as of the data's end; run by the rollup build after its tables, in its
 * transaction. Without orders the table is empty (and still there for readers).
 */
export async function buildKpiFacts(db: Db): Promise<void> {
  const [row] = await readRows(
    db,
    sql`SELECT ${db.dialect.isoDay(sql`max(day)`)} AS last FROM analytics_orders`,
  );
  const last = row?.nullableString('last') ?? null;
  const asOf = last === null ? 0 : dayIndex(last);
  await db.run(db.dialect.createTableAs(KPI_FACTS_TABLE, kpiCustomerFacts(db.dialect, asOf)));
}

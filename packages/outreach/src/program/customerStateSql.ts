import { LOST_GAP_MULTIPLE, LOST_MIN_DAYS, LOST_SINGLE_ORDER_DAYS } from '@retain/schemas';
import { type Dialect, ordersRelation, type Sql, sql } from '@retain/warehouse';

/*
 * What a customer's history says on a given day, for the lost rule and the uplift model: the same
 * SQL for today's list (every scored customer at the scores' as-of date) and for the members of past
 * lists (each at their list's date), so that the model is fitted on the figures it is applied to.
 */

/** Days after which a complaint's resolution counts as slow. */
export const SLOW_RESOLUTION_DAYS = 7;
/** How far back a slowly resolved complaint still counts as recent. */
export const RECENT_COMPLAINT_DAYS = 90;

/**
 * CTEs `state_orders`, `state_complaints` and `customer_state` over `targets`, a relation of
 * (customer_id, as_of DATE): only orders and complaints up to the end of as_of count. Orders are the
 * warehouse's (`ordersRelation`): an order is one order id, dated by its first line, of the customer
 * it belongs to. `oneDay`: the as-of of every target, as SQL, when they share one.
 */
export function customerStateCtes(d: Dialect, targets: Sql, oneDay: Sql | null = null): Sql {
  const dayAfter = (date: Sql) => d.addDays(date, sql`1`);
  // One day for everyone (today's list): the orders are aggregated once per customer, without
  // joining them to a million targets first.
  const orders =
    oneDay === null
      ? sql`SELECT t.customer_id, t.as_of,
           min(o.ordered_at) AS first_order_at, max(o.ordered_at) AS last_order_at, count(*) AS orders
    FROM state_targets t
    JOIN ${ordersRelation()} o
      ON o.customer_id = t.customer_id AND o.ordered_at < ${dayAfter(sql`t.as_of`)}
    GROUP BY t.customer_id, t.as_of`
      : sql`SELECT customer_id, ${oneDay} AS as_of,
           min(ordered_at) AS first_order_at, max(ordered_at) AS last_order_at, count(*) AS orders
    FROM ${ordersRelation()} o
    WHERE ordered_at < ${dayAfter(oneDay)}
    GROUP BY customer_id`;
  const openAtEnd = sql`q.resolved_at IS NULL OR q.resolved_at >= ${dayAfter(sql`t.as_of`)}`;
  const asDate = (expr: Sql) => d.cast(expr, 'date');
  return sql`
  state_targets AS (${targets}),
  state_orders AS (
    ${orders}
  ),
  state_complaints AS (
    SELECT t.customer_id, t.as_of,
           bool_or(q.opened_at >= ${d.addDays(sql`t.as_of`, sql.raw(String(-RECENT_COMPLAINT_DAYS)))}
                   AND (${openAtEnd}
                        OR q.resolved_at - q.opened_at > ${sql.raw(`INTERVAL '${SLOW_RESOLUTION_DAYS}' DAY`)})) AS slow_complaint,
           bool_or(${openAtEnd}) AS open_complaint
    FROM state_targets t
    JOIN complaints q ON q.customer_id = t.customer_id AND q.opened_at < ${dayAfter(sql`t.as_of`)}
    GROUP BY t.customer_id, t.as_of
  ),
  customer_state AS (
    SELECT t.customer_id, t.as_of, o.orders, o.last_order_at,
           ${d.dateDiff('day', asDate(sql`o.last_order_at`), sql`t.as_of`)} AS days_since,
           CASE WHEN o.orders > 1
             THEN ${d.dateDiff('day', asDate(sql`o.first_order_at`), asDate(sql`o.last_order_at`))} / (o.orders - 1.0) END AS usual_gap,
           coalesce(q.slow_complaint, false) AS slow_complaint,
           coalesce(q.open_complaint, false) AS open_complaint
    FROM state_targets t
    LEFT JOIN state_orders o ON o.customer_id = t.customer_id AND o.as_of = t.as_of
    LEFT JOIN state_complaints q ON q.customer_id = t.customer_id AND q.as_of = t.as_of
  )`;
}

/**
 * Lost rather than at risk, on columns of `customer_state` under `alias`: no order for more than
 * 180 days and for more than 3 × the usual gap; with a single order, for more than 365 days.
 * A customer without orders is never lost: there is nothing to have lapsed from.
 */
export function lostSql(alias: string): string {
  return `coalesce(${alias}.orders > 0 AND CASE WHEN ${alias}.orders > 1
      THEN ${alias}.days_since > ${LOST_MIN_DAYS} AND ${alias}.days_since > ${LOST_GAP_MULTIPLE} * ${alias}.usual_gap
      ELSE ${alias}.days_since > ${LOST_SINGLE_ORDER_DAYS} END, false)`;
}

/**
 * The uplift model's features, as SQL over a row with churn_probability, value_at_risk and the
 * columns of customer_state (`lost` included). A usual gap unknown (one order) is taken as 120 days.
 */
export const UPLIFT_FEATURES: ReadonlyArray<{ name: string; sql: string }> = [
  { name: 'churn_probability', sql: 'coalesce(churn_probability, 0.5)' },
  { name: 'log_value_at_risk', sql: 'ln(1 + greatest(coalesce(value_at_risk, 0), 0))' },
  { name: 'log_days_since_order', sql: 'ln(1 + greatest(coalesce(days_since, 0), 0))' },
  { name: 'log_orders', sql: 'ln(1 + coalesce(orders, 0))' },
  {
    name: 'lapse_ratio',
    sql: 'least(greatest(coalesce(days_since, 0), 0) / greatest(coalesce(usual_gap, 120), 7), 10)',
  },
  { name: 'lost', sql: 'CAST(lost AS INTEGER)' },
  { name: 'slow_complaint', sql: 'CAST(slow_complaint AS INTEGER)' },
  { name: 'open_complaint', sql: 'CAST(open_complaint AS INTEGER)' },
];

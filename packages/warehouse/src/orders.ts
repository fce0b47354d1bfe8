import { type Sql, sql } from './query/sql.ts';

export interface OrdersRelationOptions {
  /**
   * Further per-order aggregates over the order's lines (`purchases`), computed in the same scan,
   * e.g. sql`arg_min(channel, order_date) AS channel`. They add to an order; they never redefine one.
   */
  extra?: Sql;
  /**
   * Keeps only the orders whose `order_id` this condition on the lines selects (it must select
   * whole orders, e.g. `order_id IN (…)`), so that one customer's orders need not aggregate all.
   */
  orderIds?: Sql;
}

/**
 * What an order is, defined once; analytics, churn features, call lists and the scores' customer
 * view all read it:
 * - an order is a distinct `order_id` of `purchases`;
 * - its time (`ordered_at`) is the earliest `order_date` of its lines, `last_line_at` the latest;
 * - its `value` is the sum of its lines' amounts (returns are facts of their own);
 * - its customer is the one its lines name; when its lines name different customers (an export
 *   error) it belongs to the alphabetically first of them, so that it counts once, for one customer;
 * - `lines` is how many lines it has.
 */
export function ordersRelation(options: OrdersRelationOptions = {}): Sql {
  const extra = options.extra ? sql`, ${options.extra}` : sql.empty;
  const where = options.orderIds ? sql` WHERE ${options.orderIds}` : sql.empty;
  return sql`(SELECT order_id, min(customer_id) AS customer_id, min(order_date) AS ordered_at,
      max(order_date) AS last_line_at, sum(amount) AS value, count(*) AS lines${extra}
    FROM purchases${where}
    GROUP BY order_id)`;
}

/**
 * The statement the SQL console opens with: customers and revenue per month, a first query an
 * analyst can run as it is and then change. Written for this engine's console (DuckDB: date_trunc,
 * GROUP BY ALL); an engine with its own console brings its own.
 */
export const CONSOLE_EXAMPLE = `SELECT date_trunc('month', order_date) AS month,
       count(DISTINCT customer_id) AS customers,
       sum(amount) AS revenue
FROM purchases
GROUP BY ALL
ORDER BY month`;

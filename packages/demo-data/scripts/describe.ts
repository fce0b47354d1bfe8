/**
 * Prints the statistics the README quotes for a generated demo folder (sizes, one-time buyers, churn,
 * complaint and return rates, how well the latent truth and the posterior rank churners):
 *   npx tsx packages/demo-data/scripts/describe.ts DIR
 */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const dir = process.argv[2];
if (!dir) throw new Error('usage: describe.ts DIR (a folder written by generateDemo)');

const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
for (const table of ['customers', 'purchases', 'complaints', 'returns', 'truth']) {
  await db.run(
    `CREATE VIEW ${table} AS SELECT * FROM read_csv('${join(dir, `${table}.csv`)}', header = true)`,
  );
}

async function row(sql: string): Promise<Record<string, number>> {
  const reader = await db.runAndReadAll(sql);
  const first = reader.getRowObjectsJS()[0] ?? {};
  return Object.fromEntries(
    Object.entries(first).map(([key, value]) => [key, Number(Number(value).toFixed(4))]),
  );
}

/** Area under the ROC curve of `score` for churned_next_90d, by the Mann–Whitney rank sum with tied ranks averaged. */
function auc(score: string): string {
  return `WITH ranked AS (SELECT churned_next_90d y,
      (rank() OVER (ORDER BY ${score}) + rank() OVER (ORDER BY ${score}) + count(*) OVER (PARTITION BY ${score}) - 1) / 2 r
      FROM truth WHERE ${score} IS NOT NULL)
    SELECT (sum(r) FILTER (WHERE y = 1) - count(*) FILTER (WHERE y = 1) * (count(*) FILTER (WHERE y = 1) + 1) / 2)
      / (count(*) FILTER (WHERE y = 1) * count(*) FILTER (WHERE y = 0)) FROM ranked`;
}

const end = `(SELECT max(order_date)::DATE + 1 FROM purchases)`;
const hasPosterior = (await row(`SELECT count(posterior_churn_probability) n FROM truth`)).n ?? 0;
const posterior = hasPosterior > 0 ? 'posterior_churn_probability::DOUBLE' : 'NULL::DOUBLE';

const report = {
  size: await row(`SELECT (SELECT count(*) FROM customers) customers, (SELECT count(*) FROM purchases) order_lines,
    (SELECT count(DISTINCT order_id) FROM purchases) orders, (SELECT count(*) FROM complaints) complaints,
    (SELECT count(*) FROM returns) "returns", (SELECT count(*) FROM truth) buyers`),
  perCustomer: await row(`SELECT count(*) / (SELECT count(*) FROM customers) lines_per_customer,
    count(DISTINCT order_id) / (SELECT count(*) FROM customers) orders_per_customer,
    count(*) / count(DISTINCT order_id) lines_per_order FROM purchases`),
  orderValue: await row(`SELECT avg(v) mean, median(v) median, quantile_cont(v, 0.9) p90
    FROM (SELECT sum(amount) v FROM purchases GROUP BY order_id)`),
  buyers: await row(`WITH o AS (SELECT customer_id, count(DISTINCT order_id) n FROM purchases GROUP BY 1)
    SELECT avg((n = 1)::INT) one_time_share, avg((n >= 10)::INT) ten_plus_share, median(n) median_orders, max(n) max_orders FROM o`),
  consent: await row(`SELECT avg((NOT contact_consent)::INT) no_consent_share FROM customers`),
  churn: await row(`WITH last AS (SELECT customer_id, max(order_date) last_order FROM purchases GROUP BY 1)
    SELECT avg(churned_next_90d) all_buyers, avg(churned_next_90d) FILTER (WHERE last_order >= ${end} - INTERVAL 365 DAY) active_last_year,
      avg(latent_churn_probability) mean_latent, avg(${posterior}) mean_posterior, avg(alive_at_end) alive_at_end
    FROM truth JOIN last USING (customer_id)`),
  ranking:
    await row(`SELECT (${auc('latent_churn_probability')}) auc_latent, (${auc(posterior)}) auc_posterior,
    (SELECT avg((churned_next_90d - latent_churn_probability) ^ 2) FROM truth) brier_latent,
    (SELECT avg((churned_next_90d - ${posterior}) ^ 2) FROM truth) brier_posterior`),
  complaints: await row(`SELECT count(*) / (SELECT count(DISTINCT order_id) FROM purchases) per_order,
    count(DISTINCT customer_id) / (SELECT count(*) FROM truth) complainer_share,
    avg((resolved_at IS NULL)::INT) unresolved, avg((resolved_at - opened_at <= INTERVAL 2 DAY)::INT) within_2_days,
    avg((resolved_at - opened_at > INTERVAL 7 DAY)::INT) over_7_days FROM complaints`),
  returns: await row(
    `SELECT count(*) / (SELECT count(DISTINCT order_id) FROM purchases) per_order, avg(amount) mean_amount FROM returns`,
  ),
  churnByComplaintHandling:
    await row(`WITH last AS (SELECT customer_id FROM purchases GROUP BY 1 HAVING max(order_date) >= ${end} - INTERVAL 365 DAY),
    worst AS (SELECT customer_id, max(CASE WHEN resolved_at IS NULL OR resolved_at - opened_at > INTERVAL 7 DAY THEN 2
      WHEN resolved_at - opened_at > INTERVAL 2 DAY THEN 1 ELSE 0 END) w FROM complaints GROUP BY 1)
    SELECT avg(churned_next_90d) FILTER (WHERE w IS NULL) no_complaint, avg(churned_next_90d) FILTER (WHERE w = 0) within_2_days,
      avg(churned_next_90d) FILTER (WHERE w = 1) within_7_days, avg(churned_next_90d) FILTER (WHERE w = 2) slower_or_unresolved
    FROM truth JOIN last USING (customer_id) LEFT JOIN worst USING (customer_id)`),
};
console.log(JSON.stringify(report, null, 2));
db.closeSync();
instance.closeSync();

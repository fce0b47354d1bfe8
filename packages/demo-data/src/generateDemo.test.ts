import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSummary, demoHeaders, generateDemo } from './generateDemo.ts';

const sections = ['customers', 'purchases', 'complaints', 'returns', 'truth'] as const;
let root = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'retain-demo-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function readAll(dir: string): Promise<string[]> {
  return Promise.all(sections.map((section) => readFile(join(dir, `${section}.csv`), 'utf8')));
}

describe('generateDemo determinism', () => {
  it('writes byte-identical files for the same options and different ones for another seed', async () => {
    const options = { customers: 1500, end: '2025-12-31', years: 2 };
    await generateDemo({ ...options, outDir: join(root, 'a'), seed: 9 });
    await generateDemo({ ...options, outDir: join(root, 'b'), seed: 9 });
    await generateDemo({ ...options, outDir: join(root, 'c'), seed: 10 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((dir) => readAll(join(root, dir))));
    expect(b).toEqual(a);
    for (let i = 0; i < sections.length; i++) expect(c?.[i]).not.toEqual(a?.[i]);
  });

  it('rejects impossible options', async () => {
    await expect(generateDemo({ outDir: join(root, 'x'), customers: 0 })).rejects.toThrow(/customers/);
    await expect(generateDemo({ outDir: join(root, 'x'), end: '2026-02-30' })).rejects.toThrow(
      /calendar date/,
    );
    await expect(generateDemo({ outDir: join(root, 'x'), seed: -1 })).rejects.toThrow(/seed/);
  });
});

describe('generated retailer', () => {
  let summary: DemoSummary;
  let dir = '';
  let instance: DuckDBInstance;
  let db: DuckDBConnection;
  const progress: number[] = [];

  /** One row of numbers from a query whose columns are all cast to DOUBLE. */
  async function numbers(sql: string): Promise<Record<string, number>> {
    const reader = await db.runAndReadAll(sql);
    const row = reader.getRowObjectsJS()[0] ?? {};
    return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)]));
  }

  beforeAll(async () => {
    dir = join(root, 'stats');
    summary = await generateDemo({
      outDir: dir,
      customers: 5000,
      seed: 42,
      onProgress: (done) => progress.push(done),
    });
    instance = await DuckDBInstance.create(':memory:');
    db = await instance.connect();
    for (const section of sections) {
      // Every column as text with strict RFC 4180 parsing: a quoting mistake shifts or breaks columns.
      await db.run(
        `CREATE TABLE ${section} AS SELECT * FROM read_csv('${join(dir, `${section}.csv`)}', header = true, all_varchar = true, strict_mode = true, quote = '"', escape = '"', delim = ',')`,
      );
    }
  }, 60_000);

  afterAll(() => {
    db?.closeSync();
    instance?.closeSync();
  });

  it('writes the canonical headers and reports what it wrote', async () => {
    for (const section of sections) {
      const text = await readFile(join(dir, `${section}.csv`), 'utf8');
      expect(text.slice(0, text.indexOf('\n'))).toBe(demoHeaders[section].join(','));
    }
    const counts = await numbers(
      `SELECT (SELECT count(*) FROM customers)::DOUBLE c, (SELECT count(*) FROM purchases)::DOUBLE l,
        (SELECT count(DISTINCT order_id) FROM purchases)::DOUBLE o, (SELECT count(*) FROM complaints)::DOUBLE t,
        (SELECT count(*) FROM returns)::DOUBLE r`,
    );
    expect(counts).toEqual({
      c: summary.customers,
      l: summary.purchases,
      o: summary.orders,
      t: summary.complaints,
      r: summary.returns,
    });
    expect(summary).toMatchObject({ customers: 5000, start: '2023-10-01', end: '2026-09-30' });
    expect(progress.at(-1)).toBe(5000);
  });

  it('quotes names with commas and quotes so that they read back intact', async () => {
    const names = await numbers(
      `SELECT count(*) FILTER (WHERE name LIKE '%,%')::DOUBLE commas,
        count(*) FILTER (WHERE name LIKE '%"%')::DOUBLE quotes,
        count(*) FILTER (WHERE name LIKE '%''%')::DOUBLE apostrophes,
        count(*) FILTER (WHERE regexp_matches(name, '[^\\x00-\\x7F]'))::DOUBLE accents,
        count(*) FILTER (WHERE NOT regexp_full_match(email, '[a-z0-9.]+@[a-z.]+'))::DOUBLE bad_emails,
        count(*) FILTER (WHERE contact_consent NOT IN ('true', 'false'))::DOUBLE bad_consent,
        count(*) FILTER (WHERE region NOT IN ('North', 'South', 'East', 'West', 'Central'))::DOUBLE bad_regions,
        count(DISTINCT email)::DOUBLE emails, count(DISTINCT customer_id)::DOUBLE ids
      FROM customers`,
    );
    expect(names.commas).toBeGreaterThan(100);
    expect(names.quotes).toBeGreaterThan(50);
    expect(names.apostrophes).toBeGreaterThan(50);
    expect(names.accents).toBeGreaterThan(1000);
    expect(names).toMatchObject({ bad_emails: 0, bad_consent: 0, bad_regions: 0, emails: 5000, ids: 5000 });
    // The shapes the generator writes: a nickname in quotes, "Last, First" or "First Last, Suffix".
    const tricky = await db.runAndReadAll(
      `SELECT name FROM customers WHERE name LIKE '%"%' OR name LIKE '%,%'`,
    );
    for (const [name] of tricky.getRowsJS()) {
      expect(String(name)).toMatch(/^(\S[^"]* "[A-Za-z]+" [^"]+|[^,"]+, [^,"]+)$/u);
    }
  });

  it('keeps referential integrity between customers, orders, complaints and returns', async () => {
    const integrity = await numbers(
      `SELECT
        (SELECT count(*) FROM purchases WHERE customer_id NOT IN (SELECT customer_id FROM customers))::DOUBLE orphan_lines,
        (SELECT count(*) FROM complaints WHERE customer_id NOT IN (SELECT customer_id FROM customers))::DOUBLE orphan_complaints,
        (SELECT count(*) FROM returns WHERE customer_id NOT IN (SELECT customer_id FROM customers))::DOUBLE orphan_returns,
        (SELECT count(*) FROM (SELECT order_id FROM purchases GROUP BY order_id
           HAVING count(DISTINCT customer_id) > 1 OR count(DISTINCT order_date) > 1 OR count(DISTINCT channel) > 1))::DOUBLE split_orders,
        (SELECT count(*) FROM returns r LEFT JOIN
           (SELECT order_id, any_value(customer_id) customer_id, min(order_date::TIMESTAMP) ordered, sum(amount::DECIMAL(12, 2)) order_value
            FROM purchases GROUP BY order_id) o USING (order_id)
         WHERE o.order_id IS NULL OR o.customer_id <> r.customer_id OR r.returned_at::TIMESTAMP <= o.ordered
           OR r.amount::DECIMAL(12, 2) > o.order_value OR r.amount::DECIMAL(12, 2) <= 0)::DOUBLE bad_returns,
        (SELECT count(*) FROM (SELECT order_id FROM returns GROUP BY 1 HAVING count(*) > 1))::DOUBLE double_returns,
        (SELECT count(*) FROM purchases WHERE amount::DECIMAL(12, 2) <> quantity::INTEGER * unit_price::DECIMAL(12, 2)
           OR quantity::INTEGER < 1)::DOUBLE bad_amounts,
        (SELECT count(*) FROM complaints WHERE resolved_at IS NOT NULL AND resolved_at::TIMESTAMP <= opened_at::TIMESTAMP
           OR severity::INTEGER NOT BETWEEN 1 AND 4
           OR category NOT IN ('delivery', 'quality', 'billing', 'service'))::DOUBLE bad_complaints,
        (SELECT count(*) FROM complaints c WHERE NOT EXISTS (SELECT 1 FROM purchases p
           WHERE p.customer_id = c.customer_id AND p.order_date::TIMESTAMP <= c.opened_at::TIMESTAMP))::DOUBLE complaints_before_orders,
        (SELECT count(*) FROM (SELECT order_date::TIMESTAMP t FROM purchases UNION ALL SELECT opened_at::TIMESTAMP FROM complaints
           UNION ALL SELECT resolved_at::TIMESTAMP FROM complaints UNION ALL SELECT returned_at::TIMESTAMP FROM returns)
         WHERE t >= TIMESTAMP '2026-10-01' OR t < TIMESTAMP '2023-10-01')::DOUBLE outside_history`,
    );
    expect(integrity).toEqual({
      orphan_lines: 0,
      orphan_complaints: 0,
      orphan_returns: 0,
      split_orders: 0,
      bad_returns: 0,
      double_returns: 0,
      bad_amounts: 0,
      bad_complaints: 0,
      complaints_before_orders: 0,
      outside_history: 0,
    });
  });

  it('puts exactly the purchasing customers into truth.csv, with consistent labels', async () => {
    const truth = await numbers(
      `SELECT
        (SELECT count(*) FROM truth)::DOUBLE truth_rows,
        (SELECT count(DISTINCT customer_id) FROM purchases)::DOUBLE buyers,
        (SELECT count(*) FROM truth WHERE customer_id NOT IN (SELECT customer_id FROM purchases))::DOUBLE strangers,
        (SELECT count(*) FROM customers)::DOUBLE - (SELECT count(*) FROM truth)::DOUBLE never_bought,
        (SELECT count(*) FROM truth WHERE (churned_next_90d = '1') <> (orders_next_90d = '0'))::DOUBLE inconsistent,
        (SELECT count(*) FROM truth WHERE alive_at_end = '0' AND (churned_next_90d <> '1' OR latent_churn_probability::DOUBLE <> 1))::DOUBLE dead_buying,
        (SELECT avg(latent_churn_probability::DOUBLE) FROM truth WHERE churned_next_90d = '1') latent_churned,
        (SELECT avg(latent_churn_probability::DOUBLE) FROM truth WHERE churned_next_90d = '0') latent_stayed`,
    );
    expect(truth.truth_rows).toBe(truth.buyers);
    expect(truth).toMatchObject({ strangers: 0, inconsistent: 0, dead_buying: 0 });
    expect(truth.never_bought).toBeGreaterThan(100);
    expect(truth.never_bought).toBeLessThan(350);
    expect(truth.latent_churned).toBeGreaterThan((truth.latent_stayed ?? 1) + 0.3);
  });

  it('looks like a retailer: one-time buyers, regulars, consent, seasonality, growth', async () => {
    const shape = await numbers(
      `WITH per_customer AS (SELECT customer_id, count(DISTINCT order_id) orders FROM purchases GROUP BY 1)
       SELECT
        (SELECT avg((orders = 1)::INTEGER) FROM per_customer) one_time_share,
        (SELECT avg((orders >= 10)::INTEGER) FROM per_customer) regular_share,
        (SELECT count(*) FROM purchases)::DOUBLE / 5000 lines_per_customer,
        (SELECT avg((contact_consent = 'false')::INTEGER) FROM customers) no_consent,
        (SELECT count(*) FILTER (WHERE month(order_date::TIMESTAMP) IN (11, 12)) / count(*) FILTER (WHERE month(order_date::TIMESTAMP) IN (2, 3))
           FROM purchases WHERE order_date < '2025-10-01' AND order_date >= '2024-10-01') winter_peak,
        (SELECT count(*) FILTER (WHERE signup_date >= '2025-10-01') / count(*) FILTER (WHERE signup_date < '2024-10-01')
           FROM customers) growth,
        (SELECT count(DISTINCT channel) FROM purchases)::DOUBLE channels,
        (SELECT count(*) FROM complaints)::DOUBLE / (SELECT count(DISTINCT order_id) FROM purchases) complaints_per_order,
        (SELECT count(*) FROM returns)::DOUBLE / (SELECT count(DISTINCT order_id) FROM purchases) returns_per_order,
        (SELECT avg((resolved_at IS NULL)::INTEGER) FROM complaints) unresolved,
        (SELECT avg((resolved_at::TIMESTAMP - opened_at::TIMESTAMP <= INTERVAL 2 DAY)::INTEGER) FROM complaints) within_two_days`,
    );
    expect(shape.one_time_share).toBeGreaterThan(0.25);
    expect(shape.one_time_share).toBeLessThan(0.5);
    expect(shape.regular_share).toBeGreaterThan(0.1);
    expect(shape.lines_per_customer).toBeGreaterThan(8);
    expect(shape.lines_per_customer).toBeLessThan(13);
    expect(shape.no_consent).toBeGreaterThan(0.12);
    expect(shape.no_consent).toBeLessThan(0.18);
    expect(shape.winter_peak).toBeGreaterThan(1.2);
    expect(shape.growth).toBeGreaterThan(1.5);
    expect(shape.channels).toBe(4);
    expect(shape.complaints_per_order).toBeGreaterThan(0.02);
    expect(shape.complaints_per_order).toBeLessThan(0.08);
    expect(shape.returns_per_order).toBeGreaterThan(0.05);
    expect(shape.returns_per_order).toBeLessThan(0.16);
    expect(shape.unresolved).toBeGreaterThan(0.04);
    expect(shape.within_two_days).toBeGreaterThan(0.55);
  });

  it('gives churn real signal: slow complaint handling loses customers', async () => {
    const churn = await numbers(
      `WITH active AS (SELECT customer_id FROM purchases GROUP BY 1 HAVING max(order_date) >= '2025-10-01'),
       handling AS (SELECT customer_id, bool_or(resolved_at IS NULL OR resolved_at::TIMESTAMP - opened_at::TIMESTAMP > INTERVAL 7 DAY) slow
         FROM complaints GROUP BY 1)
       SELECT
        avg(churned_next_90d::DOUBLE) active_churn,
        avg(churned_next_90d::DOUBLE) FILTER (WHERE handling.customer_id IS NULL) no_complaint,
        avg(churned_next_90d::DOUBLE) FILTER (WHERE handling.slow) slow_complaint,
        count(*) FILTER (WHERE handling.slow)::DOUBLE slow_customers
       FROM truth JOIN active USING (customer_id) LEFT JOIN handling USING (customer_id)`,
    );
    expect(churn.active_churn).toBeGreaterThan(0.3);
    expect(churn.active_churn).toBeLessThan(0.6);
    expect(churn.slow_customers).toBeGreaterThan(40);
    expect(churn.slow_complaint).toBeGreaterThan((churn.no_complaint ?? 1) + 0.05);
  });

  it('writes a calibrated posterior that no model can beat the latent truth with', async () => {
    const scores = await numbers(
      `WITH t AS (SELECT churned_next_90d::DOUBLE y, latent_churn_probability::DOUBLE latent,
          posterior_churn_probability::DOUBLE posterior FROM truth)
       SELECT avg(y) churn, avg(posterior) posterior, avg(latent) latent,
        avg((y - posterior) ^ 2) brier_posterior, avg((y - latent) ^ 2) brier_latent,
        avg((y - avg_y) ^ 2) brier_constant
       FROM t, (SELECT avg(y) avg_y FROM t)`,
    );
    expect(Math.abs((scores.posterior ?? 0) - (scores.churn ?? 0))).toBeLessThan(0.02);
    expect(Math.abs((scores.latent ?? 0) - (scores.churn ?? 0))).toBeLessThan(0.02);
    expect(scores.brier_latent).toBeLessThan(scores.brier_posterior ?? 0);
    expect(scores.brier_posterior).toBeLessThan((scores.brier_constant ?? 0) * 0.7);
  });
});

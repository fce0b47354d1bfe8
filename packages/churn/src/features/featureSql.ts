import { type Dialect, ordersRelation, type Sql, sql } from '@retain/warehouse';
import { RAW_COLUMNS } from './featureSpec.ts';

/**
 * The feature and label SQL: the one place that decides what a snapshot may see. Times are fractional
 * days since 1970-01-01 UTC; a snapshot's `s_day` is the first instant it must not see (00:00 UTC the
 * day after the snapshot date), so features filter `< s_day` and the label window is [s_day, s_day + H).
 *
 * Orders come from a cache of the whole history (below); what a snapshot may see is decided by the
 * filters in featureSql alone, so the cache serves every as-of date.
 */

/** Bump when the order cache's shape or definitions change: older caches are rebuilt. */
export const ORDER_CACHE_FORMAT = 4;

/**
 * The order cache, built once per data version on the writer and kept in the database file: one row
 * per order (the warehouse's canonical order: `ordersRelation`, with the channel of its earliest line
 * that names one), customers
 * numbered densely so that every later join is on integers. `gap` is the days since the customer's
 * previous order, known as soon as the order itself is; `last_line_day` flags orders whose lines
 * span days, which a snapshot between them must value by its earlier lines only.
 */
export const orderCacheStatements = (d: Dialect): Sql[] => [
  d.createTableAs('churn_orders', ordersQuery(d)),
  // Channel: the customer's signup channel, else their first order's; region from the customers table.
  d.createTableAs('churn_first', firstQuery(d, 'churn_orders')),
  // Only the columns the features read stay in the order table.
  sql`ALTER TABLE churn_orders DROP COLUMN channel`,
  sql`ALTER TABLE churn_orders DROP COLUMN customer_id`,
  // Channel and region as small codes: a million customers then need no string each to read.
  d.createTableAs('churn_levels', levelsQuery('churn_first')),
  d.createTableAs('churn_first', codedFirstQuery('churn_first', 'churn_levels')),
];

/** The state of the cache on an engine: the facts' fingerprint it was built from, and its format. */
export const ENGINE_CACHE_STATE_TABLE = 'churn_engine_state';

/** The order cache's tables, which an engine's build drops before it makes them again. */
export const ORDER_CACHE_TABLES = ['churn_orders', 'churn_first', 'churn_levels'] as const;

/**
 * The same cache on an engine that replaces no table and drops no column (Trino): the wide order
 * and first-order tables are working tables under `prefix`, dropped by the caller, and each cache
 * table is written once, by CREATE TABLE AS, after the caller dropped the old one.
 */
export const engineOrderCacheStatements = (d: Dialect, prefix: string): Sql[] => [
  d.createTableAs(`${prefix}orders`, ordersQuery(d)),
  d.createTableAs(`${prefix}first`, firstQuery(d, `${prefix}orders`)),
  d.createTableAs('churn_levels', levelsQuery(`${prefix}first`)),
  d.createTableAs('churn_first', codedFirstQuery(`${prefix}first`, 'churn_levels')),
  d.createTableAs(
    'churn_orders',
    sql`SELECT cust, order_id, day, last_line_day, value, gap FROM ${sql.raw(`${prefix}orders`)}`,
  ),
];

/** The working tables of an engine's cache build. */
export const engineOrderCacheWorkingTables = (prefix: string): string[] => [
  `${prefix}orders`,
  `${prefix}first`,
];

const ordersQuery = (d: Dialect): Sql => sql`WITH o AS (
     SELECT order_id, customer_id,
       ${d.epochSeconds(sql`ordered_at`)} / 86400 AS day,
       ${d.epochSeconds(sql`last_line_at`)} / 86400 AS last_line_day,
       value, channel
     FROM ${ordersRelation({ extra: sql`${d.argMin(sql`channel`, sql`order_date`)} AS channel` })}),
   ids AS (
     SELECT customer_id, CAST(row_number() OVER (ORDER BY customer_id) AS INTEGER) AS cust
     FROM (SELECT DISTINCT customer_id FROM o))
   SELECT i.cust, o.customer_id, o.order_id, o.day, o.last_line_day, o.value, o.channel,
     o.day - lag(o.day) OVER (PARTITION BY i.cust ORDER BY o.day, o.order_id) AS gap
   FROM o JOIN ids i ON i.customer_id = o.customer_id`;

const firstQuery = (d: Dialect, orders: string): Sql => sql`WITH f AS (
     SELECT cust, min(customer_id) AS customer_id, min(day) AS first_day,
       ${d.argMin(sql`channel`, sql`day`)} AS first_channel
     FROM ${sql.raw(orders)} GROUP BY cust),
   -- one row per customer_id (loads are keyed by it): min() takes that row's value
   c AS (SELECT customer_id, min(channel) AS channel, min(region) AS region FROM customers GROUP BY customer_id)
   SELECT f.cust, f.customer_id, f.first_day, coalesce(c.channel, f.first_channel) AS channel, c.region
   FROM f LEFT JOIN c ON c.customer_id = f.customer_id`;

const levelsQuery = (
  first: string,
): Sql => sql`SELECT kind, level, CAST(row_number() OVER (PARTITION BY kind ORDER BY level) - 1 AS INTEGER) AS code
   FROM (SELECT DISTINCT 'channel' AS kind, coalesce(nullif(trim(channel), ''), 'unknown') AS level FROM ${sql.raw(first)}
         UNION SELECT DISTINCT 'region', coalesce(nullif(trim(region), ''), 'unknown') FROM ${sql.raw(first)})`;

const codedFirstQuery = (
  first: string,
  levels: string,
): Sql => sql`SELECT f.cust, f.customer_id, f.first_day, c.code AS channel_code, r.code AS region_code
   FROM ${sql.raw(first)} f
   JOIN ${sql.raw(levels)} c ON c.kind = 'channel' AND c.level = coalesce(nullif(trim(f.channel), ''), 'unknown')
   JOIN ${sql.raw(levels)} r ON r.kind = 'region' AND r.level = coalesce(nullif(trim(f.region), ''), 'unknown')`;

/** The levels behind the channel and region codes. */
export const levelsSql = 'SELECT kind, code, level FROM churn_levels ORDER BY kind, code';

/**
 * The tables one extraction makes: temporary tables on its own DuckDB connection, or, on an engine
 * without temporary tables (Trino), ordinary tables under a prefix of the extraction's own, dropped
 * when it closes.
 */
export interface ExtractionTables {
  complaints: string;
  returns: string;
  snapshots: string;
  temporary: boolean;
}

export const TEMPORARY_EXTRACTION_TABLES: ExtractionTables = {
  complaints: 'churn_complaints',
  returns: 'churn_returns',
  snapshots: 'churn_snapshots',
  temporary: true,
};

export const prefixedExtractionTables = (prefix: string): ExtractionTables => ({
  complaints: `${prefix}complaints`,
  returns: `${prefix}returns`,
  snapshots: `${prefix}snapshots`,
  temporary: false,
});

/**
 * Per extraction: complaints and returns before `cutoff` (the instant after the as-of date,
 * 'YYYY-MM-DD 00:00:00'), keyed by the cache's customer numbers, and (temporary tables only) the
 * snapshot table, which an engine makes with its rows (`snapshotTableSql`).
 */
export function prepareStatements(
  d: Dialect,
  cutoff: string,
  tables: ExtractionTables = TEMPORARY_EXTRACTION_TABLES,
): Sql[] {
  const before = sql`CAST(${cutoff} AS TIMESTAMP)`;
  const day = (column: string) => sql`${d.epochSeconds(sql.raw(column))} / 86400`;
  const temporary = { temporary: tables.temporary };
  return [
    // A resolution at or after the cutoff is unknown at every snapshot: the complaint counts as open.
    d.createTableAs(
      tables.complaints,
      sql`SELECT f.cust,
       ${day('c.opened_at')} AS opened_day,
       CASE WHEN c.resolved_at < ${before} THEN ${day('c.resolved_at')} END AS resolved_day,
       c.severity
     FROM complaints c JOIN churn_first f ON f.customer_id = c.customer_id
     WHERE c.opened_at < ${before}`,
      temporary,
    ),
    d.createTableAs(
      tables.returns,
      sql`SELECT f.cust, ${day('r.returned_at')} AS day, abs(r.amount) AS amount
     FROM returns r JOIN churn_first f ON f.customer_id = r.customer_id
     WHERE r.returned_at < ${before}`,
      temporary,
    ),
    ...(tables.temporary
      ? [
          d.createTable(
            tables.snapshots,
            [
              ['snap', 'integer'],
              ['s_day', 'double'],
              ['rate', 'double'],
            ],
            { temporary: true, replace: true },
          ),
        ]
      : []),
  ];
}

/** A snapshot row: its number, the first day it must not see, its sampling rate. */
export interface SnapshotRow {
  snap: number;
  sDay: number;
  rate: number;
}

/** The snapshot table made with its rows in one statement (an engine that deletes no rows). */
export function snapshotTableSql(d: Dialect, name: string, rows: readonly SnapshotRow[]): Sql {
  // VALUES needs a row: no snapshots is one row filtered out.
  const values = (rows.length > 0 ? rows : [{ snap: 0, sDay: 0, rate: 0 }]).map(
    (r) => sql`(CAST(${r.snap} AS INTEGER), CAST(${r.sDay} AS DOUBLE), CAST(${r.rate} AS DOUBLE))`,
  );
  return d.createTableAs(
    name,
    sql`SELECT snap, s_day, rate FROM (VALUES ${sql.join(values)}) AS t (snap, s_day, rate)${
      rows.length > 0 ? sql.empty : sql` WHERE false`
    }`,
  );
}

/** Customers whose first order lies before each snapshot's end. */
export const populationCountSql = (tables: ExtractionTables = TEMPORARY_EXTRACTION_TABLES): Sql =>
  sql`
  SELECT s.snap, count(f.cust) AS customers
  FROM ${sql.raw(tables.snapshots)} s LEFT JOIN churn_first f ON f.first_day < s.s_day
  GROUP BY s.snap ORDER BY s.snap`;

/** A prime: the draws' resolution (a millionth), and the field in which the snapshot day moves them. */
const SAMPLE_MODULUS = 1_000_003;

/** What the feature query binds: the draw's seed, the holdout share, the label horizon. */
export interface FeatureQueryOptions {
  labels: boolean;
  seed: number;
  /** Customers in the early-stopping slice, per thousand. */
  holdoutPermille: number;
  /** Days after the snapshot in which `future_orders` are counted (with labels). */
  horizonDays: number;
}

/**
 * One row per sampled customer and snapshot. `holdoutPermille` of customers (by a hash of id and seed)
 * form the early-stopping slice; other bits of the same hash put each customer in one of five folds
 * (the candidates' cross-fitting); a row is sampled when its draw, made from the customer's hash and the
 * snapshot day, falls below the snapshot's rate.
 * With `labels`, `future_orders` counts orders in [s_day, s_day + horizon). The hash (`stableHash`)
 * is the same on every engine, so the draws, and a model fitted on them, are too.
 */
export function featureSql(
  d: Dialect,
  options: FeatureQueryOptions,
  tables: ExtractionTables = TEMPORARY_EXTRACTION_TABLES,
): Sql {
  const { labels, seed } = options;
  const snapshots = sql.raw(tables.snapshots);
  // Texts and integers only, which every engine writes alike: the draws are the same on DuckDB and Trino.
  const seedValue = d.cast(sql`${seed}`, 'bigint');
  const customerHash = d.stableHash([sql`f.customer_id`, seedValue]);
  // The row's draw: the customer's own bits (above the holdout's and the fold's) moved by the snapshot
  // day in the prime field of SAMPLE_MODULUS. Integer arithmetic, exact and alike on every engine, and
  // one MD5 per customer rather than per customer and snapshot (which cost DuckDB a third more time).
  const sampleDraw = sql`((${d.intDivide(sql`f.customer_hash`, sql`5000`)} % ${sql.raw(String(SAMPLE_MODULUS))}
        + ${d.cast(sql`s.s_day`, 'bigint')} * 7919) * 48271) % ${sql.raw(String(SAMPLE_MODULUS))}`;
  const count = (condition: Sql) => d.filtered(sql`count(*)`, condition);
  const lab = labels
    ? sql`,
  lab AS (
    SELECT p.snap, p.cust, count(*) AS future_orders
    FROM sampled p
    JOIN churn_orders o ON o.cust = p.cust AND o.day >= p.s_day AND o.day < p.s_day + ${options.horizonDays}
    GROUP BY p.snap, p.cust
  )`
    : sql.empty;
  // Every number leaves as a non-NULL DOUBLE (NULL as NaN) so that it can be read a vector at a time.
  const outputs = [...NUMERIC_OUTPUTS, ...(labels ? ['future_orders'] : [])].map(
    (c) => sql`coalesce(${d.cast(sql.raw(c), 'double')}, ${d.cast(sql`'NaN'`, 'double')}) AS ${sql.raw(c)}`,
  );
  return sql`
  -- The customer's hash once per customer, not once per snapshot: an MD5 is not free. As a BIGINT
  -- (it is below 2^60): DuckDB would add an unsigned hash and a signed day in 128 bits.
  WITH hashed AS (
    SELECT f.*, ${d.cast(customerHash, 'bigint')} AS customer_hash FROM churn_first f
  ),
  pop AS (
    SELECT s.snap, s.s_day, s.rate, f.cust, f.customer_id, f.first_day, f.channel_code, f.region_code,
      (f.customer_hash % 1000) < ${options.holdoutPermille} AS holdout,
      ${d.intDivide(sql`f.customer_hash`, sql`1000`)} % 5 AS fold,
      -- A DOUBLE divisor on every engine (Trino reads 1000003.0 as a DECIMAL and keeps one digit).
      ${sampleDraw} / ${d.cast(sql.raw(String(SAMPLE_MODULUS)), 'double')} AS sample_u
    FROM ${snapshots} s JOIN hashed f ON f.first_day < s.s_day
  ),
  sampled AS (
    SELECT * FROM pop WHERE sample_u < rate
  ),
  -- Orders whose lines straddle a snapshot are valued by their lines before it.
  straddle AS (
    SELECT s.snap, o.cust, o.order_id, sum(l.amount) AS value
    FROM ${snapshots} s
    JOIN churn_orders o ON o.day < s.s_day AND o.last_line_day >= s.s_day
    JOIN purchases l ON l.order_id = o.order_id
    WHERE o.last_line_day > o.day AND ${d.epochSeconds(sql`l.order_date`)} / 86400 < s.s_day
    GROUP BY s.snap, o.cust, o.order_id
  ),
  ord AS (
    SELECT p.snap, p.cust, p.s_day, o.day, o.gap, coalesce(st.value, o.value) AS value
    FROM sampled p
    JOIN churn_orders o ON o.cust = p.cust AND o.day < p.s_day
    LEFT JOIN straddle st ON st.snap = p.snap AND st.cust = o.cust AND st.order_id = o.order_id
  ),
  of AS (
    SELECT snap, cust,
      count(*) AS frequency,
      max(day) AS last_day,
      sum(value) AS monetary_total,
      ${count(sql`day >= s_day - 30`)} AS orders_30,
      ${count(sql`day >= s_day - 90`)} AS orders_90,
      ${count(sql`day >= s_day - 180`)} AS orders_180,
      ${count(sql`day >= s_day - 365`)} AS orders_365,
      ${count(sql`day >= s_day - 180 AND day < s_day - 90`)} AS orders_prev_90,
      avg(gap) AS gap_mean_days,
      stddev_samp(gap) AS gap_std_days,
      coalesce(${d.filtered(sql`sum(value)`, sql`day >= s_day - 365`)}, 0) AS revenue_365
    FROM ord GROUP BY snap, cust
  ),
  cf AS (
    SELECT p.snap, p.cust,
      count(*) AS complaints_total,
      ${count(sql`c.opened_day >= p.s_day - 90`)} AS complaints_90,
      ${count(sql`c.opened_day >= p.s_day - 365`)} AS complaints_365,
      min(p.s_day - c.opened_day) AS days_since_complaint,
      ${count(sql`c.resolved_day IS NULL OR c.resolved_day >= p.s_day`)} AS complaints_unresolved,
      ${d.filtered(sql`max(p.s_day - c.opened_day)`, sql`c.resolved_day IS NULL OR c.resolved_day >= p.s_day`)}
        AS open_complaint_days,
      ${d.filtered(sql`avg(greatest(c.resolved_day - c.opened_day, 0))`, sql`c.resolved_day < p.s_day`)}
        AS mean_resolution_days,
      ${count(sql`c.resolved_day < p.s_day AND c.resolved_day - c.opened_day > 7
        AND c.opened_day >= p.s_day - 365`)} AS slow_resolutions_365,
      max(c.severity) AS max_severity
    FROM sampled p JOIN ${sql.raw(tables.complaints)} c ON c.cust = p.cust AND c.opened_day < p.s_day
    GROUP BY p.snap, p.cust
  ),
  rf AS (
    SELECT p.snap, p.cust,
      count(*) AS returns_total,
      ${count(sql`r.day >= p.s_day - 180`)} AS returns_180,
      sum(r.amount) AS returned_value,
      min(p.s_day - r.day) AS days_since_return
    FROM sampled p JOIN ${sql.raw(tables.returns)} r ON r.cust = p.cust AND r.day < p.s_day
    GROUP BY p.snap, p.cust
  )${lab}
  , features AS (
  SELECT p.snap, p.cust, p.customer_id, p.holdout, p.fold, p.sample_u,
    p.s_day, p.first_day,
    p.s_day - of.last_day AS recency_days,
    p.s_day - p.first_day AS tenure_days,
    of.frequency, of.monetary_total,
    of.orders_30, of.orders_90, of.orders_180, of.orders_365, of.orders_prev_90,
    of.gap_mean_days, of.gap_std_days, of.revenue_365,
    coalesce(cf.complaints_total, 0) AS complaints_total,
    coalesce(cf.complaints_90, 0) AS complaints_90,
    coalesce(cf.complaints_365, 0) AS complaints_365,
    cf.days_since_complaint,
    coalesce(cf.complaints_unresolved, 0) AS complaints_unresolved,
    cf.open_complaint_days,
    cf.mean_resolution_days,
    coalesce(cf.slow_resolutions_365, 0) AS slow_resolutions_365,
    cf.max_severity,
    coalesce(rf.returns_total, 0) AS returns_total,
    coalesce(rf.returns_180, 0) AS returns_180,
    coalesce(rf.returned_value, 0) AS returned_value,
    rf.days_since_return,
    p.channel_code,
    p.region_code${labels ? sql`,\n    coalesce(lab.future_orders, 0) AS future_orders` : sql.empty}
  FROM sampled p
  JOIN of ON of.snap = p.snap AND of.cust = p.cust
  LEFT JOIN cf ON cf.snap = p.snap AND cf.cust = p.cust
  LEFT JOIN rf ON rf.snap = p.snap AND rf.cust = p.cust${
    labels ? sql`\n  LEFT JOIN lab ON lab.snap = p.snap AND lab.cust = p.cust` : sql.empty
  })
  SELECT customer_id,
    ${sql.join(outputs, ',\n    ')}
  FROM features${labels ? sql`\n  ORDER BY snap, cust` : sql.empty}`;
}

/** The numeric columns of the feature query, besides the optional label. */
export const NUMERIC_OUTPUTS = [
  'snap',
  'cust',
  'holdout',
  'fold',
  'sample_u',
  'channel_code',
  'region_code',
  ...RAW_COLUMNS,
] as const;

/** First and last order day in the warehouse (fractional days), for planning snapshots. */
export const orderRangeSql = (d: Dialect): Sql => sql`
  SELECT ${d.epochSeconds(sql`min(order_date)`)} / 86400 AS first_day,
    ${d.epochSeconds(sql`max(order_date)`)} / 86400 AS last_day,
    count(DISTINCT customer_id) AS customers
  FROM purchases`;

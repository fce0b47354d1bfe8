import {
  type Db,
  type Dialect,
  dbBoolean,
  ordersRelation,
  type Sql,
  sql,
  type Warehouse,
} from '@retain/warehouse';
import { buildKpiFacts } from './kpiCustomerFacts.ts';
import { dayIndex } from './periods.ts';
import { readRows, spelled, sqlQuery } from './sqlQuery.ts';

/*
 * Every analytics query reads one order-level rollup instead of the raw order lines: one row per
 * order with its customer's first-order facts beside it, so that a cohort matrix is one scan and
 * one GROUP BY, with no join and no DISTINCT. It is rebuilt once per data_version (ingest bumps
 * it), on the warehouse's single writer, in one transaction, and kept in the database file, so a
 * CLI run after an ingest pays for it once and later runs not at all.
 *
 * Definitions fixed here (README.md, "Retention analytics"):
 * - an order is the warehouse's canonical one (`ordersRelation`): a distinct order_id, timed by
 *   its earliest line, valued at the sum of its lines, and the alphabetically first customer's
 *   when its lines name different customers;
 * - an order's channel, region and category are each that of its largest line (by amount) that
 *   has one, ties going to the alphabetically first value; a customer's are their first order's;
 * - a customer's orders are numbered by (time, order_id): seq 1 is the first order.
 */

/** Bump when the rollup's shape or definitions change: databases built by older code are rebuilt. */
export const ROLLUP_FORMAT = 2;

/** Period indices of a DATE expression, numbered as in periods.ts. */
function periodColumns(d: Dialect, day: string, prefix: string): string {
  const days = spelled(d.epochDays(sql.raw(day)));
  return `${days} AS ${prefix}d,
      CAST(floor((${days} + 3) / 7) AS INTEGER) AS ${prefix}w,
      CAST(year(${day}) * 12 + month(${day}) - 1 AS INTEGER) AS ${prefix}m,
      CAST(year(${day}) * 4 + quarter(${day}) - 1 AS INTEGER) AS ${prefix}q`;
}

/** Customer facts copied onto every fact table, so that the same filters apply to each. */
const CUSTOMER_COLUMNS = 'c.first_day, c.fd, c.fw, c.fm, c.fq, c.f_channel, c.f_region, c.f_category';

/** The working tables of a build, dropped at its end, by their names without the build's prefix. */
const WORKING_TABLES = ['orders', 'ids', 'sequenced', 'first'] as const;

/**
 * Where a build keeps its working tables: temporary ones named analytics_build_* on an engine that
 * has them (DuckDB, in its one transaction), and ordinary ones under a prefix of the build's own on
 * one that has not (Trino), so that two builds never touch each other's.
 */
export interface WorkingTables {
  prefix: string;
  temporary: boolean;
}

const DUCKDB_WORKING: WorkingTables = { prefix: 'analytics_build_', temporary: true };

/** The working tables' names, in the order they are made. */
export function workingTableNames(working: WorkingTables): Record<(typeof WORKING_TABLES)[number], string> {
  const name = (table: string) => `${working.prefix}${table}`;
  return { orders: name('orders'), ids: name('ids'), sequenced: name('sequenced'), first: name('first') };
}

/** The tables the statements write (besides the KPI facts and the state, written after them). */
export const ROLLUP_TABLES = [
  'analytics_orders',
  'analytics_customers',
  'analytics_returns',
  'analytics_complaints',
] as const;

/**
 * The statements that build the rollup, in the engine's spelling. Joins whose key is read by a
 * table's name (`s.*`, `o.cust`) are written with ON: in Trino a USING column belongs to neither
 * side.
 */
export function buildStatements(d: Dialect, working: WorkingTables = DUCKDB_WORKING): Sql[] {
  const argMin = (value: string, key: string) => spelled(d.argMin(sql.raw(value), sql.raw(key)));
  const secondsOf = (column: string) => spelled(d.epochSeconds(sql.raw(column)));
  const names = workingTableNames(working);
  const { orders, ids, sequenced, first } = names;
  /** A working table of this build, dropped at its end. */
  const workingTable = (name: string, query: Sql) =>
    d.createTableAs(name, query, { temporary: working.temporary });
  const table = (name: string, query: string) => d.createTableAs(name, sql.raw(query));
  return [
    workingTable(orders, sql`SELECT order_id, customer_id, ordered_at AS ts, value FROM ${ordersRelation()}`),
    workingTable(
      ids,
      sql.raw(`SELECT customer_id, CAST(row_number() OVER (ORDER BY customer_id) AS INTEGER) AS cust
   FROM (SELECT DISTINCT customer_id FROM ${orders})`),
    ),
    workingTable(
      sequenced,
      sql.raw(`SELECT i.cust, o.order_id, o.ts, CAST(o.ts AS DATE) AS day, o.value,
          row_number() OVER w AS seq,
          lag(CAST(o.ts AS DATE)) OVER w AS prev_day,
          lead(CAST(o.ts AS DATE)) OVER w AS next_day,
          first_value(CAST(o.ts AS DATE)) OVER w AS first_day
   FROM ${orders} o JOIN ${ids} i USING (customer_id)
   WINDOW w AS (PARTITION BY i.cust ORDER BY o.ts, o.order_id)`),
    ),
    // Attributes are only ever read off first orders, so only their lines are ranked: far cheaper
    // than ranking all lines of all orders. The arg-min skips lines without the value.
    workingTable(
      first,
      sql.raw(`SELECT f.cust,
          ${argMin('p.channel', '(-p.amount, p.channel)')} AS f_channel,
          ${argMin('p.region', '(-p.amount, p.region)')} AS f_region,
          ${argMin('p.category', '(-p.amount, p.category)')} AS f_category
   FROM purchases p JOIN ${sequenced} f ON f.order_id = p.order_id AND f.seq = 1
   GROUP BY f.cust`),
    ),
    table(
      'analytics_orders',
      `WITH numbered AS (
     SELECT s.*, f.f_channel, f.f_region, f.f_category,
            ${periodColumns(d, 's.day', '')}, ${periodColumns(d, 's.first_day', 'f')}, ${periodColumns(d, 's.prev_day', 'p')}
     FROM ${sequenced} s JOIN ${first} f ON f.cust = s.cust
   )
   SELECT cust, CAST(seq AS INTEGER) AS seq, ts, day, prev_day, next_day, value, d, w, m, q,
          -- the customer's first order in its period: counting these counts active customers
          -- per period without a DISTINCT (orders are numbered in time order)
          prev_day IS NULL OR pd <> d AS new_d,
          prev_day IS NULL OR pw <> w AS new_w,
          prev_day IS NULL OR pm <> m AS new_m,
          prev_day IS NULL OR pq <> q AS new_q,
          first_day, fd, fw, fm, fq, f_channel, f_region, f_category
   FROM numbered`,
    ),
    table(
      'analytics_customers',
      `SELECT o.cust, i.customer_id, o.ts AS first_ts, o.first_day, o.fd, o.fw, o.fm, o.fq,
          o.f_channel, o.f_region, o.f_category
   FROM analytics_orders o JOIN ${ids} i ON i.cust = o.cust
   WHERE o.seq = 1`,
    ),
    table(
      'analytics_returns',
      `SELECT c.cust, CAST(r.returned_at AS DATE) AS day, r.amount, ${periodColumns(d, 'CAST(r.returned_at AS DATE)', '')},
          ${CUSTOMER_COLUMNS}
   FROM returns r JOIN analytics_customers c USING (customer_id)`,
    ),
    table(
      'analytics_complaints',
      `SELECT c.cust, x.opened_at, x.resolved_at, CAST(x.opened_at AS DATE) AS opened_day,
          CAST(x.resolved_at AS DATE) AS resolved_day,
          (${secondsOf('x.resolved_at')} - ${secondsOf('x.opened_at')}) / 86400 AS resolution_days,
          ${CUSTOMER_COLUMNS}
   FROM complaints x JOIN analytics_customers c USING (customer_id)`,
    ),
    ...WORKING_TABLES.map((name) => sql`DROP TABLE ${sql.ident(names[name])}`),
  ];
}

export interface RollupState {
  dataVersion: number;
  /** On an engine other than the warehouse, the source's version the rollup was built from. */
  sourceVersion?: string;
  /** First and last day with an order, as day indices (null without orders). */
  firstDay: number | null;
  lastDay: number | null;
  /** Seconds the last build took. */
  buildSeconds: number;
  /** How the engine the rollup lives in spells what engines spell differently. */
  dialect: Dialect;
}

/** The rollup's state as this connection's snapshot sees it, or null if there is none or it is stale. */
export async function readRollupState(conn: Db): Promise<RollupState | null> {
  if (!(await conn.scalar(conn.dialect.tableExists('analytics_state'), dbBoolean))) return null;
  return readCurrentRollupState(conn);
}

/** The same, one statement, for callers who know the state table exists (it throws otherwise). */
export async function readCurrentRollupState(conn: Db): Promise<RollupState | null> {
  const [row] = await readRows(
    conn,
    sqlQuery(
      `SELECT s.data_version, s.format, s.build_seconds,
              ${spelled(conn.dialect.isoDay(sql.raw('s.first_day')))} AS first_day,
              ${spelled(conn.dialect.isoDay(sql.raw('s.last_day')))} AS last_day,
              CAST((SELECT value FROM meta WHERE key = 'data_version') AS INTEGER) AS current_version
       FROM analytics_state s`,
      {},
    ),
  );
  if (!row || row.number('format') !== ROLLUP_FORMAT) return null;
  const dataVersion = row.number('data_version');
  if (dataVersion !== (row.nullableNumber('current_version') ?? 0)) return null;
  const first = row.nullableString('first_day');
  const last = row.nullableString('last_day');
  return {
    dataVersion,
    firstDay: first === null ? null : dayIndex(first),
    lastDay: last === null ? null : dayIndex(last),
    buildSeconds: row.number('build_seconds'),
    dialect: conn.dialect,
  };
}

const pendingBuilds = new WeakMap<Warehouse, Promise<RollupState>>();

/**
 * Makes sure the rollup matches the warehouse's data_version, building it if not. Concurrent
 * callers share one build; a build queues behind any ingest on the writer.
 */
export async function ensureAnalyticsRollup(warehouse: Warehouse): Promise<RollupState> {
  const current = await warehouse.read(readRollupState);
  if (current) return current;
  if (warehouse.readOnly) {
    throw new Error(
      'The analytics tables of this database are missing or out of date and it is open read-only. ' +
        'Open it writable once to bring them up to date.',
    );
  }
  const pending = pendingBuilds.get(warehouse);
  if (pending) return pending;
  const build = buildAnalyticsRollup(warehouse).finally(() => pendingBuilds.delete(warehouse));
  pendingBuilds.set(warehouse, build);
  return build;
}

/** (Re)builds the rollup on the writer unless it is already current. */
export async function buildAnalyticsRollup(warehouse: Warehouse, force = false): Promise<RollupState> {
  return warehouse.write(async (conn) => {
    if (!force) {
      const current = await readRollupState(conn);
      if (current) return current;
    }
    const started = performance.now();
    await conn.transaction(async (tx) => {
      for (const statement of buildStatements(tx.dialect)) await tx.run(statement);
      await buildKpiFacts(tx);
      const seconds = (performance.now() - started) / 1000;
      await tx.run(
        tx.dialect.createTableAs(
          'analytics_state',
          sql`SELECT coalesce(CAST((SELECT value FROM meta WHERE key = 'data_version') AS INTEGER), 0) AS data_version,
                     CAST(${ROLLUP_FORMAT} AS INTEGER) AS format, CAST(${seconds} AS DOUBLE) AS build_seconds,
                     (SELECT min(day) FROM analytics_orders) AS first_day,
                     (SELECT max(day) FROM analytics_orders) AS last_day`,
        ),
      );
    });
    const state = await readRollupState(conn);
    if (!state) throw new Error('the analytics rollup was built but reads as stale');
    return state;
  });
}

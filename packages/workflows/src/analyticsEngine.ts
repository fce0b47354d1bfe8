import type { AnalyticsSource, AnalyticsTarget } from '@retain/analytics';
import { type Currency, resolveCurrency } from '@retain/schemas';
import type { TrinoDb } from '@retain/trino';
import { EngineError } from '@retain/trino/engineError';
import { parseTrinoUrl, type TrinoTarget } from '@retain/trino/engineUrl';
import { type Db, dbBoolean, dbNumber, dbText, type Sql, sql, type Warehouse } from '@retain/warehouse';
import { z } from 'zod';

/**
 * Where the analytics reports read: the embedded warehouse (the default), or a Trino cluster that
 * holds the canonical facts tables (customers, purchases, complaints, returns) in the catalog and
 * schema its URL names. The rollup is built and read on the cluster; only the figures come back.
 */
export interface AnalyticsEngineChoice {
  /** --engine as typed: a Trino URL; it wins over RETAIN_ENGINE. */
  flag?: string | undefined;
  /** RETAIN_ENGINE, already checked by the env module. */
  env?: string | undefined;
  /** RETAIN_TRINO_PASSWORD: sent only over HTTPS. */
  password?: string | undefined;
}

/** The engine URL in force and where it came from, or null for the embedded warehouse. */
export function chosenEngine(choice: AnalyticsEngineChoice): { url: string; from: 'flag' | 'env' } | null {
  const flag = choice.flag?.trim();
  if (flag) return { url: flag, from: 'flag' };
  return choice.env ? { url: choice.env, from: 'env' } : null;
}

/**
 * Runs `task` against the chosen engine: on a Trino cluster when the choice names one (an
 * EngineConfigError for a URL that cannot be used, EngineErrors for what the cluster reports),
 * else on the warehouse `openWarehouse` opens (`engine` is the cluster's, null on the warehouse).
 * The Trino client (and its HTTP stack) is loaded only here, when a cluster is used.
 */
export async function withAnalyticsEngine<T>(
  choice: AnalyticsEngineChoice,
  openWarehouse: (task: (warehouse: Warehouse) => Promise<T>) => Promise<T>,
  task: (source: AnalyticsTarget, warehouse: Warehouse | null, engine: OpenEngine | null) => Promise<T>,
): Promise<T> {
  const engine = await openEngine(choice);
  if (!engine) return openWarehouse((warehouse) => task(warehouse, warehouse, null));
  return task(engine.source, null, engine);
}

/** A Trino cluster opened for long use (a server): its connection, where it is, and its analytics. */
export interface OpenEngine {
  db: TrinoDb;
  target: TrinoTarget;
  /** The analytics read on the cluster, against the rollup built there. */
  source: AnalyticsSource;
  /** How it is named to people: `Trino at HOST:PORT CATALOG.SCHEMA`. */
  name: string;
  /** The facts' fingerprint, as the rollup keys itself by it (one query on the cluster). */
  version(): Promise<string>;
}

/**
 * Opens the engine the choice names, for a process that reads it for a long time (the server),
 * after checking its facts tables as the CLI verbs do; null for the embedded warehouse. Errors as
 * `withAnalyticsEngine`'s.
 */
export async function openEngine(choice: AnalyticsEngineChoice): Promise<OpenEngine | null> {
  const engine = chosenEngine(choice);
  if (!engine) return null;
  const target = parseTrinoUrl(engine.url, { password: choice.password });
  const [{ TrinoDb }, { analyticsOn, sourceFingerprint }] = await Promise.all([
    import('@retain/trino'),
    import('@retain/analytics'),
  ]);
  const db = new TrinoDb(target, { password: choice.password });
  await checkFactsTables(db, target);
  const fingerprint = sourceFingerprint(db.dialect);
  return {
    db,
    target,
    source: analyticsOn(db, { fingerprint }),
    name: `Trino at ${target.host}:${target.port} ${target.catalog}.${target.schema}`,
    version: () => db.scalar(sql`SELECT ${fingerprint} AS version`, dbText),
  };
}

/**
 * The currency of the facts on an engine: what `retain ingest --engine … --mapping` stored beside
 * the views (the mapping's "currency" or --currency) in the view retain_settings of the engine's
 * schema, as `storedCurrency` reads a load's from the database file; null when the schema has no
 * such view (the default then, or RETAIN_CURRENCY, which wins either way: `resolveCurrency`).
 */
export async function engineCurrency(db: Pick<Db, 'dialect' | 'scalar'>): Promise<string | null> {
  const { SETTINGS_VIEW } = await import('@retain/trino/mapTables');
  if (!(await db.scalar(db.dialect.tableExists(SETTINGS_VIEW), dbBoolean))) return null;
  return db.scalar(sql`SELECT currency FROM ${sql.ident(SETTINGS_VIEW)}`, dbText.nullable());
}

/** The currency amounts are in on an engine: the setting (RETAIN_CURRENCY), else the facts', as `dataCurrency`. */
export async function engineDataCurrency(
  db: Pick<Db, 'dialect' | 'scalar'>,
  setting?: string | null,
): Promise<Currency> {
  // The setting wins: the cluster is not asked.
  return resolveCurrency(setting, setting ? null : await engineCurrency(db));
}

/** Row counts and date ranges of the facts tables on the engine, as `warehouseInfo` gives them locally. */
export interface EngineFactsInfo {
  customers: { rows: number; withOrders: number };
  purchases: { rows: number; orders: number; from: string | null; to: string | null };
  complaints: { rows: number; from: string | null; to: string | null };
  returns: { rows: number; from: string | null; to: string | null };
}

const factsInfoRow = z.object({
  customers: dbNumber,
  with_orders: dbNumber,
  lines: dbNumber,
  orders: dbNumber,
  first: dbText.nullable(),
  last: dbText.nullable(),
  complaints: dbNumber,
  c_first: dbText.nullable(),
  c_last: dbText.nullable(),
  returns: dbNumber,
  r_first: dbText.nullable(),
  r_last: dbText.nullable(),
});

/** The facts' counts and ranges on the cluster (one query; `customers` may be absent there). */
export async function engineFactsInfo(engine: OpenEngine): Promise<EngineFactsInfo> {
  const d = engine.db.dialect;
  const instant = (expr: Sql) => d.cast(expr, 'varchar');
  const hasCustomers = await engine.db.scalar(d.tableExists('customers'), z.boolean());
  const row = await engine.db.first(
    sql`SELECT ${hasCustomers ? sql`(SELECT count(*) FROM customers)` : sql`0`} AS customers,
               (SELECT count(DISTINCT customer_id) FROM purchases) AS with_orders,
               p.lines, p.orders, ${instant(sql`p.first`)} AS first, ${instant(sql`p.last`)} AS last,
               c.n AS complaints, ${instant(sql`c.first`)} AS c_first, ${instant(sql`c.last`)} AS c_last,
               r.n AS returns, ${instant(sql`r.first`)} AS r_first, ${instant(sql`r.last`)} AS r_last
        FROM (SELECT count(*) AS lines, count(DISTINCT order_id) AS orders, min(order_date) AS first, max(order_date) AS last FROM purchases) p
        CROSS JOIN (SELECT count(*) AS n, min(opened_at) AS first, max(opened_at) AS last FROM complaints) c
        CROSS JOIN (SELECT count(*) AS n, min(returned_at) AS first, max(returned_at) AS last FROM returns) r`,
    factsInfoRow,
  );
  if (!row) throw new Error('the facts query returned no row');
  // 'YYYY-MM-DD HH:MM:SS[.ffffff]' as the local info writes it: ISO, to the second.
  const iso = (value: string | null) => (value === null ? null : value.slice(0, 19).replace(' ', 'T'));
  return {
    customers: { rows: row.customers, withOrders: row.with_orders },
    purchases: { rows: row.lines, orders: row.orders, from: iso(row.first), to: iso(row.last) },
    complaints: { rows: row.complaints, from: iso(row.c_first), to: iso(row.c_last) },
    returns: { rows: row.returns, from: iso(row.r_first), to: iso(row.r_last) },
  };
}

/**
 * The canonical facts tables and the columns of theirs the analytics read (the rollup's orders,
 * first-order attributes, returns and complaints). A cluster's tables may hold more.
 */
export const ANALYTICS_FACT_COLUMNS = {
  purchases: ['order_id', 'customer_id', 'order_date', 'amount', 'channel', 'region', 'category'],
  returns: ['customer_id', 'returned_at', 'amount'],
  complaints: ['customer_id', 'opened_at', 'resolved_at'],
} as const satisfies Record<string, readonly string[]>;

const columnRow = z.object({ table_name: z.string(), column_name: z.string() });

/**
 * Refuses, before any statement reads them, facts tables or columns the engine's schema lacks,
 * naming the first one missing (one query of the catalog's information_schema). `wanted` is what
 * the reader (named in the message: "the analytics", "the churn features") reads of each table.
 */
export async function checkFactsTables(
  db: TrinoDb,
  target: TrinoTarget,
  wanted: Readonly<Record<string, readonly string[]>> = ANALYTICS_FACT_COLUMNS,
  reader = 'the analytics',
): Promise<void> {
  const tables = Object.keys(wanted);
  const rows = await db.query(
    sql`SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = ${target.schema} AND table_name IN (${sql.join(tables.map((t) => sql`${t}`))})`,
    columnRow,
  );
  const found = new Map<string, Set<string>>();
  for (const row of rows) {
    const columns = found.get(row.table_name) ?? new Set<string>();
    columns.add(row.column_name.toLowerCase());
    found.set(row.table_name, columns);
  }
  const engine = `Trino at ${target.host}:${target.port}`;
  for (const [table, reads] of Object.entries(wanted)) {
    const name = `${target.catalog}.${target.schema}.${table}`;
    const columns = found.get(table);
    if (!columns) {
      throw new EngineError(
        `${engine}: table ${name} does not exist (${reader} read the facts tables ${tables.join(', ')} in ${target.catalog}.${target.schema})`,
        'engine_table_missing',
        engine,
        { table: name },
      );
    }
    const missing = reads.find((column) => !columns.has(column));
    if (missing) {
      throw new EngineError(
        `${engine}: table ${name} has no column ${missing} (${reader} read ${reads.join(', ')})`,
        'engine_column_missing',
        engine,
        { table: name, column: missing },
      );
    }
  }
}

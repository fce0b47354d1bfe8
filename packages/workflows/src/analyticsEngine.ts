import type { AnalyticsTarget } from '@retain/analytics';
import type { TrinoDb } from '@retain/trino';
import { EngineError } from '@retain/trino/engineError';
import { parseTrinoUrl, type TrinoTarget } from '@retain/trino/engineUrl';
import { sql, type Warehouse } from '@retain/warehouse';
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
 * else on the warehouse `openWarehouse` opens. The Trino client (and its HTTP stack) is loaded
 * only here, when a cluster is used.
 */
export async function withAnalyticsEngine<T>(
  choice: AnalyticsEngineChoice,
  openWarehouse: (task: (warehouse: Warehouse) => Promise<T>) => Promise<T>,
  task: (source: AnalyticsTarget, warehouse: Warehouse | null) => Promise<T>,
): Promise<T> {
  const engine = chosenEngine(choice);
  if (!engine) return openWarehouse((warehouse) => task(warehouse, warehouse));
  const target = parseTrinoUrl(engine.url, { password: choice.password });
  const [{ TrinoDb }, { analyticsOn }] = await Promise.all([
    import('@retain/trino'),
    import('@retain/analytics'),
  ]);
  const db = new TrinoDb(target, { password: choice.password });
  await checkFactsTables(db, target);
  return task(analyticsOn(db), null);
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
 * naming the first one missing (one query of the catalog's information_schema).
 */
export async function checkFactsTables(db: TrinoDb, target: TrinoTarget): Promise<void> {
  const tables = Object.keys(ANALYTICS_FACT_COLUMNS);
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
  for (const [table, wanted] of Object.entries(ANALYTICS_FACT_COLUMNS)) {
    const name = `${target.catalog}.${target.schema}.${table}`;
    const columns = found.get(table);
    if (!columns) {
      throw new EngineError(
        `${engine}: table ${name} does not exist (the analytics read the facts tables ${tables.join(', ')} in ${target.catalog}.${target.schema})`,
        'engine_table_missing',
        engine,
        { table: name },
      );
    }
    const missing = wanted.find((column) => !columns.has(column));
    if (missing) {
      throw new EngineError(
        `${engine}: table ${name} has no column ${missing} (the analytics read ${wanted.join(', ')})`,
        'engine_column_missing',
        engine,
        { table: name, column: missing },
      );
    }
  }
}

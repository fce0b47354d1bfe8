import type { TrinoDb } from '@retain/trino';
import { EngineError } from '@retain/trino/engineError';
import { parseTrinoUrl, type TrinoTarget } from '@retain/trino/engineUrl';
import { type Db, sql } from '@retain/warehouse';
import { z } from 'zod';
import { type AnalyticsEngineChoice, checkFactsTables, chosenEngine } from './analyticsEngine.ts';

/**
 * Where `train` and `score` extract the churn features: the embedded warehouse (null), or the Trino
 * cluster the choice names (--engine or RETAIN_ENGINE), whose schema holds the facts tables. There
 * the order cache and each extraction's tables are built and only the sampled rows come back; the
 * model, its files and its scores stay in the local database file. The tables and columns the
 * features read are checked first (one catalog query each for the analytics' and churn's own),
 * so that a missing one is refused by name before anything is written locally.
 */
export async function churnFeatureEngine(choice: AnalyticsEngineChoice): Promise<Db | null> {
  const engine = chosenEngine(choice);
  if (!engine) return null;
  const target = parseTrinoUrl(engine.url, { password: choice.password });
  const { TrinoDb } = await import('@retain/trino');
  const db = new TrinoDb(target, { password: choice.password });
  await checkFactsTables(db, target);
  await checkChurnColumns(db, target);
  return db;
}

/** What the churn features read beyond the analytics' columns (checkFactsTables). */
export const CHURN_FACT_COLUMNS = {
  customers: ['customer_id', 'channel', 'region'],
  purchases: ['order_id', 'customer_id', 'order_date', 'amount', 'channel'],
  complaints: ['customer_id', 'opened_at', 'resolved_at', 'severity'],
} as const satisfies Record<string, readonly string[]>;

const columnRow = z.object({ table_name: z.string(), column_name: z.string() });

async function checkChurnColumns(db: TrinoDb, target: TrinoTarget): Promise<void> {
  const tables = Object.keys(CHURN_FACT_COLUMNS);
  const rows = await db.query(
    sql`SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = ${target.schema} AND table_name IN (${sql.join(tables.map((t) => sql`${t}`))})`,
    columnRow,
  );
  const engine = `Trino at ${target.host}:${target.port}`;
  for (const [table, wanted] of Object.entries(CHURN_FACT_COLUMNS)) {
    const name = `${target.catalog}.${target.schema}.${table}`;
    const columns = new Set(
      rows.filter((r) => r.table_name === table).map((r) => r.column_name.toLowerCase()),
    );
    if (columns.size === 0) {
      throw new EngineError(
        `${engine}: table ${name} does not exist (the churn features read the facts tables ${tables.join(', ')} and returns in ${target.catalog}.${target.schema})`,
        'engine_table_missing',
        engine,
        { table: name },
      );
    }
    const missing = wanted.find((column) => !columns.has(column));
    if (missing) {
      throw new EngineError(
        `${engine}: table ${name} has no column ${missing} (the churn features read ${wanted.join(', ')})`,
        'engine_column_missing',
        engine,
        { table: name, column: missing },
      );
    }
  }
}

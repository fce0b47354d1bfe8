import { randomUUID } from 'node:crypto';
import {
  ANALYTICS_FINGERPRINT_PARTS,
  type Db,
  type Dialect,
  dbBoolean,
  dbNumber,
  factsFingerprint,
  type Sql,
  sql,
} from '@retain/warehouse';
import { z } from 'zod';
import {
  ENGINE_CACHE_STATE_TABLE,
  engineOrderCacheStatements,
  engineOrderCacheWorkingTables,
  ORDER_CACHE_FORMAT,
  ORDER_CACHE_TABLES,
} from './featureSql.ts';

/*
 * The order cache on an engine that holds the facts tables itself (a Trino cluster): built in the
 * engine's current schema beside the facts, keyed by their fingerprint rather than the warehouse's
 * data_version, which such an engine has not. As the analytics rollup there (analyticsOn), a build
 * drops the state first and writes it last, so that a reader never takes half a cache for current;
 * its working tables sit under a prefix of its own and are dropped at its end, on failure too.
 */

/**
 * The facts' version as one text value: the analytics' fingerprint with the customers table too,
 * whose channel and region the cache keeps.
 */
export function churnSourceFingerprint(d: Dialect): Sql {
  return factsFingerprint(d, [...ANALYTICS_FINGERPRINT_PARTS, ['customers', []]]);
}

const stateRow = z.object({ source_version: z.string(), format: dbNumber, current_version: z.string() });

/** Builds the order cache on `db` unless it already reflects the facts as they stand. */
export async function ensureEngineOrderCache(db: Db, options: { rebuild?: boolean } = {}): Promise<void> {
  const d = db.dialect;
  const fingerprint = churnSourceFingerprint(d);
  if (!options.rebuild && (await db.scalar(d.tableExists(ENGINE_CACHE_STATE_TABLE), dbBoolean))) {
    const state = await db.first(
      sql`SELECT source_version, format, ${fingerprint} AS current_version FROM ${sql.ident(ENGINE_CACHE_STATE_TABLE)}`,
      stateRow,
    );
    if (state && state.format === ORDER_CACHE_FORMAT && state.source_version === state.current_version)
      return;
  }
  const version = await db.scalar(sql`SELECT ${fingerprint}`, z.string());
  const drop = (name: string) => db.run(sql`DROP TABLE IF EXISTS ${sql.ident(name)}`);
  await drop(ENGINE_CACHE_STATE_TABLE);
  for (const name of ORDER_CACHE_TABLES) await drop(name);
  const prefix = `churn_build_${randomUUID().replaceAll('-', '').slice(0, 12)}_`;
  try {
    for (const statement of engineOrderCacheStatements(d, prefix)) await db.run(statement);
    await db.run(
      d.createTableAs(
        ENGINE_CACHE_STATE_TABLE,
        sql`SELECT CAST(${version} AS VARCHAR) AS source_version, CAST(${ORDER_CACHE_FORMAT} AS INTEGER) AS format`,
      ),
    );
  } finally {
    for (const name of engineOrderCacheWorkingTables(prefix)) await drop(name).catch(() => {});
  }
}

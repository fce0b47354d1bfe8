import { randomUUID } from 'node:crypto';
import {
  ANALYTICS_FINGERPRINT_PARTS,
  BadInputError,
  type Db,
  type Dialect,
  dbBoolean,
  factsFingerprint,
  type Sql,
  sql,
} from '@retain/warehouse';
import {
  buildStatements,
  ROLLUP_FORMAT,
  ROLLUP_TABLES,
  type RollupState,
  type WorkingTables,
  workingTableNames,
} from './analyticsRollup.ts';
import { buildKpiFacts, KPI_FACTS_TABLE } from './kpiCustomerFacts.ts';
import { dayIndex } from './periods.ts';
import type { AnalyticsSource } from './readAnalytics.ts';
import { readRows } from './sqlQuery.ts';

/*
 * The rollup on an engine that holds the facts tables itself (a Trino cluster reading the
 * retailer's tables in place): the same statements as the warehouse's build, run where the data
 * lives. Such an engine has no transactions and no temporary tables, so a build:
 * - drops the state table first, then the old rollup tables, so that from its first statement on a
 *   reader finds no current rollup and waits for (or starts) a build rather than read half of one;
 * - makes its working tables as ordinary tables under a prefix of its own, dropped at its end, on
 *   failure too;
 * - writes the state last, with the source's version as it was when the build began: data that
 *   changed during the build leaves the rollup stale, and the next read builds it again.
 * There is no data_version there: the source's version is a fingerprint of the facts tables.
 */

/** The state of a rollup on an engine (the warehouse's own is analytics_state, keyed by data_version). */
export const ENGINE_STATE_TABLE = 'analytics_engine_state';

/**
 * The source's version, as one text value: row counts and latest timestamps of the tables the
 * rollup reads. Any load that adds, removes or re-dates rows moves it.
 */
export function sourceFingerprint(d: Dialect): Sql {
  return factsFingerprint(d, ANALYTICS_FINGERPRINT_PARTS);
}

export interface AnalyticsOnOptions {
  /**
   * An expression of the source's version as text, cheaper or finer than the default fingerprint
   * (Iceberg snapshot ids, say). The rollup is rebuilt whenever it changes.
   */
  fingerprint?: Sql;
}

/**
 * Analytics on any engine: reads run on `db` against a rollup kept in its current schema, beside
 * the facts tables (purchases, returns, complaints) it is built from, and rebuilt when their
 * fingerprint moves. `db` must be able to create tables there.
 */
export function analyticsOn(db: Db, options: AnalyticsOnOptions = {}): AnalyticsSource {
  const fingerprint = options.fingerprint ?? sourceFingerprint(db.dialect);
  let seen = false;
  let pending: Promise<RollupState> | null = null;

  const ensure = async (): Promise<RollupState> => {
    if (await db.scalar(db.dialect.tableExists(ENGINE_STATE_TABLE), dbBoolean)) {
      const current = await readEngineRollupState(db, fingerprint);
      if (current) return current;
    }
    pending ??= buildEngineRollup(db, fingerprint).finally(() => {
      pending = null;
    });
    return pending;
  };

  return {
    async read(task) {
      for (let attempt = 0; attempt < 3; attempt++) {
        if (!seen) {
          await ensure();
          seen = true;
        }
        const state = await readEngineRollupState(db, fingerprint).catch((error: unknown) => {
          seen = false;
          throw error;
        });
        if (state) {
          return task(db, state).catch((error: unknown) => {
            // Perhaps the rollup tables were dropped under it; look them up again next time.
            if (!(error instanceof BadInputError)) seen = false;
            throw error;
          });
        }
        seen = false;
      }
      throw new Error('the data kept changing while the analytics tables were rebuilt; try again');
    },
  };
}

/** The rollup's state on the engine, or null when it is stale or of an older format (one statement). */
export async function readEngineRollupState(db: Db, fingerprint: Sql): Promise<RollupState | null> {
  const d = db.dialect;
  const [row] = await readRows(
    db,
    sql`SELECT s.source_version, s.format, s.build_seconds,
               ${d.isoDay(sql`s.first_day`)} AS first_day, ${d.isoDay(sql`s.last_day`)} AS last_day,
               ${fingerprint} AS current_version
        FROM ${sql.ident(ENGINE_STATE_TABLE)} s`,
  );
  if (!row || row.number('format') !== ROLLUP_FORMAT) return null;
  const version = row.string('source_version');
  if (version !== row.string('current_version')) return null;
  const first = row.nullableString('first_day');
  const last = row.nullableString('last_day');
  return {
    dataVersion: 0,
    sourceVersion: version,
    firstDay: first === null ? null : dayIndex(first),
    lastDay: last === null ? null : dayIndex(last),
    buildSeconds: row.number('build_seconds'),
    dialect: d,
  };
}

/** Builds the rollup on the engine (see the top of this file), whether or not it is current. */
export async function buildEngineRollup(db: Db, fingerprint: Sql): Promise<RollupState> {
  const d = db.dialect;
  const drop = (name: string) => db.run(sql`DROP TABLE IF EXISTS ${sql.ident(name)}`);
  const started = performance.now();
  const [versionRow] = await readRows(db, sql`SELECT ${fingerprint} AS version`);
  const version = versionRow?.string('version') ?? '';
  await drop(ENGINE_STATE_TABLE);
  for (const name of [...ROLLUP_TABLES, KPI_FACTS_TABLE]) await drop(name);
  const working: WorkingTables = {
    prefix: `analytics_build_${randomUUID().replaceAll('-', '').slice(0, 12)}_`,
    temporary: false,
  };
  try {
    for (const statement of buildStatements(d, working)) await db.run(statement);
    await buildKpiFacts(db);
    const seconds = (performance.now() - started) / 1000;
    await db.run(
      d.createTableAs(
        ENGINE_STATE_TABLE,
        sql`SELECT CAST(${version} AS VARCHAR) AS source_version, CAST(${ROLLUP_FORMAT} AS INTEGER) AS format,
                   CAST(${seconds} AS DOUBLE) AS build_seconds,
                   (SELECT min(day) FROM analytics_orders) AS first_day,
                   (SELECT max(day) FROM analytics_orders) AS last_day`,
      ),
    );
  } finally {
    // Normally dropped by the build's last statements; after a failure, here.
    for (const name of Object.values(workingTableNames(working))) await drop(name).catch(() => {});
  }
  const state = await readEngineRollupState(db, fingerprint);
  if (!state)
    throw new Error('the analytics rollup was built but reads as stale: the data changed meanwhile');
  return state;
}

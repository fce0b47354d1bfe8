import type { AnalyticsSource, AnalyticsTarget } from '@retain/analytics';
import {
  dbText,
  ensureOwnedTables,
  type OwnedTables,
  type Sql,
  sql,
  type Warehouse,
} from '@retain/warehouse';
import { z } from 'zod';

/*
 * Figures computed on a Trino cluster, kept in the local database file so that a dashboard served
 * from the cluster asks it again only when its data moves: each result is stored under the
 * source's version (the fingerprint of the facts tables the rollup is built from) and the
 * procedure and input that asked for it. A new version makes every stored result stale; they are
 * pruned when it is first seen. A restarted server serves what is stored after one fingerprint query.
 */

/** The cache's table, owned by this package and created with the others at start-up. */
export const ENGINE_CACHE_TABLES: OwnedTables = {
  owner: 'engine result cache',
  versionKey: 'engine_cache_schema_version',
  tables: ['engine_results'],
  steps: [
    (dialect) => [
      sql`CREATE TABLE IF NOT EXISTS engine_results (
        source_version VARCHAR NOT NULL,
        key            VARCHAR NOT NULL,
        value          ${sql.raw(dialect.typeName('json'))} NOT NULL,
        built_at       TIMESTAMP NOT NULL,
        PRIMARY KEY (source_version, key)
      )`,
    ],
  ],
};

/** Creates the cache's table where it is missing (a warehouse open for writing). */
export function ensureEngineCacheTables(warehouse: Warehouse): Promise<boolean> {
  return ensureOwnedTables(warehouse, ENGINE_CACHE_TABLES);
}

/** The facts' version as last read from the engine, and when. */
export interface SourceVersion {
  version: string;
  /** ISO instant of the check. */
  checkedAt: string;
}

/** What the cache needs of an engine: its analytics source and one query of its version. */
export interface CachedEngine {
  source: AnalyticsSource;
  /** The facts' fingerprint (one query on the cluster). */
  version(): Promise<string>;
}

export interface EngineResultCacheOptions {
  /** Seconds a version read from the engine is trusted before it is read again (0: every read). */
  recheckSeconds: number;
  /** The clock, in milliseconds (tests move it). */
  now?: () => number;
}

const storedRow = z.object({ value: dbText });

/**
 * Analytics results of one engine, cached in `local` by source version (see the top of this file).
 * Values are stored as the JSON of what the engine's computation returned, and served as that JSON
 * read back: the first answer and every later one are the same.
 */
export class EngineResultCache {
  private current: SourceVersion | null = null;
  private checking: Promise<SourceVersion> | null = null;
  private readonly computing = new Map<string, Promise<unknown>>();
  private readonly now: () => number;

  constructor(
    private readonly local: Warehouse,
    private readonly engine: CachedEngine,
    private readonly options: EngineResultCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The facts' version: read again from the engine once `recheckSeconds` have passed. */
  async version(): Promise<SourceVersion> {
    const current = this.current;
    if (current && this.now() - Date.parse(current.checkedAt) < this.options.recheckSeconds * 1000)
      return current;
    return this.refresh();
  }

  /** Reads the facts' version from the engine now; stored results of other versions are pruned. */
  refresh(): Promise<SourceVersion> {
    this.checking ??= this.engine
      .version()
      .then((version) => this.adopt(version))
      .finally(() => {
        this.checking = null;
      });
    return this.checking;
  }

  /**
   * The result of `compute` for `key` at the facts' current version: from the local file when it
   * is there, else computed on the engine and stored. `compute` must return JSON-safe values.
   */
  async read<T>(key: string, compute: (source: AnalyticsTarget) => Promise<T>): Promise<T> {
    const { version } = await this.version();
    const stored = await this.stored(version, key);
    if (stored !== null) return JSON.parse(stored) as T;
    const slot = `${version}\u0000${key}`;
    let pending = this.computing.get(slot) as Promise<T> | undefined;
    if (!pending) {
      pending = this.computeAndStore(version, key, compute);
      this.computing.set(slot, pending);
      void pending
        .finally(() => this.computing.delete(slot))
        .catch(() => {
          // The caller sees the failure.
        });
    }
    return pending;
  }

  /** Rows stored, by version (for `info` and tests). */
  async entries(): Promise<Array<{ version: string; key: string }>> {
    return this.local.query(
      sql`SELECT source_version AS version, key FROM engine_results ORDER BY source_version, key`,
      z.object({ version: dbText, key: dbText }),
    );
  }

  private async computeAndStore<T>(
    version: string,
    key: string,
    compute: (source: AnalyticsTarget) => Promise<T>,
  ): Promise<T> {
    // The version the rollup was current at when the engine read it, which may be newer than the
    // one last checked: the result is stored under what it was computed from.
    const seen = new Set<string>();
    const inner = this.engine.source;
    const observed: AnalyticsSource = {
      read: (task) =>
        inner.read((conn, state) => {
          if (state.sourceVersion !== undefined) seen.add(state.sourceVersion);
          return task(conn, state);
        }),
    };
    const value = await compute(observed);
    const text = JSON.stringify(value);
    const [computedAt] = seen;
    const storeAs =
      seen.size === 1 && computedAt !== undefined ? computedAt : seen.size === 0 ? version : null;
    if (storeAs !== null) {
      if (storeAs !== version) await this.adopt(storeAs);
      await this.store(storeAs, key, text);
    }
    return JSON.parse(text) as T;
  }

  private async adopt(version: string): Promise<SourceVersion> {
    const moved = this.current?.version !== version;
    this.current = { version, checkedAt: new Date(this.now()).toISOString() };
    if (moved) await this.local.write((db) => db.run(pruneOtherVersions(version)));
    return this.current;
  }

  private async stored(version: string, key: string): Promise<string | null> {
    const [row] = await this.local.query(
      sql`SELECT CAST(value AS VARCHAR) AS value FROM engine_results WHERE source_version = ${version} AND key = ${key}`,
      storedRow,
    );
    return row?.value ?? null;
  }

  private async store(version: string, key: string, text: string): Promise<void> {
    await this.local.transaction(async (db) => {
      await db.run(sql`DELETE FROM engine_results WHERE source_version = ${version} AND key = ${key}`);
      await db.run(
        sql`INSERT INTO engine_results (source_version, key, value, built_at)
            VALUES (${version}, ${key}, ${text}, CAST(${timestampText(this.now())} AS TIMESTAMP))`,
      );
    });
  }
}

/** 'YYYY-MM-DD HH:MM:SS.mmm' in UTC, as a TIMESTAMP column takes it. */
const timestampText = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

function pruneOtherVersions(version: string): Sql {
  return sql`DELETE FROM engine_results WHERE source_version <> ${version}`;
}

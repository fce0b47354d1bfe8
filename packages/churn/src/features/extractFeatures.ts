import { randomUUID } from 'node:crypto';
import { type Db, dbNumber, readMeta, sql, Warehouse, writeMeta } from '@retain/warehouse';
import { z } from 'zod';
import { isoDate } from '../dates.ts';
import { ensureEngineOrderCache } from './engineOrderCache.ts';
import { RAW_COLUMNS } from './featureSpec.ts';
import {
  type ExtractionTables,
  featureSql,
  levelsSql,
  NUMERIC_OUTPUTS,
  ORDER_CACHE_FORMAT,
  orderCacheStatements,
  orderRangeSql,
  populationCountSql,
  prefixedExtractionTables,
  prepareStatements,
  snapshotTableSql,
  TEMPORARY_EXTRACTION_TABLES,
} from './featureSql.ts';
import { emptyRawColumns, type FeatureTable, shared } from './featureTable.ts';

export interface SnapshotRequest {
  /** The snapshot date as a day number: the snapshot sees everything before day + 1. */
  day: number;
  /** Share of the snapshot's customers to extract (1 = all). */
  rate: number;
}

export interface ExtractOptions {
  /** Count orders in the horizon after each snapshot (training data). */
  labels: boolean;
  horizonDays: number;
  seed: number;
  /** Share of customers in the early-stopping slice, 0–1. */
  holdoutShare?: number;
}

export interface OrderRange {
  firstDay: number;
  lastDay: number;
  customers: number;
}

/**
 * Where features are extracted: the embedded warehouse, or any engine handle whose current schema
 * holds the facts tables (customers, purchases, complaints, returns) and lets it create tables
 * there (a Trino cluster).
 */
export type FeatureSource = Warehouse | Db;

/**
 * Feature extraction: `open` reduces the data to what is visible at the as-of date once, then any
 * number of snapshots are read from that reduction. On the warehouse it runs on a connection of its
 * own, its tables temporary; on another engine (no temporary tables, no transactions) its tables are
 * ordinary ones under a prefix of its own, dropped by `close` and on a failed `open`.
 */
export class FeatureExtractor {
  private constructor(
    private readonly db: Db,
    /** Day number of the as-of date; nothing after it is read. */
    readonly asOfDay: number,
    private readonly tables: ExtractionTables,
    private readonly release: () => Promise<void>,
  ) {}

  static async open(source: FeatureSource, asOfDay: number): Promise<FeatureExtractor> {
    const cutoff = `${isoDate(asOfDay + 1)} 00:00:00`;
    if (source instanceof Warehouse) {
      await ensureOrderCache(source);
      const db = await source.session();
      try {
        for (const statement of prepareStatements(db.dialect, cutoff)) await db.run(statement);
        return new FeatureExtractor(db, asOfDay, TEMPORARY_EXTRACTION_TABLES, async () => db.close());
      } catch (error) {
        db.close();
        throw error;
      }
    }
    await ensureEngineOrderCache(source);
    const tables = prefixedExtractionTables(`churn_x_${randomUUID().replaceAll('-', '').slice(0, 12)}_`);
    const release = async () => {
      for (const name of [tables.complaints, tables.returns, tables.snapshots]) {
        await source.run(sql`DROP TABLE IF EXISTS ${sql.ident(name)}`).catch(() => {});
      }
    };
    try {
      for (const statement of prepareStatements(source.dialect, cutoff, tables)) await source.run(statement);
      return new FeatureExtractor(source, asOfDay, tables, release);
    } catch (error) {
      await release();
      throw error;
    }
  }

  /** Gives back the connection (the warehouse) or drops the extraction's tables (another engine). */
  close(): Promise<void> {
    return this.release();
  }

  /** Customers whose first order is on or before each snapshot date. */
  async population(days: readonly number[]): Promise<number[]> {
    await this.setSnapshots(days.map((day) => ({ day, rate: 1 })));
    const rows = await this.db.query(
      populationCountSql(this.tables),
      z.object({ snap: dbNumber, customers: dbNumber }),
    );
    return rows.map((row) => row.customers);
  }

  async extract(snapshots: readonly SnapshotRequest[], options: ExtractOptions): Promise<FeatureTable> {
    for (const s of snapshots) {
      if (s.day > this.asOfDay) throw new Error(`snapshot ${isoDate(s.day)} lies after the as-of date`);
      if (options.labels && s.day + options.horizonDays > this.asOfDay) {
        throw new Error(`the label window of snapshot ${isoDate(s.day)} is not observed by the as-of date`);
      }
    }
    await this.setSnapshots(snapshots);
    const query = featureSql(
      this.db.dialect,
      {
        labels: options.labels,
        seed: options.seed,
        holdoutPermille: Math.round((options.holdoutShare ?? 0.15) * 1000),
        horizonDays: options.horizonDays,
      },
      this.tables,
    );
    const levels = await this.levels();
    const numericNames = [...NUMERIC_OUTPUTS, ...(options.labels ? ['future_orders'] : [])];
    const read = await this.db.columns(query, {
      numbers: numericNames,
      texts: ['customer_id'],
    });
    const rows = read.rows;
    const customerId = read.texts.customer_id ?? [];
    // Shared memory: the worker thread reads these columns without copying them.
    const column = (name: string) => shared(read.numbers[name] ?? new Float64Array(0), Float64Array);
    const codes = (name: string) => shared(column(name), Uint16Array);
    const raw = emptyRawColumns(0);
    for (const c of RAW_COLUMNS) raw[c] = column(c);
    const future = options.labels ? column('future_orders') : null;
    return {
      rows,
      customerId,
      snapshot: shared(column('snap'), Int32Array),
      customer: shared(column('cust'), Int32Array),
      holdout: shared(column('holdout'), Uint8Array),
      fold: shared(column('fold'), Uint8Array),
      sampleU: column('sample_u'),
      label: future ? Uint8Array.from(future, (orders) => (orders === 0 ? 1 : 0)) : null,
      raw,
      channel: { codes: codes('channel_code'), levels: levels.channel },
      region: { codes: codes('region_code'), levels: levels.region },
    };
  }

  /** Channel and region names by code (a handful of strings, shared by every row). */
  private async levels(): Promise<{ channel: string[]; region: string[] }> {
    const out = { channel: [] as string[], region: [] as string[] };
    const rows = await this.db.query(
      sql.raw(levelsSql),
      z.object({ kind: z.string(), code: dbNumber, level: z.string() }),
    );
    for (const { kind, code, level } of rows) {
      if (kind === 'channel' || kind === 'region') out[kind][code] = level;
    }
    return out;
  }

  private async setSnapshots(snapshots: readonly SnapshotRequest[]): Promise<void> {
    const name = this.tables.snapshots;
    if (!this.tables.temporary) {
      // An engine that deletes no rows of an ordinary table: the table is made again with its rows.
      await this.db.run(sql`DROP TABLE IF EXISTS ${sql.ident(name)}`);
      const rows = snapshots.map((s, snap) => ({ snap, sDay: s.day + 1, rate: s.rate }));
      await this.db.run(snapshotTableSql(this.db.dialect, name, rows));
      return;
    }
    await this.db.run(sql`DELETE FROM ${sql.raw(name)}`);
    for (const [snap, s] of snapshots.entries()) {
      await this.db.run(sql`INSERT INTO ${sql.raw(name)} VALUES (${snap}, ${s.day + 1}, ${s.rate})`);
    }
  }
}

const CACHE_KEY = 'churn_order_cache';

/**
 * Builds the order cache (featureSql.ts) unless it already reflects this data version: once per ingest,
 * on the writer, in one transaction, so later trainings and scorings start from it.
 */
export async function ensureOrderCache(
  warehouse: Warehouse,
  options: { rebuild?: boolean } = {},
): Promise<void> {
  await warehouse.write(async (db) => {
    const version = await readMeta(db, 'data_version');
    const wanted = `${ORDER_CACHE_FORMAT}:${version ?? 0}`;
    if ((await readMeta(db, CACHE_KEY)) === wanted && !options.rebuild) return;
    await db.transaction(async (tx) => {
      for (const statement of orderCacheStatements(tx.dialect)) await tx.run(statement);
      await writeMeta(tx, CACHE_KEY, wanted);
    });
  });
}

/** First and last order in the warehouse (or on the engine), or null when it holds no purchases. */
export async function orderRange(source: FeatureSource): Promise<OrderRange | null> {
  const read = (db: Db) =>
    db.first(
      orderRangeSql(db.dialect),
      z.object({ first_day: dbNumber.nullable(), last_day: dbNumber.nullable(), customers: dbNumber }),
    );
  const row = source instanceof Warehouse ? await source.read(read) : await read(source);
  if (!row || row.first_day === null || row.last_day === null) return null;
  return { firstDay: row.first_day, lastDay: row.last_day, customers: row.customers };
}

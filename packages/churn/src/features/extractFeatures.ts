import type { DuckDBConnection, Warehouse } from '@retain/warehouse';
import { isoDate } from '../dates.ts';
import { RAW_COLUMNS } from './featureSpec.ts';
import {
  featureSql,
  levelsSql,
  NUMERIC_OUTPUTS,
  ORDER_CACHE_FORMAT,
  orderCacheStatements,
  orderRangeSql,
  populationCountSql,
  prepareStatements,
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
 * Feature extraction on a connection of its own: `open` reduces the warehouse to what is visible at
 * the as-of date once, then any number of snapshots are read from that reduction.
 */
export class FeatureExtractor {
  private constructor(
    private readonly warehouse: Warehouse,
    private readonly conn: DuckDBConnection,
    /** Day number of the as-of date; nothing after it is read. */
    readonly asOfDay: number,
  ) {}

  static async open(warehouse: Warehouse, asOfDay: number): Promise<FeatureExtractor> {
    await ensureOrderCache(warehouse);
    const conn = await warehouse.connect();
    try {
      const cutoff = `${isoDate(asOfDay + 1)} 00:00:00`;
      for (const statement of prepareStatements) {
        await conn.run(statement, statement.includes('$cutoff') ? { cutoff } : undefined);
      }
      return new FeatureExtractor(warehouse, conn, asOfDay);
    } catch (error) {
      warehouse.disconnect(conn);
      throw error;
    }
  }

  close(): void {
    this.warehouse.disconnect(this.conn);
  }

  /** Customers whose first order is on or before each snapshot date. */
  async population(days: readonly number[]): Promise<number[]> {
    await this.setSnapshots(days.map((day) => ({ day, rate: 1 })));
    const rows = (await this.conn.runAndReadAll(populationCountSql)).getRows();
    return rows.map((row) => Number(row[1] ?? 0));
  }

  async extract(snapshots: readonly SnapshotRequest[], options: ExtractOptions): Promise<FeatureTable> {
    for (const s of snapshots) {
      if (s.day > this.asOfDay) throw new Error(`snapshot ${isoDate(s.day)} lies after the as-of date`);
      if (options.labels && s.day + options.horizonDays > this.asOfDay) {
        throw new Error(`the label window of snapshot ${isoDate(s.day)} is not observed by the as-of date`);
      }
    }
    await this.setSnapshots(snapshots);
    const params: Record<string, number> = {
      seed: options.seed,
      holdoutPermille: Math.round((options.holdoutShare ?? 0.15) * 1000),
    };
    if (options.labels) params.horizon = options.horizonDays;
    const levels = await this.levels();
    // Materialised, not streamed: DuckDB then runs the whole query on all its threads.
    const result = await this.conn.run(featureSql(options.labels), params);
    const names = result.columnNames();
    const at = (name: string) => {
      const index = names.indexOf(name);
      if (index < 0) throw new Error(`feature query lacks column ${name}`);
      return index;
    };
    const numericNames = [...NUMERIC_OUTPUTS, ...(options.labels ? ['future_orders'] : [])];
    const numericIndex = numericNames.map(at);
    const idIndex = at('customer_id');

    let capacity = 4096;
    let rows = 0;
    let columns = numericNames.map(() => new Float64Array(capacity));
    const customerId: string[] = [];
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const count = chunk.rowCount;
      if (rows + count > capacity) {
        while (rows + count > capacity) capacity *= 2;
        columns = columns.map((column) => {
          const grown = new Float64Array(capacity);
          grown.set(column.subarray(0, rows));
          return grown;
        });
      }
      numericIndex.forEach((index, k) => {
        const target = columns[k];
        if (target) readDoubles(chunk.getColumnVector(index), count, target, rows);
      });
      const ids = chunk.getColumnVector(idIndex);
      for (let j = 0; j < count; j++) {
        customerId.push(String(ids.getItem(j)));
      }
      rows += count;
    }
    // Shared memory: the worker thread reads these columns without copying them.
    const column = (name: string) => {
      const source = columns[numericNames.indexOf(name)] ?? new Float64Array(0);
      return shared(source.subarray(0, rows), Float64Array);
    };
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
    for (const [kind, code, level] of (await this.conn.runAndReadAll(levelsSql)).getRows()) {
      if (kind === 'channel' || kind === 'region') out[kind][Number(code)] = String(level);
    }
    return out;
  }

  private async setSnapshots(snapshots: readonly SnapshotRequest[]): Promise<void> {
    await this.conn.run('DELETE FROM churn_snapshots');
    for (const [snap, s] of snapshots.entries()) {
      await this.conn.run('INSERT INTO churn_snapshots VALUES ($snap, $sDay, $rate)', {
        snap,
        sDay: s.day + 1,
        rate: s.rate,
      });
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
  await warehouse.write(async (conn) => {
    const version = (
      await conn.runAndReadAll("SELECT value FROM meta WHERE key = 'data_version'")
    ).getRows()[0]?.[0];
    const wanted = `${ORDER_CACHE_FORMAT}:${String(version ?? 0)}`;
    const built = (
      await conn.runAndReadAll('SELECT value FROM meta WHERE key = $key', { key: CACHE_KEY })
    ).getRows()[0]?.[0];
    if (built === wanted && !options.rebuild) return;
    await conn.run('BEGIN TRANSACTION');
    try {
      for (const statement of orderCacheStatements) await conn.run(statement);
      await conn.run('INSERT OR REPLACE INTO meta (key, value) VALUES ($key, $value)', {
        key: CACHE_KEY,
        value: wanted,
      });
      await conn.run('COMMIT');
    } catch (error) {
      await conn.run('ROLLBACK');
      throw error;
    }
  });
}

/** First and last order in the warehouse, or null when it holds no purchases. */
export async function orderRange(warehouse: Warehouse): Promise<OrderRange | null> {
  return warehouse.read(async (conn) => {
    const row = (await conn.runAndReadAll(orderRangeSql)).getRows()[0];
    if (!row || row[0] === null || row[0] === undefined) return null;
    return { firstDay: Number(row[0]), lastDay: Number(row[1]), customers: Number(row[2]) };
  });
}

/**
 * Copies a DOUBLE vector without NULLs into `target` at `offset`. Reading the vector's own typed array
 * is some 20 times faster than getItem per value (which tests a BigInt validity mask each time); the
 * query guarantees no NULLs, and getItem remains the fallback should the vector's layout change.
 */
function readDoubles(
  vector: { getItem(index: number): unknown },
  count: number,
  target: Float64Array,
  offset: number,
): void {
  const items = (vector as unknown as { items?: unknown }).items;
  if (items instanceof Float64Array && items.length >= count) {
    target.set(items.subarray(0, count), offset);
    return;
  }
  for (let j = 0; j < count; j++) {
    const value = vector.getItem(j);
    target[offset + j] = value === null ? Number.NaN : Number(value);
  }
}

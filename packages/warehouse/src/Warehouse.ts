import fs from 'node:fs';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { WarehouseLockedError } from './errors.ts';
import { migrate, readMeta } from './schema.ts';

export interface WarehouseOptions {
  /** Open without the write lock: other processes may read too, nothing can be written. */
  readOnly?: boolean;
  /** DuckDB worker threads; DuckDB's default is the number of cores. */
  threads?: number;
  /** e.g. "4GB"; DuckDB's default is 80 % of RAM. */
  memoryLimit?: string;
  /** Read connections kept open for concurrent queries. */
  readers?: number;
}

/**
 * The embedded DuckDB warehouse. One writer connection per process, used strictly one task at a
 * time; reads run on their own pooled connections so they never queue behind an ingest or a
 * training job (DuckDB's MVCC gives them a consistent snapshot).
 */
export class Warehouse {
  private writeQueue: Promise<unknown> = Promise.resolve();
  private readonly idleReaders: DuckDBConnection[] = [];
  private readonly waiting: Array<(conn: DuckDBConnection) => void> = [];
  private openReaders = 0;
  /** Every connection this warehouse handed out, so that shutdown can interrupt running work. */
  private readonly live = new Set<DuckDBConnection>();
  private closed = false;
  private knownDataVersion: number | null = null;

  private constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection | null,
    private readonly maxReaders: number,
  ) {}

  static async open(file: string, options: WarehouseOptions = {}): Promise<Warehouse> {
    const inMemory = file === ':memory:';
    const resolved = inMemory ? file : path.resolve(file);
    if (!inMemory) {
      if (options.readOnly && !fs.existsSync(resolved)) {
        throw new Error(`No database at ${resolved}. Load data first: retain ingest … or retain demo.`);
      }
      fs.mkdirSync(path.dirname(resolved), { recursive: true });
    }
    const config: Record<string, string> = {};
    if (options.readOnly) config.access_mode = 'READ_ONLY';
    if (options.threads) config.threads = String(options.threads);
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(resolved, config);
    } catch (error) {
      throw translateOpenError(error, resolved);
    }
    const first = await instance.connect();
    // Every timestamp in the warehouse is UTC, and naive input is read as UTC. Set once for the
    // whole instance, before anything may lock the configuration.
    await first.run("SET GLOBAL TimeZone = 'UTC'");
    let writer: DuckDBConnection | null = null;
    if (options.readOnly) {
      first.closeSync();
    } else {
      writer = first;
      await migrate(writer);
    }
    return new Warehouse(resolved, options.readOnly ?? false, instance, writer, options.readers ?? 4);
  }

  /** Runs `task` on the writer connection once every earlier write task has finished. */
  write<T>(task: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const writer = this.writer;
    if (!writer) return Promise.reject(new Error('This warehouse was opened read-only.'));
    const run = this.writeQueue.then(
      () => task(writer),
      () => task(writer),
    );
    this.writeQueue = run.catch(() => undefined);
    return run;
  }

  /** Runs `task` on a read connection of its own. */
  async read<T>(task: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = await this.acquireReader();
    try {
      return await task(conn);
    } finally {
      this.releaseReader(conn);
    }
  }

  /**
   * Bumped by every ingest; caches key on it. This process is the database's only writer, so once
   * read the number is kept in memory and moved on by `noteDataVersion`: the hot path of every
   * cached API read costs no query. (A read-only open asks DuckDB each time: another process writes.)
   */
  async dataVersion(): Promise<number> {
    if (this.knownDataVersion !== null) return this.knownDataVersion;
    const version = await this.read(async (conn) => Number((await readMeta(conn, 'data_version')) ?? 0));
    if (!this.readOnly) this.knownDataVersion = version;
    return version;
  }

  /** Called by ingest after its commit. */
  noteDataVersion(version: number): void {
    if (!this.readOnly) this.knownDataVersion = version;
  }

  /** A connection the caller owns and must give back with `disconnect` (e.g. for a sandboxed query). */
  async connect(): Promise<DuckDBConnection> {
    const conn = await this.instance.connect();
    this.live.add(conn);
    return conn;
  }

  disconnect(conn: DuckDBConnection): void {
    this.live.delete(conn);
    conn.closeSync();
  }

  /**
   * Stops whatever DuckDB is running (a rollup build, a training query, a console query), waits
   * briefly for the writer to settle, then closes. A query still running when the process exits
   * would otherwise keep DuckDB's threads, and so the process, alive.
   */
  async shutdown(graceMs = 5_000): Promise<void> {
    if (this.closed) return;
    this.writer?.interrupt();
    for (const conn of this.live) conn.interrupt();
    await Promise.race([this.writeQueue, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const conn of this.idleReaders) conn.closeSync();
    this.idleReaders.length = 0;
    this.writer?.closeSync();
    this.instance.closeSync();
  }

  private async acquireReader(): Promise<DuckDBConnection> {
    if (this.closed) throw new Error('The warehouse is closed.');
    const idle = this.idleReaders.pop();
    if (idle) return idle;
    if (this.openReaders < this.maxReaders) {
      this.openReaders += 1;
      try {
        return await this.connect();
      } catch (error) {
        this.openReaders -= 1;
        throw error;
      }
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private releaseReader(conn: DuckDBConnection): void {
    const next = this.waiting.shift();
    if (next) next(conn);
    else if (this.closed) conn.closeSync();
    else this.idleReaders.push(conn);
  }
}

function translateOpenError(error: unknown, file: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/Could not set lock|Conflicting lock/i.test(message)) {
    const pid = /PID (\d+)/.exec(message)?.[1];
    return new WarehouseLockedError(
      `The database ${file} is in use by another Retain process${pid ? ` (pid ${pid})` : ''}, ` +
        'probably `retain serve` or `npm start`. Stop it, or use the dashboard’s Data page, or pass --db for another file.',
    );
  }
  return error instanceof Error ? error : new Error(message);
}

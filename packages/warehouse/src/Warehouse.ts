import fs from 'node:fs';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { z } from 'zod';
import { DuckDbSession } from './dialect/duckdb/DuckDbSession.ts';
import { WarehouseLockedError } from './errors.ts';
import type { Db, DbSession } from './query/Db.ts';
import type { Sql } from './query/sql.ts';
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
 * training job (DuckDB's MVCC gives them a consistent snapshot). Callers get a `Db` handle
 * (typed rows, bound values, transactions), never the engine's connection.
 */
export class Warehouse {
  private writeQueue: Promise<unknown> = Promise.resolve();
  private readonly idleReaders: DuckDbSession[] = [];
  private readonly waiting: Array<(session: DuckDbSession) => void> = [];
  private openReaders = 0;
  /** Every connection this warehouse handed out, so that shutdown can interrupt running work. */
  private readonly live = new Set<DuckDBConnection>();
  private readonly writer: DuckDbSession | null;
  private closed = false;
  private knownDataVersion: number | null = null;

  private constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private readonly instance: DuckDBInstance,
    writer: DuckDBConnection | null,
    private readonly maxReaders: number,
  ) {
    this.writer = writer ? new DuckDbSession(writer) : null;
    engineSessions.set(this, (own) => this.openSession(own));
  }

  static async open(file: string, options: WarehouseOptions = {}): Promise<Warehouse> {
    const inMemory = file === ':memory:';
    const resolved = inMemory ? file : path.resolve(file);
    if (!inMemory) {
      if (options.readOnly && !fs.existsSync(resolved)) {
        throw new Error(`No database at ${resolved}: load data into it first.`);
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
      await migrate(new DuckDbSession(first));
    }
    return new Warehouse(resolved, options.readOnly ?? false, instance, writer, options.readers ?? 4);
  }

  /** Runs `task` on the writer once every earlier write task has finished. */
  write<T>(task: (db: Db) => Promise<T>): Promise<T> {
    return this.writeEngine(task);
  }

  /** @internal The same, for the warehouse's own DuckDB-only modules (file loading). */
  writeEngine<T>(task: (session: DuckDbSession) => Promise<T>): Promise<T> {
    const writer = this.writer;
    if (!writer) return Promise.reject(new Error('This warehouse was opened read-only.'));
    const run = this.writeQueue.then(
      () => task(writer),
      () => task(writer),
    );
    this.writeQueue = run.catch(() => undefined);
    return run;
  }

  /** Runs `task` on a pooled read handle of its own. */
  async read<T>(task: (db: Db) => Promise<T>): Promise<T> {
    return this.readEngine(task);
  }

  /** @internal The same, for the warehouse's own DuckDB-only modules (file inspection). */
  async readEngine<T>(task: (session: DuckDbSession) => Promise<T>): Promise<T> {
    const session = await this.acquireReader();
    try {
      return await task(session);
    } finally {
      this.releaseReader(session);
    }
  }

  /** One transaction on the writer: all of `task`'s writes or none. */
  transaction<T>(task: (db: Db) => Promise<T>): Promise<T> {
    return this.write((db) => db.transaction(task));
  }

  /** A consistent read: every statement of `task` sees the data as it was when it began. */
  snapshot<T>(task: (db: Db) => Promise<T>): Promise<T> {
    return this.read((db) => db.snapshot(task));
  }

  /** Rows of one read statement, validated by `rowSchema`. */
  query<S extends z.ZodType>(statement: Sql, rowSchema: S): Promise<Array<z.output<S>>> {
    return this.read((db) => db.query(statement, rowSchema));
  }

  /** The first column of the first row of one read statement (null without rows), validated. */
  scalar<S extends z.ZodType>(statement: Sql, schema: S): Promise<z.output<S>> {
    return this.read((db) => db.scalar(statement, schema));
  }

  /**
   * A handle the caller owns and gives back with `close` (a long export, a feature extraction):
   * it holds none of the pooled readers, and shutdown interrupts it like the others.
   */
  session(): Promise<DbSession> {
    return this.openSession(true);
  }

  /**
   * Bumped by every ingest; caches key on it. This process is the database's only writer, so once
   * read the number is kept in memory and moved on by `noteDataVersion`: the hot path of every
   * cached API read costs no query. (A read-only open asks DuckDB each time: another process writes.)
   */
  async dataVersion(): Promise<number> {
    if (this.knownDataVersion !== null) return this.knownDataVersion;
    const version = await this.read(async (db) => Number((await readMeta(db, 'data_version')) ?? 0));
    if (!this.readOnly) this.knownDataVersion = version;
    return version;
  }

  /** Called by ingest after its commit. */
  noteDataVersion(version: number): void {
    if (!this.readOnly) this.knownDataVersion = version;
  }

  /** A new connection, tracked for shutdown; `own`: closed by the caller, else kept by the pool. */
  private async openSession(own: boolean): Promise<DuckDbSession> {
    if (this.closed) throw new Error('The warehouse is closed.');
    const conn = await this.instance.connect();
    this.live.add(conn);
    return new DuckDbSession(conn, () => {
      this.live.delete(conn);
      if (own) conn.closeSync();
    });
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
    for (const session of this.idleReaders) session.connection.closeSync();
    this.idleReaders.length = 0;
    this.writer?.connection.closeSync();
    this.instance.closeSync();
  }

  private async acquireReader(): Promise<DuckDbSession> {
    if (this.closed) throw new Error('The warehouse is closed.');
    const idle = this.idleReaders.pop();
    if (idle) return idle;
    if (this.openReaders < this.maxReaders) {
      this.openReaders += 1;
      try {
        return await this.openSession(false);
      } catch (error) {
        this.openReaders -= 1;
        throw error;
      }
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private releaseReader(session: DuckDbSession): void {
    const next = this.waiting.shift();
    if (next) next(session);
    else if (this.closed) session.connection.closeSync();
    else this.idleReaders.push(session);
  }
}

/** Opens DuckDB sessions of a warehouse for its own sandbox: not part of the package's exports. */
const engineSessions = new WeakMap<Warehouse, (own: boolean) => Promise<DuckDbSession>>();

/** @internal A DuckDB session of the caller's own, for the SQL console's sandbox. */
export function engineSession(warehouse: Warehouse): Promise<DuckDbSession> {
  const open = engineSessions.get(warehouse);
  if (!open) throw new Error('not a DuckDB warehouse');
  return open(true);
}

function translateOpenError(error: unknown, file: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/Could not set lock|Conflicting lock/i.test(message)) {
    const pid = /PID (\d+)/.exec(message)?.[1];
    return new WarehouseLockedError(file, pid ?? null);
  }
  return error instanceof Error ? error : new Error(message);
}

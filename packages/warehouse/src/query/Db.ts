import type { z } from 'zod';
import type { Dialect } from '../dialect/Dialect.ts';
import type { Sql } from './sql.ts';

/** Numeric and text columns read whole, for the bulk reads of the churn model (a million rows). */
export interface ColumnRequest {
  numbers: readonly string[];
  texts: readonly string[];
}

export interface Columns {
  rows: number;
  numbers: Record<string, Float64Array>;
  texts: Record<string, string[]>;
}

/** Rows appended in bulk to a table, one value per column in order, `endRow` after each row. */
export interface Appender {
  text(value: string): void;
  double(value: number): void;
  endRow(): void;
  close(): void;
}

/**
 * A handle on the warehouse: typed rows out, bound values in. Packages ask it for rows and never
 * see the engine's connection, so the engine can change under them.
 */
export interface Db {
  readonly dialect: Dialect;
  /** Every row, each validated by `rowSchema` (an error names the row and the column). */
  query<S extends z.ZodType>(statement: Sql, rowSchema: S): Promise<Array<z.output<S>>>;
  /** The first row, or null when there is none. */
  first<S extends z.ZodType>(statement: Sql, rowSchema: S): Promise<z.output<S> | null>;
  /** The first column of the first row (null when there is no row), validated by `schema`. */
  scalar<S extends z.ZodType>(statement: Sql, schema: S): Promise<z.output<S>>;
  /** A statement without a result. */
  run(statement: Sql): Promise<void>;
  /** Statements whose rows the caller counts: the number of rows changed (or written by a copy). */
  count(statement: Sql): Promise<number>;
  /** Whole columns of a large result, numbers as doubles (no NULLs expected) and texts as strings. */
  columns(statement: Sql, request: ColumnRequest): Promise<Columns>;
  /** The first column of a large result as text, a chunk of values at a time. */
  streamText(statement: Sql): AsyncIterable<readonly string[]>;
  /** Appends rows to a table (a temporary one with `temporary`). */
  appender(table: string, options?: { temporary?: boolean }): Promise<Appender>;
  /** Runs `task` in one transaction: all of its writes or none. Nested calls join the outer one. */
  transaction<T>(task: (db: Db) => Promise<T>): Promise<T>;
  /** Runs `task` on one consistent view of the data: a write committed meanwhile is not seen. */
  snapshot<T>(task: (db: Db) => Promise<T>): Promise<T>;
  /** Stops the statement running on this handle, if any (it fails with an interruption error). */
  interrupt(): void;
}

/** A handle of its own, given back with `close` (a long export, a feature extraction). */
export interface DbSession extends Db {
  close(): void;
}

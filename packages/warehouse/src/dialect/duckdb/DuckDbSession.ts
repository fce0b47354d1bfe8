import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { z } from 'zod';
import type { Appender, ColumnRequest, Columns, Db, DbSession } from '../../query/Db.ts';
import type { Sql } from '../../query/sql.ts';
import { validateRow } from '../../query/validateRow.ts';
import { duckdbDialect } from './duckdbDialect.ts';

/** The DuckDB implementation of a warehouse handle, over one connection. */
export class DuckDbSession implements DbSession {
  readonly dialect = duckdbDialect;
  private transactionDepth = 0;

  constructor(
    /** The engine's connection: used by this class and the warehouse's own sandbox, nowhere else. */
    readonly connection: DuckDBConnection,
    private readonly onClose: (session: DuckDbSession) => void = () => connection.closeSync(),
  ) {}

  private bind(statement: Sql): [string, DuckDBValue[] | undefined] {
    const { text, values } = statement.render(duckdbDialect.placeholder);
    return [text, values.length > 0 ? values : undefined];
  }

  async query<S extends z.ZodType>(statement: Sql, rowSchema: S): Promise<Array<z.output<S>>> {
    const reader = await this.connection.runAndReadAll(...this.bind(statement));
    return reader.getRowObjectsJS().map((row, index) => validateRow(rowSchema, row, index));
  }

  async first<S extends z.ZodType>(statement: Sql, rowSchema: S): Promise<z.output<S> | null> {
    const reader = await this.connection.runAndReadAll(...this.bind(statement));
    const row = reader.getRowObjectsJS()[0];
    return row === undefined ? null : validateRow(rowSchema, row, 0);
  }

  async scalar<S extends z.ZodType>(statement: Sql, schema: S): Promise<z.output<S>> {
    const reader = await this.connection.runAndReadAll(...this.bind(statement));
    const value = reader.getRowsJS()[0]?.[0] ?? null;
    return validateRow(schema, value, 0);
  }

  async run(statement: Sql): Promise<void> {
    await this.connection.run(...this.bind(statement));
  }

  async count(statement: Sql): Promise<number> {
    const reader = await this.connection.runAndReadAll(...this.bind(statement));
    return Number(reader.getRows()[0]?.[0] ?? 0);
  }

  async columns(statement: Sql, request: ColumnRequest): Promise<Columns> {
    // Materialised, not streamed: DuckDB then runs the whole query on all its threads.
    const result = await this.connection.run(...this.bind(statement));
    const names = result.columnNames();
    const at = (name: string) => {
      const index = names.indexOf(name);
      if (index < 0) throw new Error(`the query has no column ${name}`);
      return index;
    };
    const numberIndex = request.numbers.map(at);
    const textIndex = request.texts.map(at);
    let capacity = 4096;
    let rows = 0;
    let numbers = request.numbers.map(() => new Float64Array(capacity));
    const texts = request.texts.map((): string[] => []);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const count = chunk.rowCount;
      if (rows + count > capacity) {
        while (rows + count > capacity) capacity *= 2;
        numbers = numbers.map((column) => {
          const grown = new Float64Array(capacity);
          grown.set(column.subarray(0, rows));
          return grown;
        });
      }
      numberIndex.forEach((index, k) => {
        const target = numbers[k];
        if (target) readDoubles(chunk.getColumnVector(index), count, target, rows);
      });
      textIndex.forEach((index, k) => {
        const vector = chunk.getColumnVector(index);
        const target = texts[k] ?? [];
        for (let j = 0; j < count; j++) target.push(String(vector.getItem(j)));
      });
      rows += count;
    }
    return {
      rows,
      numbers: Object.fromEntries(
        request.numbers.map((name, k) => [name, (numbers[k] ?? new Float64Array(0)).subarray(0, rows)]),
      ),
      texts: Object.fromEntries(request.texts.map((name, k) => [name, texts[k] ?? []])),
    };
  }

  async *streamText(statement: Sql): AsyncIterable<readonly string[]> {
    const result = await this.connection.stream(...this.bind(statement));
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) return;
      const values = chunk.getColumnValues(0);
      // The chunk's native memory is released at once rather than whenever V8 collects it.
      chunk.reset();
      yield values.map((value) => (typeof value === 'string' ? value : String(value)));
    }
  }

  async appender(table: string, options: { temporary?: boolean } = {}): Promise<Appender> {
    const appender = options.temporary
      ? await this.connection.createAppender(table, 'main', 'temp')
      : await this.connection.createAppender(table);
    return {
      text: (value) => appender.appendVarchar(value),
      double: (value) => appender.appendDouble(value),
      endRow: () => appender.endRow(),
      close: () => appender.closeSync(),
    };
  }

  async transaction<T>(task: (db: Db) => Promise<T>): Promise<T> {
    if (this.transactionDepth > 0) return task(this);
    await this.connection.run(duckdbDialect.begin);
    this.transactionDepth += 1;
    try {
      const result = await task(this);
      this.transactionDepth -= 1;
      await this.connection.run(duckdbDialect.commit);
      return result;
    } catch (error) {
      if (this.transactionDepth > 0) {
        this.transactionDepth -= 1;
        await this.connection.run(duckdbDialect.rollback);
      }
      throw error;
    }
  }

  /**
   * A read-only transaction: DuckDB's transactions are snapshots (MVCC), so every read inside one
   * sees the data as at its start, and nothing inside it can write.
   */
  async snapshot<T>(task: (db: Db) => Promise<T>): Promise<T> {
    if (this.transactionDepth > 0) return task(this);
    await this.connection.run(duckdbDialect.beginReadOnly);
    this.transactionDepth += 1;
    let result: T;
    try {
      result = await task(this);
    } catch (error) {
      this.transactionDepth -= 1;
      // An interrupted statement may have ended the transaction already.
      await this.connection.run(duckdbDialect.rollback).catch(() => undefined);
      throw error;
    }
    this.transactionDepth -= 1;
    await this.connection.run(duckdbDialect.rollback);
    return result;
  }

  interrupt(): void {
    this.connection.interrupt();
  }

  close(): void {
    this.onClose(this);
  }
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

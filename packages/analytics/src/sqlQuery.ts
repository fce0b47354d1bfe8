import type { DuckDBConnection } from '@retain/warehouse';

export type SqlParam = string | number | boolean | null;

/** A statement and its bound values; values never go into the SQL text. */
export interface SqlQuery {
  sql: string;
  params: Record<string, SqlParam>;
}

type JsValue = ReturnType<
  Awaited<ReturnType<DuckDBConnection['runAndReadAll']>>['getRowsJS']
>[number][number];

/**
 * Binds the parameters a statement names. SQL is assembled from fixed fragments depending on the
 * filters given, and DuckDB rejects values for placeholders a statement does not have, so unused
 * ones are dropped here rather than tracked by every builder.
 */
export function sqlQuery(sql: string, params: Record<string, SqlParam>): SqlQuery {
  const used = new Set(Array.from(sql.matchAll(/\$([A-Za-z_]\w*)/g), (m) => m[1]));
  const bound: Record<string, SqlParam> = {};
  for (const name of used) {
    if (name === undefined) continue;
    if (!(name in params)) throw new Error(`SQL names $${name} but no value was given for it`);
    bound[name] = params[name] ?? null;
  }
  return { sql, params: bound };
}

/** One result row with typed getters: every column read is checked, none is cast blindly. */
export class ResultRow {
  constructor(
    private readonly columns: Map<string, number>,
    private readonly values: JsValue[],
  ) {}

  number(name: string): number {
    const value = this.nullableNumber(name);
    if (value === null) throw new Error(`column ${name} is NULL`);
    return value;
  }

  nullableNumber(name: string): number | null {
    const value = this.get(name);
    if (value === null) return null;
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint') return Number(value);
    throw new Error(`column ${name} is not a number: ${typeof value}`);
  }

  string(name: string): string {
    const value = this.nullableString(name);
    if (value === null) throw new Error(`column ${name} is NULL`);
    return value;
  }

  nullableString(name: string): string | null {
    const value = this.get(name);
    if (value === null || typeof value === 'string') return value;
    throw new Error(`column ${name} is not text: ${typeof value}`);
  }

  boolean(name: string): boolean {
    const value = this.get(name);
    if (typeof value === 'boolean') return value;
    throw new Error(`column ${name} is not a boolean: ${typeof value}`);
  }

  private get(name: string): JsValue {
    const index = this.columns.get(name);
    if (index === undefined) throw new Error(`no column ${name} in the result`);
    return this.values[index] ?? null;
  }
}

export async function readRows(conn: DuckDBConnection, query: SqlQuery): Promise<ResultRow[]> {
  const reader = await conn.runAndReadAll(query.sql, query.params);
  const columns = new Map(reader.columnNames().map((name, index) => [name, index]));
  return reader.getRowsJS().map((values) => new ResultRow(columns, values));
}

/**
 * Runs `task` in one transaction, so that its statements read one snapshot even if the rollup is
 * rebuilt meanwhile.
 */
export async function inSnapshot<T>(conn: DuckDBConnection, task: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const result = await task();
    await conn.run('COMMIT');
    return result;
  } catch (error) {
    await conn.run('ROLLBACK');
    throw error;
  }
}

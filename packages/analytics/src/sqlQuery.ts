import { type Db, dbRecord, type Sql, type SqlParam, sql } from '@retain/warehouse';

/**
 * An analytics statement written with named placeholders (`$end`, `$from`): the builders assemble
 * SQL from fixed fragments depending on the filters given and share one set of values, so unused
 * names are ignored and a used name without a value is an error (see `sql.named`).
 */
export function sqlQuery(text: string, params: Readonly<Record<string, SqlParam>>): Sql {
  return sql.named(text, params);
}

/**
 * A dialect's fragment over columns (it binds no values) as text, to be spliced into a builder's
 * statement: `spelled(d.dateDiff('day', sql.raw('o.first_day'), sql.raw('o.day')))`.
 */
export function spelled(fragment: Sql): string {
  if (fragment.values.length > 0) throw new Error('a spelled fragment binds no values');
  return fragment.parts.join('');
}

/** One result row with typed getters: every column read is checked, none is cast blindly. */
export class ResultRow {
  constructor(private readonly values: Readonly<Record<string, unknown>>) {}

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

  private get(name: string): unknown {
    if (!(name in this.values)) throw new Error(`no column ${name} in the result`);
    return this.values[name] ?? null;
  }
}

/** Rows as records; each column is checked by the getter that reads it. */
export async function readRows(db: Db, query: Sql): Promise<ResultRow[]> {
  return (await db.query(query, dbRecord)).map((values) => new ResultRow(values));
}

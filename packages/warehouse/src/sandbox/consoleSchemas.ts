import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdent } from '../sql.ts';

/**
 * The SQL console never sees the warehouse's own tables. It queries views in a schema of its own:
 * `console_full` for people who may see personal data, `console_masked` where name, email and phone
 * read '***' (NULL stays NULL, so "has an email" is still answerable). Internal tables (users,
 * sessions, meta, …) have no view at all.
 */
export type ConsoleAccess = 'full' | 'masked';

export const CONSOLE_SCHEMA: Record<ConsoleAccess, string> = {
  full: 'console_full',
  masked: 'console_masked',
};

/** Tables the console may read, with the columns that identify a person. */
const EXPOSED: Record<string, readonly string[]> = {
  customers: ['name', 'email', 'phone'],
  purchases: [],
  complaints: [],
  returns: [],
  scores: [],
  latest_scores: [],
  models: [],
  contact_outcomes: [],
};

/** Columns that are plumbing, not data. */
const HIDDEN = new Set(['line_key', 'batch_id', 'row_hash', 'password_hash']);

/** (Re)creates the console's views over whatever exposed tables exist; cheap, run at start-up. */
export async function prepareConsoleSchemas(conn: DuckDBConnection): Promise<void> {
  const rows = (
    await conn.runAndReadAll(`SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`)
  ).getRows();
  const columns = new Map<string, string[]>();
  for (const [table, column] of rows) {
    const list = columns.get(String(table)) ?? [];
    list.push(String(column));
    columns.set(String(table), list);
  }
  for (const access of ['full', 'masked'] as const) {
    const schema = sqlIdent(CONSOLE_SCHEMA[access]);
    await conn.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    for (const [table, personal] of Object.entries(EXPOSED)) {
      const cols = columns.get(table);
      if (!cols) continue;
      const select = cols
        .filter((c) => !HIDDEN.has(c))
        .map((c) => {
          const ident = sqlIdent(c);
          return access === 'masked' && personal.includes(c)
            ? `CASE WHEN ${ident} IS NULL THEN NULL ELSE '***' END AS ${ident}`
            : ident;
        })
        .join(', ');
      await conn.run(
        `CREATE OR REPLACE VIEW ${schema}.${sqlIdent(table)} AS SELECT ${select} FROM main.${sqlIdent(table)}`,
      );
    }
  }
}

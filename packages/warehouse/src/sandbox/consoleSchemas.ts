import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdent } from '../sql.ts';
import type { Warehouse } from '../Warehouse.ts';

/**
 * The SQL console never sees the warehouse's own tables. It queries views in a schema of its own:
 * `console_full` for people who may see personal data, `console_masked` whose views do not have the
 * personal columns at all (name, email, phone, and free-text call notes), so no expression, error
 * message or plan can reach their values. Internal tables (users, sessions, the audit log, meta, …)
 * have no view. What the views read is also what a console query may read (see planReads.ts).
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
  // A note says what the customer said on the phone: personal.
  contact_outcomes: ['note'],
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
        .filter((c) => !HIDDEN.has(c) && !(access === 'masked' && personal.includes(c)))
        .map(sqlIdent)
        .join(', ');
      await conn.run(
        `CREATE OR REPLACE VIEW ${schema}.${sqlIdent(table)} AS SELECT ${select} FROM main.${sqlIdent(table)}`,
      );
    }
  }
}

export interface ConsoleTable {
  name: string;
  columns: { name: string; type: string }[];
}

/** The tables a console of this access level can query, with their columns (the schema browser). */
export async function consoleTables(warehouse: Warehouse, access: ConsoleAccess): Promise<ConsoleTable[]> {
  return warehouse.readEngine(async ({ connection: conn }) => {
    const rows = (
      await conn.runAndReadAll(
        `SELECT table_name, column_name, data_type FROM information_schema.columns
         WHERE table_schema = $schema ORDER BY table_name, ordinal_position`,
        { schema: CONSOLE_SCHEMA[access] },
      )
    ).getRows();
    const tables = new Map<string, ConsoleTable>();
    for (const [table, column, type] of rows) {
      const name = String(table);
      const entry = tables.get(name) ?? { name, columns: [] };
      entry.columns.push({ name: String(column), type: String(type) });
      tables.set(name, entry);
    }
    return [...tables.values()];
  });
}

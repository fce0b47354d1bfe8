import type { DuckDBConnection } from '@duckdb/node-api';
import { QueryError } from '../errors.ts';

/**
 * Checks the relations and functions a SELECT uses, from DuckDB's own parse tree
 * (json_serialize_sql): only the console's views, CTEs, and a short list of table functions that
 * compute rather than read. Everything else — files named as tables, read_csv, query(), glob,
 * attached catalogs, internal tables — is refused before the query runs.
 */
const TABLE_FUNCTIONS = new Set([
  'range',
  'generate_series',
  'unnest',
  'duckdb_tables',
  'duckdb_views',
  'duckdb_columns',
  'duckdb_schemas',
  'duckdb_types',
]);
const SCALAR_DENIED = new Set([
  'getenv',
  'read_text',
  'read_blob',
  'query',
  'query_table',
  'current_setting',
]);
const METADATA_SCHEMAS = new Set(['information_schema', 'pg_catalog']);

interface Found {
  tables: Array<{ catalog: string; schema: string; name: string }>;
  tableFunctions: string[];
  functions: string[];
  ctes: Set<string>;
}

function walk(node: unknown, found: Found): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, found);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  if (n.type === 'BASE_TABLE') {
    found.tables.push({
      catalog: String(n.catalog_name ?? ''),
      schema: String(n.schema_name ?? ''),
      name: String(n.table_name ?? ''),
    });
  } else if (n.type === 'TABLE_FUNCTION') {
    const fn = n.function as Record<string, unknown> | undefined;
    found.tableFunctions.push(String(fn?.function_name ?? ''));
  } else if (n.class === 'FUNCTION') {
    found.functions.push(String(n.function_name ?? ''));
  }
  const cteMap = (n.cte_map as { map?: Array<{ key?: unknown }> } | undefined)?.map;
  for (const entry of cteMap ?? []) found.ctes.add(String(entry.key ?? '').toLowerCase());
  for (const value of Object.values(n)) walk(value, found);
}

export async function checkReadOnlySql(
  conn: DuckDBConnection,
  sql: string,
  schema: string,
  allowedTables: ReadonlySet<string>,
): Promise<void> {
  const reader = await conn.runAndReadAll('SELECT json_serialize_sql($sql::VARCHAR)', { sql });
  const tree = JSON.parse(String(reader.getRows()[0]?.[0] ?? '{}')) as {
    error?: boolean;
    error_message?: string;
  };
  if (tree.error) {
    // Only SELECT trees serialise; a statement that reached here as SELECT but does not is refused.
    throw new QueryError(
      'refused',
      `This statement cannot be checked, so it does not run here: ${tree.error_message ?? ''}`.trim(),
    );
  }
  const found: Found = { tables: [], tableFunctions: [], functions: [], ctes: new Set() };
  walk(tree, found);
  for (const fn of found.tableFunctions) {
    if (!TABLE_FUNCTIONS.has(fn.toLowerCase())) {
      throw new QueryError(
        'refused',
        `The table function ${fn}() is not available in the SQL console; query the tables instead.`,
      );
    }
  }
  for (const fn of found.functions) {
    if (SCALAR_DENIED.has(fn.toLowerCase()))
      throw new QueryError('refused', `The function ${fn}() is not available in the SQL console.`);
  }
  for (const table of found.tables) {
    const name = table.name.toLowerCase();
    const tableSchema = table.schema.toLowerCase();
    if (table.catalog !== '')
      throw new QueryError(
        'refused',
        `Other databases cannot be read here (${table.catalog}.${table.schema}.${table.name}).`,
      );
    if (METADATA_SCHEMAS.has(tableSchema)) continue;
    if (tableSchema === '' && found.ctes.has(name)) continue;
    if ((tableSchema === '' || tableSchema === schema) && allowedTables.has(name)) continue;
    const what =
      /[/\\.]/.test(table.name) && tableSchema === ''
        ? `"${table.name}" looks like a file; files cannot be read here`
        : `There is no table "${table.schema ? `${table.schema}.` : ''}${table.name}" here`;
    throw new QueryError('refused', `${what}. Tables: ${[...allowedTables].sort().join(', ')}.`);
  }
}

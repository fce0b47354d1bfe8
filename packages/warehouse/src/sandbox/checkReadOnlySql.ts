import type { DuckDBConnection } from '@duckdb/node-api';
import { QueryError } from '../errors.ts';
import { CONSOLE_DENIED_FUNCTIONS, CONSOLE_TABLE_FUNCTIONS } from './consolePolicy.ts';
import { consoleErrorMessage } from './queryErrors.ts';

/**
 * A first, early check of a SELECT from DuckDB's parse tree (json_serialize_sql): files named as
 * tables, file readers and other table functions, refused functions, other catalogs and names that
 * are not the console's are refused here with a message that names them. It judges names in the
 * text, so it is not what keeps data safe: `checkPlanReads` on the bound plan is (a CTE can shadow
 * a table's name; only binding knows what a name reaches). CTE names count only where they are in
 * scope, so this check is not fooled by a CTE defined in another part of the statement either.
 */
const METADATA_SCHEMAS = new Set(['information_schema', 'pg_catalog']);

interface Found {
  tables: Array<{ catalog: string; schema: string; name: string }>;
  tableFunctions: string[];
  functions: string[];
}

function walk(node: unknown, found: Found, ctes: ReadonlySet<string>): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, found, ctes);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  // A query node's CTEs are visible inside it (its clauses, subqueries and the CTEs themselves).
  const cteMap = (n.cte_map as { map?: Array<{ key?: unknown }> } | undefined)?.map;
  let visible = ctes;
  if (cteMap && cteMap.length > 0) {
    visible = new Set([...ctes, ...cteMap.map((entry) => String(entry.key ?? '').toLowerCase())]);
  }
  if (n.type === 'BASE_TABLE') {
    const table = {
      catalog: String(n.catalog_name ?? ''),
      schema: String(n.schema_name ?? ''),
      name: String(n.table_name ?? ''),
    };
    if (!(table.catalog === '' && table.schema === '' && visible.has(table.name.toLowerCase())))
      found.tables.push(table);
  } else if (n.type === 'TABLE_FUNCTION') {
    const fn = n.function as Record<string, unknown> | undefined;
    found.tableFunctions.push(String(fn?.function_name ?? ''));
  } else if (n.class === 'FUNCTION') {
    found.functions.push(String(n.function_name ?? ''));
  }
  for (const value of Object.values(n)) walk(value, found, visible);
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
      `This statement cannot be checked, so it does not run here: ${consoleErrorMessage(tree.error_message ?? '')}`.trim(),
    );
  }
  const found: Found = { tables: [], tableFunctions: [], functions: [] };
  walk(tree, found, new Set());
  for (const fn of found.tableFunctions) {
    if (!CONSOLE_TABLE_FUNCTIONS.has(fn.toLowerCase())) {
      throw new QueryError(
        'refused',
        `The table function ${fn}() is not available in the SQL console; query the tables instead.`,
      );
    }
  }
  for (const fn of found.functions) {
    if (CONSOLE_DENIED_FUNCTIONS.has(fn.toLowerCase()))
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
    if ((tableSchema === '' || tableSchema === schema) && allowedTables.has(name)) continue;
    const what =
      /[/\\.]/.test(table.name) && tableSchema === ''
        ? `"${table.name}" looks like a file; files cannot be read here`
        : `There is no table "${table.schema ? `${table.schema}.` : ''}${table.name}" here`;
    throw new QueryError('refused', `${what}. Tables: ${[...allowedTables].sort().join(', ')}.`);
  }
}

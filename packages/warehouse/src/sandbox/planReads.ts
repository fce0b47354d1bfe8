import type { DuckDBConnection } from '@duckdb/node-api';
import { QueryError } from '../errors.ts';
import { CONSOLE_DENIED_FUNCTIONS, CONSOLE_TABLE_FUNCTIONS } from './consolePolicy.ts';
import { consoleErrorMessage } from './queryErrors.ts';

/** One table DuckDB scans, and the columns of it the plan reads. */
export interface TableScan {
  catalog: string;
  schema: string;
  table: string;
  columns: string[];
}

/** What a statement actually reads once DuckDB has bound it: views expanded, names resolved. */
export interface PlanReads {
  scans: TableScan[];
  tableFunctions: string[];
  functions: string[];
}

/** DuckDB's column index for `rowid` (the largest unsigned 64-bit value, rounded by JSON.parse). */
const ROW_ID_INDEX = 2 ** 64 - 1;

/**
 * The reads of one SELECT, from DuckDB's bound logical plan (`json_serialize_plan`, unoptimised so
 * that every column an expression touches is listed). Binding resolves every name the way
 * execution will: a CTE that shadows a table name, a view, a fallback through the search path.
 */
export async function planReads(conn: DuckDBConnection, sql: string): Promise<PlanReads> {
  const reader = await conn.runAndReadAll('SELECT json_serialize_plan($sql::VARCHAR, optimize := false)', {
    sql,
  });
  const tree = JSON.parse(String(reader.getRows()[0]?.[0] ?? '{}')) as {
    error?: boolean;
    error_message?: string;
    plans?: unknown;
  };
  if (tree.error || tree.plans === undefined) {
    throw new QueryError(
      'refused',
      `This query cannot be checked, so it does not run here: ${consoleErrorMessage(tree.error_message ?? 'no plan')}`,
    );
  }
  const reads: PlanReads = { scans: [], tableFunctions: [], functions: [] };
  collect(tree.plans, reads);
  return reads;
}

function collect(node: unknown, reads: PlanReads): void {
  if (Array.isArray(node)) {
    for (const child of node) collect(child, reads);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  if (n.type === 'LOGICAL_GET') {
    const data = n.function_data as Record<string, unknown> | undefined;
    if (typeof data?.table === 'string') {
      const names = Array.isArray(n.names) ? n.names.map(String) : [];
      const indexes = Array.isArray(n.column_indexes) ? (n.column_indexes as Array<{ index?: number }>) : [];
      reads.scans.push({
        catalog: String(data.catalog ?? ''),
        schema: String(data.schema ?? ''),
        table: data.table,
        columns: indexes.map((c) =>
          c.index === undefined || c.index >= ROW_ID_INDEX ? 'rowid' : (names[c.index] ?? `#${c.index}`),
        ),
      });
    } else {
      reads.tableFunctions.push(String(n.name ?? ''));
    }
  } else if (n.expression_class === 'BOUND_FUNCTION' || n.expression_class === 'BOUND_AGGREGATE') {
    reads.functions.push(String(n.name ?? ''));
  }
  for (const value of Object.values(n)) collect(value, reads);
}

/** `catalog.schema.table` → the columns the console may read there. */
export type ReadAllowance = Map<string, Set<string>>;

const tableKey = (scan: Pick<TableScan, 'catalog' | 'schema' | 'table'>) =>
  `${scan.catalog}.${scan.schema}.${scan.table}`.toLowerCase();

/**
 * Whatever the console's own views read, and nothing more: the allowance is the union of the scans
 * of `SELECT * FROM <view>` over every view of the console's schema. A masked schema's views leave
 * personal columns out, so no masked query can read them, by any route.
 */
export async function consoleAllowance(conn: DuckDBConnection, schema: string): Promise<ReadAllowance> {
  const views = (
    await conn.runAndReadAll(
      'SELECT view_name, sql, current_database() FROM duckdb_views() WHERE schema_name = $schema ORDER BY view_name',
      { schema },
    )
  ).getRows();
  // The views change only when the schema does: keyed by their definitions, computed once.
  const key = `${String(views[0]?.[2])}.${schema}\u0000${views.map((v) => String(v[1])).join('\u0000')}`;
  const known = allowances.get(key);
  if (known) return known;
  const allowance: ReadAllowance = new Map();
  for (const [view] of views) {
    const name = String(view).replaceAll('"', '""');
    const reads = await planReads(conn, `SELECT * FROM "${schema}"."${name}"`);
    for (const scan of reads.scans) {
      const columns = allowance.get(tableKey(scan)) ?? new Set<string>();
      for (const column of scan.columns) columns.add(column);
      allowance.set(tableKey(scan), columns);
    }
  }
  if (allowances.size > 16) allowances.clear();
  allowances.set(key, allowance);
  return allowance;
}

const allowances = new Map<string, ReadAllowance>();

/** Refuses a plan that scans a table or column outside the allowance, or calls a refused function. */
export function checkPlanReads(reads: PlanReads, allowance: ReadAllowance): void {
  for (const fn of reads.tableFunctions) {
    if (!CONSOLE_TABLE_FUNCTIONS.has(fn.toLowerCase()))
      throw new QueryError(
        'refused',
        `The table function ${fn}() is not available in the SQL console; query the tables instead.`,
      );
  }
  for (const fn of reads.functions) {
    if (CONSOLE_DENIED_FUNCTIONS.has(fn.toLowerCase()))
      throw new QueryError('refused', `The function ${fn}() is not available in the SQL console.`);
  }
  for (const scan of reads.scans) {
    const allowed = allowance.get(tableKey(scan));
    if (!allowed)
      throw new QueryError(
        'refused',
        `This query reads a table the SQL console does not offer (${scan.table}).`,
      );
    const hidden = scan.columns.filter((c) => c !== 'rowid' && !allowed.has(c));
    if (hidden.length > 0)
      throw new QueryError(
        'refused',
        `This query reads ${hidden.length === 1 ? 'a column' : 'columns'} of ${scan.table} that your console does not show (${hidden.join(', ')}).`,
      );
  }
}

/**
 * What the SQL console may compute with besides the console's views: table functions that compute
 * rather than read (and DuckDB's catalog functions behind `information_schema`, `SHOW` and the
 * schema browser), and the scalar functions it may not call. Used by both checks: the parse-tree
 * check (early, with a message naming the function) and the bound-plan check (authoritative).
 */
export const CONSOLE_TABLE_FUNCTIONS: ReadonlySet<string> = new Set([
  'range',
  'generate_series',
  'unnest',
  'duckdb_tables',
  'duckdb_views',
  'duckdb_columns',
  'duckdb_schemas',
  'duckdb_types',
  'duckdb_constraints',
  'duckdb_indexes',
  'duckdb_functions',
  'duckdb_keywords',
  'duckdb_sequences',
]);

/** Functions that read the machine, run other SQL or reveal settings. */
export const CONSOLE_DENIED_FUNCTIONS: ReadonlySet<string> = new Set([
  'getenv',
  'read_text',
  'read_blob',
  'query',
  'query_table',
  'current_setting',
]);

/**
 * The one escaping function per kind of SQL token. Values from users are bound as parameters
 * wherever DuckDB allows it; table-function arguments (file paths, formats) cannot be bound,
 * so they go through `sqlString`.
 */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

import { type Sql, sql } from '../../query/sql.ts';
import { sqlIdent, sqlString } from '../../sql.ts';
import type { CsvReadOptions, CsvWriteOptions, DatePart, Dialect, SqlType } from '../Dialect.ts';

const TYPES: Record<SqlType, string> = {
  integer: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  varchar: 'VARCHAR',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  json: 'JSON',
};

/** A count written into a statement: a whole number, checked. */
function wholeNumber(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a whole number: ${value}`);
  return String(value);
}

const quoteString = sqlString;
const quoteIdent = sqlIdent;

/** DuckDB's spelling of the dialect: the only file in the code base that writes DuckDB-only SQL. */
export const duckdbDialect: Dialect = {
  name: 'duckdb',
  placeholder: (index) => `$${index + 1}`,
  quoteIdent,
  quoteString,

  typeName: (type) => TYPES[type],
  listType: (type) => `${TYPES[type]}[]`,
  cast: (expr, type) => sql`CAST(${expr} AS ${sql.raw(TYPES[type])})`,
  emptyList: (type) => sql.raw(`CAST([] AS ${TYPES[type]}[])`),
  splitToList: (text, separator, type) =>
    sql`CASE WHEN ${text} = '' THEN CAST([] AS ${sql.raw(TYPES[type])}[]) ELSE CAST(string_split(${text}, ${separator}) AS ${sql.raw(TYPES[type])}[]) END`,

  dateTrunc: (part: DatePart, expr) => sql`CAST(date_trunc(${sql.raw(quoteString(part))}, ${expr}) AS DATE)`,
  dateDiff: (part: DatePart, from, to) => sql`date_diff(${sql.raw(quoteString(part))}, ${from}, ${to})`,
  addDays: (date, days) => sql`CAST(${date} + ${days} AS DATE)`,
  epochSeconds: (expr) => sql`epoch(${expr})`,
  epochDays: (date) => sql`CAST(${date} - DATE '1970-01-01' AS INTEGER)`,
  isoDay: (expr) => sql`strftime(${expr}, '%Y-%m-%d')`,
  isoInstant: (expr) => sql`strftime(${expr}, '%Y-%m-%dT%H:%M:%SZ')`,

  argMin: (value, key) => sql`arg_min(${value}, ${key})`,
  argMax: (value, key) => sql`arg_max(${value}, ${key})`,
  filtered: (aggregate, condition) => sql`${aggregate} FILTER (WHERE ${condition})`,
  median: (value, condition) =>
    condition
      ? sql`quantile_cont(${value}, 0.5) FILTER (WHERE ${condition})`
      : sql`quantile_cont(${value}, 0.5)`,
  groupByFirst: (count) => (count <= 0 ? sql.empty : sql.raw('GROUP BY ALL')),
  limitOffset: (limit, offset) => sql.raw(`LIMIT ${wholeNumber(limit)} OFFSET ${wholeNumber(offset)}`),

  // The first 15 hex digits of the MD5 of the values as text (unit separators between them), as
  // Trino's dialect takes them: the same numbers, and so the same draws, on both engines.
  stableHash: (values) =>
    sql`CAST('0x' || substr(md5(concat_ws(chr(31), ${sql.join(
      values.map((v) => sql`CAST(${v} AS VARCHAR)`),
    )})), 1, 15) AS UBIGINT)`,
  intDivide: (dividend, divisor) => sql`(${dividend} // ${divisor})`,
  md5Hex: (text) => sql`md5(${text})`,
  hexToInteger: (hex) => sql`CAST('0x' || ${hex} AS UBIGINT)`,

  regexpMatch: (text, pattern, match) =>
    sql`${sql.raw(match === 'whole' ? 'regexp_full_match' : 'regexp_matches')}(${text}, ${sql.raw(quoteString(pattern))})`,
  regexpReplaceAll: (text, pattern, replacement) =>
    sql`regexp_replace(${text}, ${sql.raw(quoteString(pattern))}, ${sql.raw(quoteString(replacement))}, 'g')`,
  // list_contains rather than IN (…), which DuckDB may plan as a join against the values.
  oneOf: (value, texts) => sql`list_contains([${sql.raw(texts.map(quoteString).join(', '))}], ${value})`,
  // A MAP constant, folded once per statement, looked up per row.
  lookup: (key, entries) =>
    sql`MAP {${sql.join(entries.map(([k, v]) => sql`${sql.raw(quoteString(k))}: ${v}`))}}[${key}]`,
  record: (fields) =>
    sql`{${sql.join(fields.map(([name, value]) => sql`${sql.raw(quoteString(name))}: ${value}`))}}`,

  joinList: (list, separator) => sql`array_to_string(${list}, ${separator})`,
  parseTextList: (text) =>
    sql`CASE WHEN json_valid(${text}) AND json_type(${text}) = 'ARRAY' THEN from_json(${text}, '["VARCHAR"]') END`,

  readCsv: (path, options: CsvReadOptions = {}) => {
    const settings = [quoteString(path)];
    if (options.delimiter !== undefined) settings.push(`delim = ${quoteString(options.delimiter)}`);
    if (options.header !== undefined) settings.push(`header = ${options.header}`);
    if (options.allText) settings.push('all_varchar = true');
    if (options.columns) settings.push(`names = [${options.columns.map(quoteString).join(', ')}]`);
    return sql.raw(`read_csv(${settings.join(', ')})`);
  },
  readParquet: (path) => sql.raw(`read_parquet(${quoteString(path)})`),
  copyToCsv: (query: Sql, path: string, options: CsvWriteOptions) => {
    const settings = ['FORMAT csv', options.header ? 'HEADER' : 'HEADER false'];
    if (options.verbatim) settings.push("QUOTE ''", "ESCAPE ''");
    if (options.newline === '\r\n') settings.push("NEW_LINE '\r\n'");
    settings.push('COMPRESSION none');
    if (options.inPlace) settings.push('USE_TMP_FILE false');
    return sql`COPY (${query}) TO ${sql.raw(quoteString(path))} (${sql.raw(settings.join(', '))})`;
  },
  copyToParquet: (query, path) => sql`COPY (${query}) TO ${sql.raw(quoteString(path))} (FORMAT parquet)`,

  upsert: (table, columns, values) =>
    sql`INSERT OR REPLACE INTO ${sql.ident(table)} (${sql.raw(columns.map(quoteIdent).join(', '))}) VALUES (${sql.join(values)})`,
  createTableAs: (name, query, options = {}) =>
    sql`CREATE OR REPLACE ${sql.raw(options.temporary ? 'TEMP ' : '')}TABLE ${sql.ident(name)} AS ${query}`,
  createTable: (name, columns, options = {}) =>
    sql`CREATE ${sql.raw(options.replace ? 'OR REPLACE ' : '')}${sql.raw(options.temporary ? 'TEMP ' : '')}TABLE ${sql.ident(name)} (${sql.raw(
      columns.map(([column, type]) => `${quoteIdent(column)} ${TYPES[type]}`).join(', '),
    )})`,
  tableExists: (name) =>
    sql`SELECT count(*) > 0 FROM information_schema.tables
        WHERE table_catalog = current_database() AND table_schema = current_schema() AND table_name = ${name}`,
  tableColumns: (name) =>
    sql`SELECT column_name, data_type LIKE '%[]' AS is_list FROM information_schema.columns
        WHERE table_catalog = current_database() AND table_schema = current_schema() AND table_name = ${name}
        ORDER BY ordinal_position`,
  materializedCte: 'MATERIALIZED ',

  begin: 'BEGIN TRANSACTION',
  beginReadOnly: 'BEGIN TRANSACTION READ ONLY',
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
};

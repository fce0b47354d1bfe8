import {
  type CsvReadOptions,
  type DatePart,
  type Dialect,
  type Sql,
  type SqlType,
  sql,
  sqlIdent,
  sqlString,
} from '@retain/warehouse';

/** Something the dialect's interface offers that Trino cannot do (the local store does it instead). */
export class EngineCapabilityError extends Error {
  override readonly name = 'EngineCapabilityError';
  constructor(readonly capability: string) {
    super(
      `Trino cannot ${capability}: Retain does that in its local DuckDB file, and only reads the mapped tables on the cluster`,
    );
  }
}

const TYPES: Record<SqlType, string> = {
  integer: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  varchar: 'VARCHAR',
  boolean: 'BOOLEAN',
  date: 'DATE',
  // DuckDB's TIMESTAMP holds microseconds; Trino's default precision is milliseconds.
  timestamp: 'TIMESTAMP(6)',
  json: 'JSON',
};

/** A count written into a statement: a whole number, checked. */
function wholeNumber(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a whole number: ${value}`);
  return String(value);
}

const asDate = (expr: Sql) => sql`CAST(${expr} AS DATE)`;
const dayDiff = (from: Sql, to: Sql) => sql`date_diff('day', ${asDate(from)}, ${asDate(to)})`;

/**
 * Trino's spelling of the dialect. Each construct gives the value DuckDB's gives, which the
 * engines' conformance suite checks row for row; where the two engines' functions differ in
 * meaning, not only in name, the comment says how the DuckDB meaning is rebuilt.
 */
export const trinoDialect: Dialect = {
  name: 'trino',
  placeholder: () => '?',
  quoteIdent: sqlIdent,
  quoteString: sqlString,

  typeName: (type) => TYPES[type],
  listType: (type) => `ARRAY(${TYPES[type]})`,
  cast: (expr, type) => sql`CAST(${expr} AS ${sql.raw(TYPES[type])})`,
  emptyList: (type) => sql.raw(`CAST(ARRAY[] AS ARRAY(${TYPES[type]}))`),
  splitToList: (text, separator, type) =>
    sql`CASE WHEN ${text} = '' THEN CAST(ARRAY[] AS ARRAY(${sql.raw(TYPES[type])})) ELSE CAST(split(${text}, ${separator}) AS ARRAY(${sql.raw(TYPES[type])})) END`,

  // Both engines start weeks on Monday (ISO).
  dateTrunc: (part: DatePart, expr) => sql`CAST(date_trunc(${sql.raw(sqlString(part))}, ${expr}) AS DATE)`,
  // DuckDB counts calendar boundaries crossed (Jan 31 → Feb 1 is one month), Trino whole units
  // elapsed (zero months): truncating both ends first gives DuckDB's count. DuckDB's weeks are
  // whole days / 7, truncated toward zero, which Trino's integer division also does.
  dateDiff: (part: DatePart, from, to) => {
    if (part === 'day') return dayDiff(from, to);
    if (part === 'week') return sql`(${dayDiff(from, to)} / 7)`;
    const unit = sql.raw(sqlString(part));
    return sql`date_diff(${unit}, date_trunc(${unit}, ${asDate(from)}), date_trunc(${unit}, ${asDate(to)}))`;
  },
  addDays: (date, days) => sql`date_add('day', ${days}, ${asDate(date)})`,
  // Timestamps without a zone are UTC in Retain; naming the zone keeps the session's out of it.
  epochSeconds: (expr) => sql`to_unixtime(with_timezone(CAST(${expr} AS TIMESTAMP(6)), 'UTC'))`,
  epochDays: (date) => sql`CAST(date_diff('day', DATE '1970-01-01', ${asDate(date)}) AS INTEGER)`,
  isoDay: (expr) => sql`CAST(${asDate(expr)} AS VARCHAR)`,
  isoInstant: (expr) => sql`format_datetime(CAST(${expr} AS TIMESTAMP(6)), 'yyyy-MM-dd''T''HH:mm:ss''Z''')`,

  // min_by skips rows whose key is NULL; a NULL key for NULL values skips those rows too. The value
  // is parenthesised before IS NOT NULL: it may be a condition (`a IS NOT NULL AND b <= c`).
  argMin: (value, key) => sql`min_by(${value}, CASE WHEN (${value}) IS NOT NULL THEN ${key} END)`,
  argMax: (value, key) => sql`max_by(${value}, CASE WHEN (${value}) IS NOT NULL THEN ${key} END)`,
  filtered: (aggregate, condition) => sql`${aggregate} FILTER (WHERE ${condition})`,
  // approx_percentile is not exact: the values are sorted into an array and the middle read off,
  // interpolated as DuckDB's quantile_cont does (lo + 0.5 × (hi − lo)); `transform` over a
  // one-element array names the sorted array once.
  median: (value, condition) =>
    sql`element_at(transform(ARRAY[array_sort(array_agg(CAST(${value} AS DOUBLE)) FILTER (WHERE ${value} IS NOT NULL${
      condition ? sql` AND (${condition})` : sql.empty
    }))], a -> CASE WHEN coalesce(cardinality(a), 0) = 0 THEN NULL
       ELSE a[(cardinality(a) + 1) / 2] + 0.5 * (a[cardinality(a) / 2 + 1] - a[(cardinality(a) + 1) / 2]) END), 1)`,
  groupByFirst: (count) =>
    count <= 0 ? sql.empty : sql.raw(`GROUP BY ${Array.from({ length: count }, (_, i) => i + 1).join(', ')}`),
  // Trino reads OFFSET before LIMIT (DuckDB either way round).
  limitOffset: (limit, offset) => sql.raw(`OFFSET ${wholeNumber(offset)} LIMIT ${wholeNumber(limit)}`),

  // The first 15 hex digits of the MD5 of the values as text (unit separators between them), as
  // DuckDB's dialect takes them: the same numbers, and so the same draws, on both engines.
  stableHash: (values) =>
    sql`from_base(substr(lower(to_hex(md5(to_utf8(concat_ws(chr(31), ${sql.join(
      values.map((v) => sql`CAST(${v} AS VARCHAR)`),
    )}))))), 1, 15), 16)`,
  intDivide: (dividend, divisor) => sql`(CAST(${dividend} AS BIGINT) / CAST(${divisor} AS BIGINT))`,
  md5Hex: (text) => sql`lower(to_hex(md5(to_utf8(${text}))))`,
  hexToInteger: (hex) => sql`from_base(${hex}, 16)`,

  // regexp_like finds a match anywhere, like DuckDB's regexp_matches; a whole match is anchored
  // with \A and \z (`$` would also match before a final line break).
  regexpMatch: (text, pattern, match) =>
    sql`regexp_like(${text}, ${sql.raw(sqlString(match === 'whole' ? `\\A(?:${pattern})\\z` : pattern))})`,
  // Trino's regexp_replace replaces every match.
  regexpReplaceAll: (text, pattern, replacement) =>
    sql`regexp_replace(${text}, ${sql.raw(sqlString(pattern))}, ${sql.raw(sqlString(replacement))})`,
  oneOf: (value, texts) => sql`contains(ARRAY[${sql.raw(texts.map(sqlString).join(', '))}], ${value})`,
  // A simple CASE (NULL when no key matches, or the key is NULL), parenthesised so that a record
  // value's field can be read off it.
  lookup: (key, entries) =>
    sql`(CASE ${key} ${sql.join(
      entries.map(([k, v]) => sql`WHEN ${sql.raw(sqlString(k))} THEN ${v}`),
      ' ',
    )} END)`,
  // ROW's fields are unnamed until cast to a row type that names them.
  record: (fields) =>
    sql`CAST(ROW(${sql.join(fields.map(([, value]) => value))}) AS ROW(${sql.raw(
      fields.map(([name, , type]) => `${sqlIdent(name)} ${TYPES[type]}`).join(', '),
    )}))`,

  joinList: (list, separator) => sql`array_join(${list}, ${separator})`,
  parseTextList: (text) => sql`TRY(CAST(json_parse(${text}) AS ARRAY(VARCHAR)))`,

  readCsv: (_path: string, _options?: CsvReadOptions) => {
    throw new EngineCapabilityError('read files from this machine');
  },
  readParquet: () => {
    throw new EngineCapabilityError('read files from this machine');
  },
  copyToCsv: () => {
    throw new EngineCapabilityError('write files on this machine');
  },
  copyToParquet: () => {
    throw new EngineCapabilityError('write files on this machine');
  },
  upsert: () => {
    throw new EngineCapabilityError("write Retain's own tables");
  },
  // The Hive connector cannot replace a table (CREATE OR REPLACE is Iceberg's and Delta Lake's
  // only): the table must not exist, and a caller that may find it there drops it first.
  createTableAs: (name, query, options = {}) => {
    if (options.temporary) throw new EngineCapabilityError('create temporary tables');
    return sql`CREATE TABLE ${sql.ident(name)} AS ${query}`;
  },
  // Trino has no temporary tables: a temporary one is refused, as createTableAs does.
  createTable: (name, columns, options = {}) => {
    if (options.temporary) throw new EngineCapabilityError('create temporary tables');
    return sql`CREATE ${sql.raw(options.replace ? 'OR REPLACE ' : '')}TABLE ${sql.ident(name)} (${sql.raw(
      columns.map(([column, type]) => `${sqlIdent(column)} ${TYPES[type]}`).join(', '),
    )})`;
  },
  tableExists: (name) =>
    sql`SELECT count(*) > 0 FROM information_schema.tables
        WHERE table_schema = current_schema AND table_name = ${name}`,
  // Trino spells a list column's type array(…).
  tableColumns: (name) =>
    sql`SELECT column_name, data_type LIKE 'array(%' AS is_list FROM information_schema.columns
        WHERE table_schema = current_schema AND table_name = ${name}
        ORDER BY ordinal_position`,
  // Trino plans each CTE reference on its own and has no hint to keep one's rows.
  materializedCte: '',

  begin: 'START TRANSACTION',
  beginReadOnly: 'START TRANSACTION READ ONLY',
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
};

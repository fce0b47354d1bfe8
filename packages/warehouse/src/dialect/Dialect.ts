import type { Sql } from '../query/sql.ts';

/** Column types the code base names; each dialect spells them for its engine. */
export type SqlType = 'integer' | 'bigint' | 'double' | 'varchar' | 'boolean' | 'date' | 'timestamp' | 'json';

/** Calendar units for truncation and differences. */
export type DatePart = 'day' | 'week' | 'month' | 'quarter' | 'year';

export interface CsvReadOptions {
  delimiter?: string;
  header?: boolean;
  /** Read every column as text (types are decided by the loader, not guessed by the engine). */
  allText?: boolean;
  /** Column names, when the file has none or they are to be replaced. */
  columns?: readonly string[];
}

export interface CsvWriteOptions {
  header: boolean;
  /** Lines already CSV: written as they are, with no quoting or escaping of their own. */
  verbatim?: boolean;
  newline?: '\n' | '\r\n';
  /** Write straight into the file rather than into a temporary one renamed at the end. */
  inPlace?: boolean;
}

/**
 * Everything whose spelling differs between engines, and nothing else: the rest of the SQL in this
 * code base is the common core (SELECT, joins, window functions, CASE, coalesce) that DuckDB and
 * Trino read alike. A second engine is one more implementation of this interface plus one
 * connection class (see duckdb/).
 */
export interface Dialect {
  readonly name: string;
  /** The placeholder of the i-th bound value (0-based). */
  placeholder(index: number): string;
  quoteIdent(name: string): string;
  quoteString(value: string): string;

  typeName(type: SqlType): string;
  /** A list (array) column type of `type`. */
  listType(type: SqlType): string;
  cast(expr: Sql, type: SqlType): Sql;
  /** An empty list of `type`. */
  emptyList(type: SqlType): Sql;
  /** Text split on a separator into a list of `type` ('' gives an empty list). */
  splitToList(text: Sql, separator: Sql, type: SqlType): Sql;

  /** The first day of `part` containing the date or timestamp. */
  dateTrunc(part: DatePart, expr: Sql): Sql;
  /** Whole `part` boundaries crossed from `from` to `to`. */
  dateDiff(part: DatePart, from: Sql, to: Sql): Sql;
  /** A date `days` (an integer expression) after `date`. */
  addDays(date: Sql, days: Sql): Sql;
  /** Seconds since 1970-01-01 00:00 UTC of a timestamp, fractional. */
  epochSeconds(expr: Sql): Sql;
  /** Days since 1970-01-01 of a date, as an integer. */
  epochDays(date: Sql): Sql;
  /** A timestamp as ISO day text, 'YYYY-MM-DD'. */
  isoDay(expr: Sql): Sql;
  /** A UTC timestamp as ISO instant text to the second, 'YYYY-MM-DDTHH:MM:SSZ'. */
  isoInstant(expr: Sql): Sql;

  /** `value` of the row with the least (greatest) `key`; rows with a NULL value are skipped. */
  argMin(value: Sql, key: Sql): Sql;
  argMax(value: Sql, key: Sql): Sql;
  /** An aggregate over the rows that satisfy `condition` only. */
  filtered(aggregate: Sql, condition: Sql): Sql;
  /**
   * The exact median of `value` (a number) over the rows that satisfy `condition` (all rows without
   * one), interpolated between the middle two of an even count; NULL values are skipped, and no
   * values give NULL. An aggregate.
   */
  median(value: Sql, condition?: Sql): Sql;
  /** GROUP BY the first `count` columns of the select list. */
  groupByFirst(count: number): Sql;
  /**
   * The clauses that keep rows `offset` + 1 to `offset` + `limit` of an ordered query (whole
   * numbers, written out: not every engine binds them), in the order the engine reads them.
   */
  limitOffset(limit: number, offset: number): Sql;

  /**
   * A deterministic hash of the values as a non-negative integer below 2^60: the same values give
   * the same number in every session, on every run and on every engine, so that a draw made from it
   * (a sample, a fold, a holdout slice) can be repeated, on DuckDB or on Trino alike. It is the first
   * 15 hex digits of the MD5 of the values' texts joined by U+001F; the values must be texts or
   * integers (BIGINT), whose text every engine spells alike (a DOUBLE's does not).
   */
  stableHash(values: readonly Sql[]): Sql;
  /** The integer quotient of two non-negative integers, rounded down. */
  intDivide(dividend: Sql, divisor: Sql): Sql;
  /**
   * The MD5 of the text's UTF-8 bytes as 32 lowercase hex digits: the same on every engine and in
   * JavaScript (for draws that code outside the engine repeats).
   */
  md5Hex(text: Sql): Sql;
  /** Hex digits (at most 15, no prefix) as the non-negative integer they spell. */
  hexToInteger(hex: Sql): Sql;

  /**
   * Whether `text` matches the regular expression `pattern` (a constant, in the syntax both engines'
   * libraries read: no lookaround, no backreferences): as a whole (`whole`), or anywhere in it
   * (`part`, as `~` would). NULL text gives NULL.
   */
  regexpMatch(text: Sql, pattern: string, match: 'whole' | 'part'): Sql;
  /** `text` with every match of the regular expression `pattern` replaced by `replacement`. */
  regexpReplaceAll(text: Sql, pattern: string, replacement: string): Sql;
  /** Whether `value` is one of the constant texts (NULL when `value` is NULL). */
  oneOf(value: Sql, texts: readonly string[]): Sql;
  /**
   * The value of the constant entry whose text key equals `key`, NULL when none does (or `key` is
   * NULL): a lookup in a fixed table written into the statement. Every value is of one type; a
   * field of a `record` value is read as `lookup(…).field`.
   */
  lookup(key: Sql, entries: ReadonlyArray<readonly [key: string, value: Sql]>): Sql;
  /** A record (struct, row) of named, typed fields, read as `record.field` in both engines. */
  record(fields: ReadonlyArray<readonly [name: string, value: Sql, type: SqlType]>): Sql;

  /** The items of a list of text joined by `separator` into one text. */
  joinList(list: Sql, separator: Sql): Sql;
  /** JSON text of a list of strings as a list of varchar; NULL when it is not valid JSON or no list. */
  parseTextList(text: Sql): Sql;

  /** A table expression reading a CSV file. */
  readCsv(path: string, options?: CsvReadOptions): Sql;
  /** A table expression reading Parquet files (a path or a glob). */
  readParquet(path: string): Sql;
  /** A statement writing a query's rows to a CSV file; it returns the rows written. */
  copyToCsv(query: Sql, path: string, options: CsvWriteOptions): Sql;
  /** The same, to a Parquet file. */
  copyToParquet(query: Sql, path: string): Sql;

  /** Inserts a row, replacing the one with the same primary key. */
  upsert(table: string, columns: readonly string[], values: readonly Sql[]): Sql;
  /**
   * CREATE OR REPLACE [TEMP] TABLE name AS query; on Trino, whose Hive connector replaces no table,
   * CREATE TABLE: a caller that may find the table there drops it first (DROP TABLE IF EXISTS).
   */
  createTableAs(name: string, query: Sql, options?: { temporary?: boolean }): Sql;
  /**
   * CREATE [OR REPLACE] [TEMP] TABLE name (columns): an empty table of these columns, replacing one
   * of the same name with `replace`.
   */
  createTable(
    name: string,
    columns: ReadonlyArray<readonly [name: string, type: SqlType]>,
    options?: { temporary?: boolean; replace?: boolean },
  ): Sql;
  /** A query of one boolean: whether a table or view of this name exists in the current schema. */
  tableExists(name: string): Sql;
  /**
   * A query of the columns of a table or view in the current schema, in order: `column_name`, and
   * `is_list`, whether the column holds a list (no rows when there is no such table).
   */
  tableColumns(name: string): Sql;
  /**
   * Written between a CTE's `name AS` and its parenthesis: asks the engine to compute the CTE once
   * and keep its rows rather than inline it where it is read ('' where the engine has no such hint).
   */
  readonly materializedCte: string;

  readonly begin: string;
  /** A transaction that may only read (a snapshot). */
  readonly beginReadOnly: string;
  readonly commit: string;
  readonly rollback: string;
}

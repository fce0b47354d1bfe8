import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { IngestIssue } from '@retain/schemas';
import { BadInputError } from '../errors.ts';
import { sqlString } from '../sql.ts';
import {
  type Compression,
  compressionOf,
  detectDelimiter,
  findCsvStructureError,
  findLineProblem,
  headerFields,
  readHeaderLine,
} from './csvLayout.ts';
import { scanJson } from './jsonLayout.ts';

export type SourceFormat = 'csv' | 'parquet' | 'json';

/** DuckDB's CSV reader refuses longer lines (its max_line_size default). */
const MAX_LINE_BYTES = 2_000_000;

export interface SourceFile {
  path: string;
  /** What the user calls the file, for messages and issues: the path given, an upload's name. */
  name: string;
  format: SourceFormat;
  compression: Compression;
  /** CSV only: the field delimiter (given, or detected from the header line). */
  delimiter?: string | undefined;
  /** CSV only: the header's fields as written, before DuckDB trims and renames duplicates. */
  headerFields?: string[] | undefined;
}

export interface SourceColumn {
  /** The column's name in DuckDB's reader: what SQL refers to. */
  name: string;
  /** The header as written in the file: what mappings name and messages show. */
  header: string;
  /** 1-based position in the file. */
  position: number;
  /** DuckDB type name as the reader sees it (always VARCHAR for CSV, which we read as text). */
  type: string;
}

const FORMAT_BY_EXTENSION: ReadonlyArray<[RegExp, SourceFormat]> = [
  [/\.parquet$/i, 'parquet'],
  [/\.(nd)?jsonl?(\.gz)?$/i, 'json'],
  [/\.(csv|tsv|txt)(\.gz)?$/i, 'csv'],
];

export function detectFormat(file: string): SourceFormat {
  for (const [pattern, format] of FORMAT_BY_EXTENSION) if (pattern.test(file)) return format;
  // Unknown extensions are most often CSV exports with an odd name (".dat", ".export").
  return 'csv';
}

/**
 * Everything known about a source before DuckDB reads it: format (by name), compression (by its
 * first bytes) and, for CSV, the delimiter and the header as written. `name` is what the user
 * calls the file (an upload's original name).
 */
export async function openSource(
  file: string,
  label: string,
  options: { name?: string | undefined; delimiter?: string | undefined } = {},
): Promise<SourceFile> {
  const shownAs = options.name ?? file;
  assertReadable(file, label, shownAs);
  const name = path.basename(shownAs);
  const format = detectFormat(name);
  const compression = format === 'parquet' ? 'none' : compressionOf(file);
  if (/\.gz$/i.test(name) && compression !== 'gzip') {
    throw new BadInputError(
      `${label}: ${name} is not gzip-compressed, though its name ends in .gz; rename it without .gz or compress it.`,
      [],
      0,
      { code: 'notGzip', file: name },
    );
  }
  if (format !== 'csv') return { path: file, name: shownAs, format, compression };
  const header = await readHeaderLine(file, compression, name);
  const delimiter = options.delimiter ?? (/\.tsv(\.gz)?$/i.test(name) ? '\t' : detectDelimiter(header));
  return {
    path: file,
    name: shownAs,
    format,
    compression,
    delimiter,
    headerFields: headerFields(header, delimiter),
  };
}

/**
 * The table function that reads a source. CSV is read entirely as text: every conversion happens
 * in SQL we control, so a bad value becomes an error that names its column and line instead of a
 * sniffer guess. The header is always line 1 and no line is a comment (DuckDB's sniffer would
 * otherwise skip leading rows it finds ragged, and drop rows that start with "#").
 * JSON and Parquet keep their own types.
 */
export function readerSql(source: SourceFile): string {
  const file = sqlString(source.path);
  const compression = source.compression === 'gzip' ? ", compression = 'gzip'" : '';
  switch (source.format) {
    case 'parquet':
      return `read_parquet(${file})`;
    case 'json':
      return `read_json(${file}, format = 'auto', sample_size = -1${compression})`;
    case 'csv': {
      const options = [
        'header = true',
        'skip = 0',
        "comment = ''",
        'all_varchar = true',
        "encoding = 'utf-8'",
        "quote = '\"'",
        "escape = '\"'",
      ];
      if (source.delimiter !== undefined) options.push(`delim = ${sqlString(source.delimiter)}`);
      return `read_csv(${file}${compression}, ${options.join(', ')})`;
    }
  }
}

/** Fails with a clear message when the file is missing, unreadable or empty. */
export function assertReadable(file: string, label: string, shownAs = file): void {
  const missing = (what: string) =>
    new BadInputError(`${label}: ${what}: ${shownAs}`, [], 0, {
      code: 'fileMissing',
      field: 'file',
      file: path.basename(shownAs),
    });
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw missing('file not found');
  }
  if (!stat.isFile()) throw missing('not a file');
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch {
    throw missing('file is not readable');
  }
  if (stat.size === 0) {
    throw new BadInputError(`${label}: file is empty: ${shownAs}`, [], 0, {
      code: 'fileEmpty',
      file: path.basename(shownAs),
    });
  }
}

/** The source's columns, read by DuckDB's own reader (for CSV: the header line). */
export async function describeSource(conn: DuckDBConnection, source: SourceFile): Promise<SourceColumn[]> {
  let described: Array<{ name: string; type: string }>;
  try {
    const reader = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${readerSql(source)}`);
    described = reader
      .getRowObjects()
      .map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
  } catch (error) {
    throw await unreadable(source, error);
  }
  // DuckDB trims headers and renames repeats ("Amount", "amount" → "Amount", "amount_1"); the
  // header as written is what a mapping names, so keep both, by position.
  const written = source.headerFields?.length === described.length ? source.headerFields : undefined;
  return described.map((c, i) => ({ ...c, header: written?.[i] ?? c.name, position: i + 1 }));
}

/**
 * Where and why a source cannot be read, found by our own scan of the file. DuckDB's message is
 * never passed on: it can quote lines of the file and the SQL that read it.
 */
export async function sourceProblem(
  source: SourceFile,
  error: unknown,
): Promise<Pick<IngestIssue, 'line' | 'reason'>> {
  const message = error instanceof Error ? error.message : String(error);
  if (source.format !== 'parquet' && (UNICODE.test(message) || LINE_SIZE.test(message))) {
    const found = await findLineProblem(source.path, source.compression, MAX_LINE_BYTES);
    if (found) return found;
  }
  if (source.format === 'csv') {
    const found = await findCsvStructureError(source.path, source.delimiter ?? ',', source.compression);
    if (found) return { line: found.line, reason: `malformed CSV: ${found.reason}` };
  }
  if (source.format === 'json') {
    const found = await scanJson(source.path, source.compression);
    if (found?.error) return { line: found.error.line, reason: found.error.reason };
  }
  return {
    line: null,
    reason: `could not be read as ${source.format.toUpperCase()}: ${readFailure(message)}`,
  };
}

/** A BadInputError for a source that cannot be read, naming its line where one is to blame. */
export async function unreadable(source: SourceFile, error: unknown): Promise<BadInputError> {
  const { line, reason } = await sourceProblem(source, error);
  const label = path.basename(source.name);
  const issue: IngestIssue = {
    file: source.name,
    line,
    lineKind: 'line',
    column: null,
    value: null,
    reason,
    code: 'malformed',
    field: null,
  };
  return new BadInputError(`${label}${line === null ? '' : `, line ${line}`}: ${reason}`, [issue], 1, {
    code: 'unreadable',
    file: label,
  });
}

// Precise phrases only: DuckDB's sniffer failure lists every option it tried, "encoding" and
// "max_line_size" included, whatever went wrong.
const UNICODE = /Invalid unicode/i;
const LINE_SIZE = /Maximum line size of \d+ bytes exceeded/i;

/** DuckDB's reason for not reading a file, in fixed words (its own text can quote the file). */
export function readFailure(message: string): string {
  if (/not a GZIP stream|gzip stream|zlib|decompress/i.test(message))
    return 'the gzip data is damaged or truncated';
  if (/parquet|magic bytes|footer/i.test(message)) return 'not a Parquet file, or a damaged one';
  if (UNICODE.test(message)) return 'it is not UTF-8 text (save it as UTF-8)';
  if (LINE_SIZE.test(message)) return 'a line is longer than 2 MB';
  if (/JSON/.test(message)) return 'not valid JSON';
  if (/CSV|sniff|dialect/i.test(message)) return 'its lines do not have the same fields as its header';
  return 'the file is damaged or not in the format its name says';
}

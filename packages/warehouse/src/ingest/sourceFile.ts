import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { BadInputError } from '../errors.ts';
import { sqlString } from '../sql.ts';

export type SourceFormat = 'csv' | 'parquet' | 'json';

export interface SourceFile {
  path: string;
  format: SourceFormat;
  /** CSV only; detected by DuckDB's sniffer when absent. */
  delimiter?: string | undefined;
}

export interface SourceColumn {
  name: string;
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
 * The table function that reads a source. CSV is read entirely as text: every conversion happens
 * in SQL we control, so a bad value becomes an error that names its column and line instead of a
 * sniffer guess. JSON and Parquet keep their own types.
 */
export function readerSql(source: SourceFile): string {
  const file = sqlString(source.path);
  switch (source.format) {
    case 'parquet':
      return `read_parquet(${file})`;
    case 'json':
      return `read_json(${file}, format = 'auto', sample_size = -1)`;
    case 'csv': {
      const options = [
        'header = true',
        'all_varchar = true',
        "encoding = 'utf-8'",
        "quote = '\"'",
        "escape = '\"'",
      ];
      const delimiter = source.delimiter ?? (/\.tsv(\.gz)?$/i.test(source.path) ? '\t' : undefined);
      if (delimiter !== undefined) options.push(`delim = ${sqlString(delimiter)}`);
      return `read_csv(${file}, ${options.join(', ')})`;
    }
  }
}

/** Fails with a clear message when the file is missing, unreadable or empty. */
export function assertReadable(file: string, label: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new BadInputError(`${label}: file not found: ${file}`);
  }
  if (!stat.isFile()) throw new BadInputError(`${label}: not a file: ${file}`);
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch {
    throw new BadInputError(`${label}: file is not readable: ${file}`);
  }
  if (stat.size === 0) throw new BadInputError(`${label}: file is empty: ${file}`);
}

/** The source's columns, read by DuckDB's own reader (for CSV: the header line). */
export async function describeSource(conn: DuckDBConnection, source: SourceFile): Promise<SourceColumn[]> {
  try {
    const reader = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${readerSql(source)}`);
    return reader
      .getRowObjects()
      .map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/No files found|does not exist|No such file/i.test(message))
      throw new BadInputError(`file not found: ${source.path}`);
    throw new BadInputError(
      `${source.path}: could not be read as ${source.format.toUpperCase()}: ${firstLine(message)}`,
    );
  }
}

export function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

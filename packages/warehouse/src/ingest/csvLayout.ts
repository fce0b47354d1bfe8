import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { BadInputError } from '../errors.ts';

/*
 * DuckDB reads the data. This module answers what DuckDB cannot: on which line of the file, as an
 * editor numbers it, does data record N start (quoted fields may span lines), where exactly is a
 * file malformed, and what the header says before DuckDB renames duplicates. Apart from the first
 * bytes and the header line, it is used on the error path only.
 */

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export type Compression = 'gzip' | 'none';

/** gzip by its magic bytes, whatever the file is called (the name can lie either way). */
export function compressionOf(file: string): Compression {
  const head = Buffer.alloc(2);
  const fd = fs.openSync(file, 'r');
  try {
    const read = fs.readSync(fd, head, 0, 2, 0);
    return read === 2 && head[0] === 0x1f && head[1] === 0x8b ? 'gzip' : 'none';
  } finally {
    fs.closeSync(fd);
  }
}

/** The file's bytes, decompressed. A broken gzip stream fails the iteration with a zlib error. */
export function openStream(file: string, compression: Compression): AsyncIterable<Buffer> {
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  if (compression === 'none') return raw;
  const gunzip = zlib.createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  // A scan that stops early destroys the gunzip stream; the file must close with it.
  gunzip.on('close', () => raw.destroy());
  return raw.pipe(gunzip);
}

/** Why a file's bytes ran out early, in words; null when the error is not about compression. */
export function compressionProblem(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('Z_')) return null;
  return code === 'Z_BUF_ERROR'
    ? 'the gzip data ends abruptly: the file is truncated'
    : 'the gzip data is damaged';
}

export interface CsvRecordVisitor {
  /**
   * Called for every non-blank record (0 = header) with its field count and the field count it
   * would have with each other common delimiter. Return false to stop scanning.
   */
  record(
    index: number,
    startLine: number,
    fields: number,
    alternatives: ReadonlyMap<string, number>,
  ): boolean;
}

export interface CsvMalformation {
  line: number;
  reason: string;
}

export interface CsvScanResult {
  /** Where the file stops being CSV (an unclosed quote, text after a closing quote, broken gzip). */
  malformed: CsvMalformation | null;
}

const DELIMITERS = [',', ';', '\t', '|'] as const;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote seen inside a quoted field: it closes the field, or doubles as an escaped quote. */
const QUOTE_IN_QUOTED = 3;

/**
 * Walks the records of a CSV file the way DuckDB's strict reader does (RFC 4180 quoting; a quote
 * inside an unquoted field is an ordinary character; blank lines are skipped), without
 * interpreting field values.
 */
export async function scanCsvRecords(
  file: string,
  delimiter: string,
  compression: Compression,
  visitor: CsvRecordVisitor,
): Promise<CsvScanResult> {
  const delim = delimiter.charCodeAt(0);
  const others = DELIMITERS.filter((d) => d !== delimiter).map((d) => [d, d.charCodeAt(0)] as const);
  const otherCounts = new Map<string, number>();
  let line = 1;
  let state = FIELD_START;
  let quoteLine = 0;
  let recordIndex = 0;
  let recordLine = 1;
  let fields = 1;
  let blank = true;
  let malformed: CsvMalformation | null = null;
  // A lone CR ends a line too (old Mac exports); CRLF counts once.
  let afterCR = false;

  const resetRecord = () => {
    fields = 1;
    blank = true;
    recordLine = line;
    for (const [d] of others) otherCounts.set(d, 1);
  };
  resetRecord();
  const endRecord = (): boolean => {
    if (!blank) {
      const goOn = visitor.record(recordIndex, recordLine, fields, otherCounts);
      recordIndex += 1;
      if (!goOn) return false;
    }
    state = FIELD_START;
    resetRecord();
    return true;
  };

  try {
    scan: for await (const chunk of openStream(file, compression)) {
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i] as number;
        if (byte === LF && afterCR) {
          afterCR = false;
          continue;
        }
        afterCR = byte === CR;
        if (byte === LF || byte === CR) {
          line += 1;
          if (state === QUOTED) continue;
          if (!endRecord()) break scan;
          continue;
        }
        if (state === QUOTED) {
          if (byte === QUOTE) state = QUOTE_IN_QUOTED;
          continue;
        }
        if (state === QUOTE_IN_QUOTED && byte === QUOTE) {
          state = QUOTED;
          continue;
        }
        if (byte === delim) {
          fields += 1;
          state = FIELD_START;
          blank = false;
          continue;
        }
        if (state === QUOTE_IN_QUOTED) {
          malformed = {
            line,
            reason: 'text follows a closing quote (a quote inside a quoted field must be doubled: "")',
          };
          break scan;
        }
        if (state === FIELD_START && byte === QUOTE) {
          state = QUOTED;
          quoteLine = line;
        } else if (state === FIELD_START) {
          state = UNQUOTED;
        }
        for (const [d, code] of others) if (byte === code) otherCounts.set(d, (otherCounts.get(d) ?? 1) + 1);
        blank = false;
      }
    }
  } catch (error) {
    const problem = compressionProblem(error);
    if (problem === null) throw error;
    return { malformed: { line, reason: problem } };
  }
  if (malformed) return { malformed };
  if (state === QUOTED) {
    return { malformed: { line: quoteLine, reason: 'a quoted field opens here and is never closed' } };
  }
  endRecord();
  return { malformed: null };
}

/** Editor line of each 1-based data record (header excluded). */
export async function lineOfRecords(
  file: string,
  delimiter: string,
  compression: Compression,
  records: number[],
): Promise<Map<number, number>> {
  const wanted = new Set(records);
  const found = new Map<number, number>();
  const last = Math.max(0, ...records);
  await scanCsvRecords(file, delimiter, compression, {
    record(index, startLine) {
      if (wanted.has(index)) found.set(index, startLine);
      return index < last;
    },
  });
  return found;
}

export interface CsvStructureError {
  line: number;
  reason: string;
}

/** The first place where the file is not well-formed CSV, or null if it is. */
export async function findCsvStructureError(
  file: string,
  delimiter: string,
  compression: Compression,
): Promise<CsvStructureError | null> {
  let expected = 0;
  let error: CsvStructureError | null = null;
  const result = await scanCsvRecords(file, delimiter, compression, {
    record(index, startLine, fields, alternatives) {
      if (index === 0) {
        expected = fields;
        return true;
      }
      if (fields !== expected) {
        const other = [...alternatives].find(([, count]) => count === expected && expected > 1)?.[0];
        const hint = other
          ? `; it looks ${delimiterName(other)}-delimited, the header ${delimiterName(delimiter)}-delimited`
          : '';
        error = {
          line: startLine,
          reason: `expected ${expected} field${expected === 1 ? '' : 's'} like the header, found ${fields}${hint}`,
        };
        return false;
      }
      return true;
    },
  });
  return error ?? result.malformed;
}

/**
 * The first line that is not UTF-8, or longer than `maxBytes`: problems DuckDB reports without a
 * usable line. Physical lines, counted as an editor does.
 */
export async function findLineProblem(
  file: string,
  compression: Compression,
  maxBytes: number,
): Promise<CsvMalformation | null> {
  let line = 1;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const check = (bytes: Buffer): CsvMalformation | null => {
    if (bytes.length > maxBytes)
      return { line, reason: `the line is longer than ${maxBytes / 1_000_000} MB` };
    if (!isUtf8(bytes)) return { line, reason: 'the line is not UTF-8 text (save the file as UTF-8)' };
    return null;
  };
  try {
    for await (const chunk of openStream(file, compression)) {
      let start = 0;
      for (let at = chunk.indexOf(LF); at !== -1; at = chunk.indexOf(LF, start)) {
        const found = check(Buffer.concat([...pending, chunk.subarray(start, at)]));
        if (found) return found;
        pending = [];
        pendingBytes = 0;
        start = at + 1;
        line += 1;
      }
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > maxBytes) return check(Buffer.concat(pending));
    }
  } catch (error) {
    const problem = compressionProblem(error);
    if (problem === null) throw error;
    return { line, reason: problem };
  }
  return check(Buffer.concat(pending));
}

function delimiterName(delimiter: string): string {
  return delimiter === '\t' ? 'tab' : `"${delimiter}"`;
}

/** The first line of the file (BOM removed): the header, for delimiter detection and raw names. */
export async function readHeaderLine(
  file: string,
  compression: Compression,
  name = path.basename(file),
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of openStream(file, compression)) {
      chunks.push(chunk);
      size += chunk.length;
      if (chunk.includes(LF) || chunk.includes(CR) || size > 1 << 20) break;
    }
  } catch (error) {
    const problem = compressionProblem(error);
    if (problem === null) throw error;
    throw new BadInputError(`${name}: could not be read: ${problem}.`, [], 0, {
      code: 'unreadable',
      file: name,
    });
  }
  const bytes = Buffer.concat(chunks);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new BadInputError(`${name}: is UTF-16 text; save it as UTF-8 (in Excel: "CSV UTF-8").`, [], 0, {
      code: 'unreadable',
      file: name,
    });
  }
  const text = bytes.toString('utf8');
  return (text.split(/\r\n|\r|\n/)[0] ?? '').replace(/^\uFEFF/, '');
}

/** The header's fields as written (quotes removed, spaces kept), in order. */
export function headerFields(header: string, delimiter: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const ch = header[i];
    if (quoted) {
      if (ch === '"' && header[i + 1] === '"') {
        current += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"' && current.trim() === '') {
      quoted = true;
      current = '';
    } else if (header.startsWith(delimiter, i)) {
      fields.push(current);
      current = '';
      i += delimiter.length - 1;
    } else current += ch;
  }
  fields.push(current);
  return fields;
}

/** The delimiter that splits the header into the most fields, counting outside quotes only. */
export function detectDelimiter(header: string): string {
  let best: string = ',';
  let bestCount = 0;
  for (const delimiter of DELIMITERS) {
    let count = 0;
    let inQuotes = false;
    for (const ch of header) {
      if (ch === '"') inQuotes = !inQuotes;
      else if (ch === delimiter && !inQuotes) count += 1;
    }
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

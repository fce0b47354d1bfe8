import fs from 'node:fs';
import zlib from 'node:zlib';

/*
 * DuckDB reads the data. This module only answers two questions DuckDB cannot: on which line of
 * the file, as an editor numbers it, does data record N start (quoted fields may span lines), and
 * where exactly is a file malformed. It is used on the error path only.
 */

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

function openStream(file: string): NodeJS.ReadableStream {
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  return /\.gz$/i.test(file) ? raw.pipe(zlib.createGunzip()) : raw;
}

export interface CsvRecordVisitor {
  /** Called for every non-blank record (0 = header). Return false to stop scanning. */
  record(index: number, startLine: number, fields: number): boolean;
}

export interface CsvScanResult {
  /** Line on which a quoted field opened and never closed, if any. */
  unterminatedQuoteLine: number | null;
}

/** Walks the records of a CSV file, tracking quotes, without interpreting field values. */
export async function scanCsvRecords(
  file: string,
  delimiter: string,
  visitor: CsvRecordVisitor,
): Promise<CsvScanResult> {
  const delim = delimiter.charCodeAt(0);
  let line = 1;
  let inQuotes = false;
  let quoteLine = 0;
  let recordIndex = 0;
  let recordLine = 1;
  let fields = 1;
  let blank = true;
  let stopped = false;

  const endRecord = (): boolean => {
    if (!blank) {
      const goOn = visitor.record(recordIndex, recordLine, fields);
      recordIndex += 1;
      if (!goOn) return false;
    }
    fields = 1;
    blank = true;
    recordLine = line;
    return true;
  };

  for await (const chunk of openStream(file) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (byte === LF) {
        line += 1;
        if (!inQuotes && !endRecord()) {
          stopped = true;
          break;
        }
        continue;
      }
      if (byte === CR) continue;
      if (byte === QUOTE) {
        // A doubled quote inside a quoted field toggles twice and leaves the state unchanged.
        inQuotes = !inQuotes;
        if (inQuotes) quoteLine = line;
      } else if (byte === delim && !inQuotes) {
        fields += 1;
      }
      blank = false;
    }
    if (stopped) break;
  }
  if (!stopped && !inQuotes) endRecord();
  return { unterminatedQuoteLine: !stopped && inQuotes ? quoteLine : null };
}

/** Editor line of each 1-based data record (header excluded). */
export async function lineOfRecords(
  file: string,
  delimiter: string,
  records: number[],
): Promise<Map<number, number>> {
  const wanted = new Set(records);
  const found = new Map<number, number>();
  const last = Math.max(0, ...records);
  await scanCsvRecords(file, delimiter, {
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
): Promise<CsvStructureError | null> {
  let expected = 0;
  let error: CsvStructureError | null = null;
  const result = await scanCsvRecords(file, delimiter, {
    record(index, startLine, fields) {
      if (index === 0) {
        expected = fields;
        return true;
      }
      if (fields !== expected) {
        error = { line: startLine, reason: `expected ${expected} fields like the header, found ${fields}` };
        return false;
      }
      return true;
    },
  });
  if (error) return error;
  if (result.unterminatedQuoteLine !== null) {
    return { line: result.unterminatedQuoteLine, reason: 'a quoted field opens here and is never closed' };
  }
  return null;
}

/** The first line of the file (BOM removed), for delimiter detection. */
export async function readHeaderLine(file: string): Promise<string> {
  let text = '';
  for await (const chunk of openStream(file) as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.includes('\n') || text.length > 1 << 20) break;
  }
  return (text.split('\n')[0] ?? '').replace(/^\uFEFF/, '').replace(/\r$/, '');
}

const DELIMITERS = [',', ';', '\t', '|'] as const;

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

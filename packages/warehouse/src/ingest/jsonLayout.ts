import { type Compression, compressionProblem, openStream } from './csvLayout.ts';

/*
 * The JSON counterpart of csvLayout: where each record starts and where the file stops being
 * JSON, by line as an editor numbers it (DuckDB's own error gives a byte offset, sometimes on the
 * wrong line, and quotes the record). Error path only; it reads the whole file.
 */

/** Larger files are not scanned: the error then names the file without a line. */
const MAX_SCAN_BYTES = 512 * 1024 * 1024;
const MAX_DEPTH = 512;

export interface JsonLayout {
  /** Start line of each record (index 0 = record 1). */
  recordLines: number[];
  /** The first place the file is not an array or sequence of JSON objects, or null. */
  error: { line: number; reason: string } | null;
}

class Malformed extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Scans a JSON array of objects or newline-delimited objects; null when the file is too large. */
export async function scanJson(file: string, compression: Compression): Promise<JsonLayout | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of openStream(file, compression)) {
      size += chunk.length;
      if (size > MAX_SCAN_BYTES) return null;
      chunks.push(chunk);
    }
  } catch (error) {
    const problem = compressionProblem(error);
    if (problem === null) throw error;
    return { recordLines: [], error: { line: 1, reason: problem } };
  }
  return scanJsonText(
    Buffer.concat(chunks)
      .toString('utf8')
      .replace(/^\uFEFF/, ''),
  );
}

export function scanJsonText(text: string): JsonLayout {
  const recordLines: number[] = [];
  let i = 0;
  let line = 1;

  const fail = (reason: string): never => {
    throw new Malformed(line, reason);
  };
  const space = () => {
    while (i < text.length) {
      const ch = text.charCodeAt(i);
      if (ch === 0x0a) line += 1;
      else if (ch !== 0x20 && ch !== 0x09 && ch !== 0x0d) return;
      i += 1;
    }
  };
  const expect = (ch: string, what: string) => {
    if (text[i] !== ch) fail(`not valid JSON: ${what} expected here`);
    i += 1;
  };
  const string = (): string => {
    const start = i;
    i += 1;
    while (i < text.length) {
      const ch = text.charCodeAt(i);
      if (ch === 0x22) {
        i += 1;
        try {
          return JSON.parse(text.slice(start, i)) as string;
        } catch {
          return fail('not valid JSON: a string has a bad escape sequence');
        }
      }
      if (ch === 0x5c) i += 2;
      else if (ch < 0x20) fail('not valid JSON: a string is not closed on its line');
      else i += 1;
    }
    return fail('not valid JSON: a string is never closed');
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      if (ch === '{') object(depth + 1);
      else array(depth + 1);
      return;
    }
    if (ch === '"') {
      string();
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    fail(
      i >= text.length
        ? 'not valid JSON: the file ends in the middle of a value'
        : 'not valid JSON: a value expected here',
    );
  };
  const object = (depth: number): void => {
    const keys = new Set<string>();
    i += 1;
    space();
    if (text[i] === '}') {
      i += 1;
      return;
    }
    for (;;) {
      if (text[i] !== '"') fail('not valid JSON: a quoted field name expected here');
      const key = string();
      if (keys.has(key)) fail(`the field "${key}" appears twice in one object`);
      keys.add(key);
      space();
      expect(':', '":"');
      space();
      value(depth);
      space();
      if (text[i] === '}') {
        i += 1;
        return;
      }
      expect(',', '"," or "}"');
      space();
    }
  };
  const array = (depth: number): void => {
    i += 1;
    space();
    if (text[i] === ']') {
      i += 1;
      return;
    }
    for (;;) {
      value(depth);
      space();
      if (text[i] === ']') {
        i += 1;
        return;
      }
      expect(',', '"," or "]"');
      space();
    }
  };
  const record = () => {
    recordLines.push(line);
    if (text[i] !== '{') fail('a record must be a JSON object with named fields');
    object(1);
  };

  try {
    space();
    if (text[i] === '[') {
      i += 1;
      space();
      if (text[i] === ']') i += 1;
      else {
        for (;;) {
          record();
          space();
          if (text[i] === ']') {
            i += 1;
            break;
          }
          expect(',', '"," or "]"');
          space();
        }
      }
      space();
      if (i < text.length) fail('not valid JSON: text after the closing "]"');
    } else {
      while (i < text.length) {
        record();
        space();
      }
    }
  } catch (error) {
    if (error instanceof Malformed) return { recordLines, error: { line: error.line, reason: error.reason } };
    throw error;
  }
  return { recordLines, error: null };
}

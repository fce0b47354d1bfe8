/**
 * CSV as RFC 4180 says (comma, CRLF, fields with comma, quote or line break quoted, quotes
 * doubled), safe to open in a spreadsheet: a text cell that starts with = + - @ tab or CR would be
 * run as a formula (OWASP "CSV injection"), so it is prefixed with a single quote. Numbers are
 * written as numbers and never altered.
 */
/** First characters that make a spreadsheet read a cell as a formula. */
export const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r'] as const;
/** Characters that make a field need quotes. */
export const QUOTED_CHARACTERS = ['"', ',', '\r', '\n'] as const;

const escapeClass = (chars: readonly string[]) => chars.map((c) => c.replace(/[-\]\\^]/g, '\\$&')).join('');
const FORMULA_START = new RegExp(`^[${escapeClass(FORMULA_STARTS)}]`);
const NEEDS_QUOTES = new RegExp(`[${escapeClass(QUOTED_CHARACTERS)}]`);

export type CsvValue = string | number | boolean | bigint | null | undefined;

export function csvField(value: CsvValue, neutralise = true): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const safe = neutralise && FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvLine(values: readonly CsvValue[], neutralise = true): string {
  return `${values.map((v) => csvField(v, neutralise)).join(',')}\r\n`;
}

/** Excel reads a UTF-8 CSV as UTF-8 only when the file starts with a byte order mark. */
export const UTF8_BOM = '\uFEFF';

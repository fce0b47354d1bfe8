import { type CsvValue, csvLine, UTF8_BOM } from '@retain/schemas';

/**
 * A whole CSV file for a download: a byte order mark (so Excel reads UTF-8), a header line, then the
 * rows, written by the same RFC 4180 writer as `retain query --csv` (text cells that a spreadsheet
 * would run as a formula are neutralised).
 */
export function tableToCsv(columns: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  let text = UTF8_BOM + csvLine(columns);
  for (const row of rows) text += csvLine(row);
  return text;
}

const roundings = new Map<number, Intl.NumberFormat>();

/**
 * A number rounded to `decimals` places the way the dashboard's formatters round it (half away from
 * zero, on the exact value), so the CSV and the table agree to the last digit: 0.12345 at three
 * places is 0.123, as "12.3%" says. -0 becomes 0.
 */
export function csvNumber(value: number, decimals: number): number {
  if (!Number.isFinite(value)) return value;
  let rounding = roundings.get(decimals);
  if (!rounding) {
    rounding = new Intl.NumberFormat('en-US', { maximumFractionDigits: decimals, useGrouping: false });
    roundings.set(decimals, rounding);
  }
  return Number(rounding.format(value)) + 0;
}

/** A file name for a download: the title in lower-case-with-dashes, plus a suffix. */
export function downloadName(title: string, extension: string): string {
  const stem = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${stem || 'retain'}.${extension}`;
}

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

import type { CsvValue } from '@retain/schemas';
import { csvNumber } from './csv.ts';

/**
 * A column of a table that is shown, downloaded as CSV and (for charts) offered as the chart's text
 * alternative: one definition, so the download always holds what the table shows.
 */
export interface Column<R> {
  key: string;
  label: string;
  /** The raw value: what the CSV holds and what sorting uses. */
  value: (row: R) => CsvValue;
  /** How the table shows it; the raw value as text when absent. */
  format?: (row: R) => string;
  numeric?: boolean;
  /**
   * Decimal places the table shows of a numeric value: the CSV holds the value rounded to them, so
   * the file says what the table says (a share shown as 12.3% is 0.123), not 0.12345678901234566.
   */
  decimals?: number;
}

export function tableCsvRows<R>(columns: readonly Column<R>[], rows: readonly R[]): CsvValue[][] {
  return rows.map((row) =>
    columns.map((c) => {
      const value = c.value(row);
      return typeof value === 'number' && c.decimals !== undefined ? csvNumber(value, c.decimals) : value;
    }),
  );
}

export function cellText<R>(column: Column<R>, row: R): string {
  if (column.format) return column.format(row);
  const value = column.value(row);
  return value === null || value === undefined ? '—' : String(value);
}

/** A text column read from a field of the row. */
export function textColumn<R, K extends keyof R & string>(key: K, label: string): Column<R> {
  return {
    key,
    label,
    value: (row) => {
      const v = row[key];
      return v === null || v === undefined ? null : String(v);
    },
  };
}

/**
 * A numeric column read from a field of the row, shown with `format` (e.g. formatPercent). The
 * formatters of format.ts say how many decimals they show, and the CSV is rounded to as many.
 */
export function numberColumn<R, K extends keyof R & string>(
  key: K,
  label: string,
  format: ((value: number | null) => string) & { decimals?: number },
): Column<R> {
  const read = (row: R) => {
    const v = row[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  return {
    key,
    label,
    value: read,
    format: (row) => format(read(row)),
    numeric: true,
    ...(format.decimals === undefined ? {} : { decimals: format.decimals }),
  };
}

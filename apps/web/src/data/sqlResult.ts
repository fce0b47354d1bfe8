import type { RouterOutputs } from '@retain/api';
import type { ChartRow } from './chartData.ts';

export type QueryResult = RouterOutputs['query']['run'];
export type QueryColumn = QueryResult['columns'][number];

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL|REAL)/i;
const TEMPORAL = /^(DATE|TIMESTAMP|TIME)/i;

export const isNumericColumn = (c: QueryColumn) => NUMERIC.test(c.type);

export interface ChartChoice {
  kind: 'none' | 'line' | 'bar';
  x: string;
  y: string[];
}

/**
 * A first chart for a result: dates or text along x, the numeric columns as series (at most four).
 * Line for a time axis, bar otherwise; none when there is nothing numeric to draw.
 */
export function suggestChart(columns: readonly QueryColumn[]): ChartChoice {
  const numeric = columns.filter(isNumericColumn);
  const x =
    columns.find((c) => TEMPORAL.test(c.type)) ?? columns.find((c) => !isNumericColumn(c)) ?? columns[0];
  if (!x || numeric.filter((c) => c.name !== x.name).length === 0)
    return { kind: 'none', x: x?.name ?? '', y: [] };
  return {
    kind: TEMPORAL.test(x.type) ? 'line' : 'bar',
    x: x.name,
    y: numeric
      .filter((c) => c.name !== x.name)
      .slice(0, 4)
      .map((c) => c.name),
  };
}

/** Result rows as chart rows keyed `x`, `y0`, `y1`… (column names may hold any character). */
export function resultChartRows(result: QueryResult, choice: ChartChoice): ChartRow[] {
  const xi = result.columns.findIndex((c) => c.name === choice.x);
  const yi = choice.y.map((name) => result.columns.findIndex((c) => c.name === name));
  return result.rows.map((row) => {
    const out: ChartRow = { x: xi >= 0 ? (row[xi] as string | number | null) : null };
    yi.forEach((index, k) => {
      const v = index >= 0 ? row[index] : null;
      out[`y${k}`] = typeof v === 'number' ? v : v === null || v === undefined ? null : Number(v);
    });
    return out;
  });
}

/** A 0-based offset into the SQL as the 1-based line and column an editor shows. */
export function lineColumn(sql: string, offset: number): { line: number; column: number } {
  const before = sql.slice(0, Math.max(0, Math.min(offset, sql.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** A cell as text for the grid: numbers in the locale, JSON as written, null as an empty mark. */
export function formatCell(
  value: QueryResult['rows'][number][number],
  numberFormat: Intl.NumberFormat,
): string {
  if (value === null) return '∅';
  if (typeof value === 'number') return numberFormat.format(value);
  return String(value);
}

/** An axis label for a result value: midnight timestamps as their day ("2024-01-01 00:00:00" → "2024-01-01"). */
export function axisLabel(value: string | number): string {
  return typeof value === 'string'
    ? value.replace(/^(\d{4}-\d{2}-\d{2})[ T]00:00:00(\.0+)?$/, '$1')
    : String(value);
}

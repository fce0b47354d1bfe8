import { FORMULA_STARTS, QUOTED_CHARACTERS } from '@retain/schemas';
import { sqlString } from './sql.ts';

/**
 * `csvField` (from @retain/schemas) as DuckDB SQL, so that DuckDB can hand over finished CSV
 * lines: one string per row instead of one value per cell, which keeps a long export's garbage,
 * and the native memory that each fetched chunk holds until it is collected, small. Arguments are
 * column names or other cheap expressions: each appears several times in the result.
 */

const char = (c: string) => {
  const code = c.codePointAt(0) ?? 0;
  return code < 32 ? `chr(${code})` : sqlString(c);
};

/** A text cell: NULL as empty, a formula start neutralised with a leading ', quoted when needed. */
export function csvTextSql(expr: string): string {
  // A list function rather than IN (…), which DuckDB may plan as a join against the values.
  const formula = `list_contains([${FORMULA_STARTS.map((c) => c.codePointAt(0)).join(', ')}], ascii(${expr}))`;
  const needsQuotes = QUOTED_CHARACTERS.map((c) => `contains(${expr}, ${char(c)})`).join(' OR ');
  const prefix = `CASE WHEN ${formula} THEN '''' ELSE '' END`;
  return `CASE
      WHEN ${expr} IS NULL THEN ''
      WHEN ${needsQuotes} THEN '"' || ${prefix} || replace(${expr}, '"', '""') || '"'
      ELSE ${prefix} || ${expr}
    END`;
}

/**
 * A DOUBLE cell as JavaScript's String(number) writes it: whole numbers without ".0", NaN and
 * Infinity spelled as JavaScript spells them. DuckDB and JavaScript both write the shortest text
 * that reads back as the same number, but switch to exponents at other magnitudes: the same text
 * for whole numbers below 1e21 (through HUGEINT) and for fractions of at least 0.0001 — what the
 * list's values, rounded to 4 places at most, are.
 */
export function csvNumberSql(expr: string): string {
  return `CASE
      WHEN ${expr} IS NULL THEN ''
      WHEN isnan(${expr}) THEN 'NaN'
      WHEN isinf(${expr}) THEN CASE WHEN ${expr} > 0 THEN 'Infinity' ELSE '-Infinity' END
      WHEN ${expr} = trunc(${expr}) AND abs(${expr}) < 1e21 THEN ${expr}::HUGEINT::VARCHAR
      ELSE ${expr}::VARCHAR
    END`;
}

/** A CSV line without its line break, from cells made by `csvTextSql`, `csvNumberSql` or integers. */
export function csvLineSql(cells: readonly string[]): string {
  // concat_ws leaves out NULL arguments; every cell above is text, never NULL.
  return `concat_ws(',', ${cells.join(', ')})`;
}

import { sqlIdent, sqlString } from '../sql.ts';

/** How a canonical column is typed and parsed. */
export type ColumnKind = 'id' | 'text' | 'timestamp' | 'date' | 'number' | 'boolean' | 'severity';

export interface ConvertOptions {
  dateFormat?: string | undefined;
  decimalSeparator?: '.' | ',' | undefined;
}

/**
 * A conversion of one source value: `strict` raises on bad input (the fast path aborts the
 * transaction), `bad` is true exactly where `strict` would raise or produce an implausible value
 * (the diagnostic path lists those rows), and `reason` says why in words.
 */
export interface Conversion {
  strict: string;
  /** SQL boolean: the value is present but unusable. */
  bad: string;
  reason: string;
  /** SQL: NULL when the source value is missing or blank. */
  present: string;
}

const TRUE_WORDS = ['yes', 'y', 'true', 't', '1'];
const FALSE_WORDS = ['no', 'n', 'false', 'f', '0'];
const SEVERITY_WORDS: Record<string, number> = {
  low: 1,
  minor: 1,
  medium: 2,
  moderate: 2,
  high: 3,
  major: 3,
  critical: 4,
};
const MIN_YEAR = 1900;
const MAX_YEAR = 2200;

const isTextType = (type: string) => /^(VARCHAR|TEXT|STRING)/i.test(type);
const isFloatType = (type: string) => /^(DOUBLE|FLOAT|REAL|DECIMAL)/i.test(type);
const isNumericType = (type: string) => isFloatType(type) || /INT/i.test(type);
const isTemporalType = (type: string) => /^(TIMESTAMP|DATE)/i.test(type);

function words(list: readonly string[]): string {
  return list.map(sqlString).join(', ');
}

/** The text of a source value, trimmed, NULL when blank. */
function textOf(column: string, type: string): string {
  const ref = sqlIdent(column);
  if (isTextType(type)) return `nullif(trim(${ref}), '')`;
  // JSON values of mixed kinds ("20" and 20 in one column): take the scalar's text, unquoted.
  if (/^JSON/i.test(type)) return `nullif(trim(${ref} ->> '$'), '')`;
  // Numeric ids in Parquet/JSON (17850.0) should read as 17850, the way the business writes them.
  if (isFloatType(type)) {
    return `CASE WHEN ${ref} = trunc(${ref}) AND abs(${ref}) < 1e18 THEN CAST(CAST(${ref} AS HUGEINT) AS VARCHAR) ELSE CAST(${ref} AS VARCHAR) END`;
  }
  return `nullif(trim(CAST(${ref} AS VARCHAR)), '')`;
}

function timestampFromText(
  text: string,
  options: ConvertOptions,
): { strict: string; tryParse: string; reason: string } {
  if (options.dateFormat) {
    const format = sqlString(options.dateFormat);
    // A format with %z/%Z yields TIMESTAMPTZ; the cast brings it to UTC (connections run in UTC).
    const zoned = /%[zZ]/.test(options.dateFormat);
    const wrap = (sql: string) => (zoned ? `CAST(${sql} AS TIMESTAMP)` : sql);
    return {
      strict: wrap(`strptime(${text}, ${format})`),
      tryParse: wrap(`try_strptime(${text}, ${format})`),
      reason: `not a date in the format ${options.dateFormat}`,
    };
  }
  // ISO 8601. A plain TIMESTAMP cast ignores a UTC offset, so values that carry one go through
  // TIMESTAMPTZ, which applies it; the common offset-free case stays on the fast cast.
  const zoned = `(ends_with(${text}, 'Z') OR contains(${text}, '+') OR (length(${text}) > 19 AND regexp_matches(${text}, '-\\d\\d:?\\d\\d$')))`;
  return {
    strict: `CASE WHEN ${zoned} THEN CAST(CAST(${text} AS TIMESTAMPTZ) AS TIMESTAMP) ELSE CAST(${text} AS TIMESTAMP) END`,
    tryParse: `CAST(TRY_CAST(${text} AS TIMESTAMPTZ) AS TIMESTAMP)`,
    reason:
      'not an ISO 8601 date (e.g. 2024-01-31 or 2024-01-31 14:05:00); set "dateFormat" in a mapping file for other formats',
  };
}

export function convert(
  column: string,
  type: string,
  kind: ColumnKind,
  options: ConvertOptions = {},
): Conversion {
  const ref = sqlIdent(column);
  const text = textOf(column, type);
  switch (kind) {
    case 'id':
    case 'text':
      return { strict: text, bad: 'false', reason: '', present: text };
    case 'number': {
      if (isNumericType(type)) {
        const value = `CAST(${ref} AS DOUBLE)`;
        return { strict: value, bad: `NOT isfinite(${value})`, reason: 'not a finite number', present: ref };
      }
      const normalised = options.decimalSeparator === ',' ? `replace(${text}, ',', '.')` : text;
      return {
        strict: `CAST(${normalised} AS DOUBLE)`,
        bad: `${text} IS NOT NULL AND NOT coalesce(isfinite(TRY_CAST(${normalised} AS DOUBLE)), false)`,
        reason:
          options.decimalSeparator === ','
            ? 'not a number (decimal comma expected, e.g. 12,50)'
            : 'not a number (use digits and a decimal point, e.g. 12.50; set "decimalSeparator": "," for 12,50)',
        present: text,
      };
    }
    case 'timestamp':
    case 'date': {
      const toKind = (sql: string) => (kind === 'date' ? `CAST(${sql} AS DATE)` : sql);
      if (isTemporalType(type)) {
        const value = toKind(`CAST(${ref} AS TIMESTAMP)`);
        return {
          strict: value,
          bad: `year(${value}) NOT BETWEEN ${MIN_YEAR} AND ${MAX_YEAR}`,
          reason: `date out of range (${MIN_YEAR}–${MAX_YEAR})`,
          present: ref,
        };
      }
      const parsed = timestampFromText(text, options);
      const tried = parsed.tryParse;
      return {
        strict: toKind(parsed.strict),
        bad: `${text} IS NOT NULL AND (${tried} IS NULL OR year(${tried}) NOT BETWEEN ${MIN_YEAR} AND ${MAX_YEAR})`,
        reason: `${parsed.reason}, with a year between ${MIN_YEAR} and ${MAX_YEAR}`,
        present: text,
      };
    }
    case 'boolean': {
      if (/^BOOL/i.test(type)) return { strict: ref, bad: 'false', reason: '', present: ref };
      const lower = `lower(${text})`;
      return {
        strict: `CASE WHEN ${text} IS NULL THEN NULL WHEN ${lower} IN (${words(TRUE_WORDS)}) THEN true WHEN ${lower} IN (${words(FALSE_WORDS)}) THEN false ELSE error('bad boolean') END`,
        bad: `${text} IS NOT NULL AND ${lower} NOT IN (${words([...TRUE_WORDS, ...FALSE_WORDS])})`,
        reason: 'not a yes/no value (yes, no, y, n, true, false, 1, 0)',
        present: text,
      };
    }
    case 'severity': {
      if (isNumericType(type)) {
        return {
          strict: `CAST(${ref} AS INTEGER)`,
          bad: `TRY_CAST(${ref} AS INTEGER) IS NULL`,
          reason: 'not a whole number',
          present: ref,
        };
      }
      const lower = `lower(${text})`;
      const named = Object.entries(SEVERITY_WORDS)
        .map(([word, level]) => `WHEN ${sqlString(word)} THEN ${level}`)
        .join(' ');
      const byName = `CASE ${lower} ${named} END`;
      return {
        strict: `coalesce(TRY_CAST(${text} AS INTEGER), ${byName}, CASE WHEN ${text} IS NULL THEN NULL ELSE error('bad severity') END)`,
        bad: `${text} IS NOT NULL AND TRY_CAST(${text} AS INTEGER) IS NULL AND ${byName} IS NULL`,
        reason: `not a severity (a whole number, or ${Object.keys(SEVERITY_WORDS).join('/')})`,
        present: text,
      };
    }
  }
}

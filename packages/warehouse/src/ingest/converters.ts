import type { DecimalSeparator, IngestIssueCode, IngestSetting, ThousandsSeparator } from '@retain/schemas';
import { sqlIdent, sqlString } from '../sql.ts';

/** How a canonical column is typed and parsed. */
export type ColumnKind = 'id' | 'text' | 'timestamp' | 'date' | 'number' | 'boolean' | 'severity';

export const SQL_TYPES: Record<ColumnKind, string> = {
  id: 'VARCHAR',
  text: 'VARCHAR',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  severity: 'INTEGER',
};

export interface ConvertOptions {
  dateFormat?: string | undefined;
  decimalSeparator?: DecimalSeparator | undefined;
  thousandsSeparator?: ThousandsSeparator | undefined;
}

/** A condition on a source value that makes it unusable, and why in words. */
export interface ValueCheck {
  /** SQL boolean: true where the value is present but unusable. */
  bad: string;
  reason: string;
  code: IngestIssueCode;
  /** The setting that may be wrong rather than the value. */
  field?: IngestSetting | undefined;
}

/**
 * A conversion of one source value: `strict` raises on bad input (the fast path aborts the
 * transaction); `checks` hold exactly where `strict` would raise or produce an implausible value
 * (the diagnostic path lists those rows, first failing check only).
 */
export interface Conversion {
  strict: string;
  checks: ValueCheck[];
  /** SQL: the converted value, NULL where it is missing or does not convert (for cross-column checks). */
  lenient: string;
  /** SQL: NULL when the source value is missing or blank. */
  present: string;
  /**
   * SQL over the stored (converted) column, true where the stored value is unacceptable: checked
   * once after writing, which costs less on the load path than a guard on every value.
   */
  verify?: ((stored: string) => string) | undefined;
}

/** Yes and no as exports write them: English first, then the languages whose headers are known. */
export const TRUE_WORDS = [
  'yes',
  'y',
  'true',
  't',
  '1',
  'ja',
  'j',
  'oui',
  'si',
  'sí',
  'sì',
  'sim',
  'kyllä',
  'kylla',
  'ναι',
  'بله',
  'آری',
];
export const FALSE_WORDS = [
  'no',
  'n',
  'false',
  'f',
  '0',
  'nein',
  'non',
  'nee',
  'não',
  'nao',
  'ei',
  'όχι',
  'οχι',
  'خیر',
  'نه',
];
export const SEVERITY_WORDS: Record<string, number> = {
  low: 1,
  minor: 1,
  medium: 2,
  moderate: 2,
  high: 3,
  major: 3,
  critical: 4,
  // de, fr, es/it/pt, nl, fi, el, fa
  niedrig: 1,
  mittel: 2,
  hoch: 3,
  kritisch: 4,
  faible: 1,
  basse: 1,
  moyenne: 2,
  haute: 3,
  élevée: 3,
  critique: 4,
  baja: 1,
  bassa: 1,
  baixa: 1,
  media: 2,
  média: 2,
  alta: 3,
  crítica: 4,
  critica: 4,
  laag: 1,
  gemiddeld: 2,
  hoog: 3,
  kritiek: 4,
  matala: 1,
  keskitaso: 2,
  korkea: 3,
  kriittinen: 4,
  χαμηλή: 1,
  μεσαία: 2,
  υψηλή: 3,
  κρίσιμη: 4,
  کم: 1,
  متوسط: 2,
  زیاد: 3,
  بحرانی: 4,
};
const MIN_YEAR = 1900;
const MAX_YEAR = 2200;

/**
 * Zone abbreviations. Most are read as the fixed offsets they stand for (as RFC 2822 reads EST or
 * PDT): CEST is +02:00 whatever the date. WET, CET, MET and EET are also zones of the tz database,
 * with summer time, and that is how SAP and other ERPs write them (the zone key of the system, all
 * year): they are read by their zone's rules, so "14:05 CET" in July is 12:05 UTC. Abbreviations
 * that mean different zones in different places (IST, BST in Asia, CST in China) are not guessed;
 * name the zone instead. A value with a leading space is a zone name for ICU, not an offset.
 */
export const ZONE_ABBREVIATIONS: Readonly<Record<string, string>> = {
  UTC: '+00:00',
  UT: '+00:00',
  GMT: '+00:00',
  Z: '+00:00',
  WET: ' WET',
  WEST: '+01:00',
  BST: '+01:00',
  CET: ' CET',
  CEST: '+02:00',
  MET: ' MET',
  MEST: '+02:00',
  EET: ' EET',
  EEST: '+03:00',
  MSK: '+03:00',
  EST: '-05:00',
  EDT: '-04:00',
  CST: '-06:00',
  CDT: '-05:00',
  MST: '-07:00',
  MDT: '-06:00',
  PST: '-08:00',
  PDT: '-07:00',
  AKST: '-09:00',
  AKDT: '-08:00',
  HST: '-10:00',
  JST: '+09:00',
  KST: '+09:00',
  HKT: '+08:00',
  SGT: '+08:00',
  AWST: '+08:00',
  ACST: '+09:30',
  ACDT: '+10:30',
  AEST: '+10:00',
  AEDT: '+11:00',
  NZST: '+12:00',
  NZDT: '+13:00',
};

const isTextType = (type: string) => /^(VARCHAR|TEXT|STRING|CHAR|BPCHAR)(\(|$)/i.test(type);
const isFloatType = (type: string) => /^(DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC)(\(|$)/i.test(type);
const isIntegerType = (type: string) => /^U?(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT)$/i.test(type);
const isNumericType = (type: string) => isFloatType(type) || isIntegerType(type);
const isTemporalType = (type: string) => /^(TIMESTAMP|DATE)(\b|_)/i.test(type);
const isJsonType = (type: string) => /^JSON$/i.test(type);
/** Objects and lists: a JSON record whose field holds `{…}` or `[…]` in every row. */
const isNestedType = (type: string) => /^(STRUCT|MAP|UNION)\b/i.test(type) || /\]$/.test(type);

const NESTED_REASON = 'a nested value (an object or a list) where a single value belongs';
const NUL_REASON = 'contains a NUL character (byte 0): the export is damaged or not text';

function words(list: readonly string[]): string {
  return list.map(sqlString).join(', ');
}

/** The text of a source value, trimmed, NULL when blank. */
function textOf(column: string, type: string): string {
  const ref = sqlIdent(column);
  if (isTextType(type)) return `nullif(trim(${ref}), '')`;
  // JSON values of mixed kinds ("20" and 20 in one column): take the scalar's text, unquoted.
  if (isJsonType(type)) return `nullif(trim(${ref} ->> '$'), '')`;
  // Numeric ids in Parquet/JSON (17850.0) should read as 17850, the way the business writes them.
  if (isFloatType(type)) {
    return `CASE WHEN ${ref} = trunc(${ref}) AND abs(${ref}) < 1e18 THEN CAST(CAST(${ref} AS HUGEINT) AS VARCHAR) ELSE CAST(${ref} AS VARCHAR) END`;
  }
  return `nullif(trim(CAST(${ref} AS VARCHAR)), '')`;
}

/**
 * A value ending in a zone name or abbreviation: "2024-01-31 14:05:00 CET",
 * "2024-07-31T14:05 Europe/Berlin". Group 1 is the clock time, group 2 the zone.
 */
const NAMED_ZONE = String.raw`^(\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*([A-Za-z][A-Za-z_]*(?:/[A-Za-z0-9_+-]+)*)$`;

function namedZone(text: string) {
  const pattern = sqlString(NAMED_ZONE);
  const zone = `regexp_extract(${text}, ${pattern}, 2)`;
  const clock = `regexp_extract(${text}, ${pattern}, 1)`;
  const abbreviations = Object.entries(ZONE_ABBREVIATIONS)
    .map(([name, offset]) => `WHEN ${sqlString(name)} THEN ${sqlString(offset)}`)
    .join(' ');
  // An abbreviation becomes its offset; a name with a slash goes to ICU's zone database as is.
  const suffix = `CASE upper(${zone}) ${abbreviations} ELSE CASE WHEN contains(${zone}, '/') THEN ' ' || ${zone} END END`;
  const zoned = (cast: 'CAST' | 'TRY_CAST') =>
    `CAST(${cast}(strftime(${cast}(${clock} AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%f') || ${suffix} AS TIMESTAMPTZ) AS TIMESTAMP)`;
  return {
    /** Cheap test first: the common offset-free value is 19 characters and ends in a digit. */
    applies: `(length(${text}) > 19 AND regexp_matches(${text}, '[A-Za-z]$') AND NOT regexp_matches(${text}, '\\dZ$'))`,
    strict: `CASE WHEN ${suffix} IS NULL THEN error('unknown time zone') ELSE ${zoned('CAST')} END`,
    tryParse: zoned('TRY_CAST'),
    unknown: `TRY_CAST(${clock} AS TIMESTAMP) IS NOT NULL AND ${zoned('TRY_CAST')} IS NULL`,
  };
}

function timestampFromText(
  text: string,
  options: ConvertOptions,
): { strict: string; tryParse: string; reason: string; zoneCheck: ValueCheck | null } {
  if (options.dateFormat) {
    const format = sqlString(options.dateFormat);
    // A format with %z/%Z yields TIMESTAMPTZ; the cast brings it to UTC (connections run in UTC).
    const zoned = /%[zZ]/.test(options.dateFormat);
    const wrap = (sql: string) => (zoned ? `CAST(${sql} AS TIMESTAMP)` : sql);
    return {
      strict: wrap(`strptime(${text}, ${format})`),
      tryParse: wrap(`try_strptime(${text}, ${format})`),
      reason: `not a date in the format ${options.dateFormat}`,
      zoneCheck: null,
    };
  }
  // ISO 8601. A plain TIMESTAMP cast ignores a UTC offset, so values that carry one go through
  // TIMESTAMPTZ, which applies it; the common offset-free case stays on the fast cast.
  const offset = `(ends_with(${text}, 'Z') OR contains(${text}, '+') OR (length(${text}) > 19 AND regexp_matches(${text}, '-\\d\\d:?\\d\\d$')))`;
  const named = namedZone(text);
  return {
    strict: `CASE WHEN ${named.applies} THEN ${named.strict} WHEN ${offset} THEN CAST(CAST(${text} AS TIMESTAMPTZ) AS TIMESTAMP) ELSE CAST(${text} AS TIMESTAMP) END`,
    tryParse: `CASE WHEN ${named.applies} THEN ${named.tryParse} ELSE CAST(TRY_CAST(${text} AS TIMESTAMPTZ) AS TIMESTAMP) END`,
    reason: 'not an ISO 8601 date (e.g. 2024-01-31 or 2024-01-31 14:05:00)',
    zoneCheck: {
      bad: `${named.applies} AND ${named.unknown}`,
      reason:
        'ends in a time zone that is not known: use an offset (+01:00), a zone name (Europe/Berlin) or UTC, GMT, CET, CEST, EST, EDT, PST, PDT …',
      code: 'timeZone',
    },
  };
}

/**
 * Wraps a conversion so that values failing a guard raise on the fast path and are listed, with
 * the guard's reason, on the diagnostic path.
 */
function guarded(conversion: Conversion, guard: ValueCheck, sqlType: string): Conversion {
  return {
    ...conversion,
    strict: `CASE WHEN ${guard.bad} THEN CAST(error(${sqlString(guard.reason)}) AS ${sqlType}) ELSE ${conversion.strict} END`,
    checks: [guard, ...conversion.checks],
    lenient: `CASE WHEN ${guard.bad} THEN NULL ELSE ${conversion.lenient} END`,
  };
}

export function convert(
  column: string,
  type: string,
  kind: ColumnKind,
  options: ConvertOptions = {},
): Conversion {
  const ref = sqlIdent(column);
  const sqlType = SQL_TYPES[kind];
  if (isNestedType(type)) {
    return {
      strict: `CASE WHEN ${ref} IS NULL THEN NULL ELSE CAST(error(${sqlString(NESTED_REASON)}) AS ${sqlType}) END`,
      checks: [{ bad: `${ref} IS NOT NULL`, reason: NESTED_REASON, code: 'nested' }],
      lenient: `CAST(NULL AS ${sqlType})`,
      present: `CASE WHEN ${ref} IS NULL THEN NULL ELSE 'nested' END`,
    };
  }
  let conversion = convertScalar(column, type, kind, options);
  // Ids and text are taken as they are, so a NUL would be stored; other kinds fail to convert it.
  if ((kind === 'id' || kind === 'text') && (isTextType(type) || isJsonType(type))) {
    const text = isJsonType(type) ? textOf(column, type) : ref;
    conversion = {
      ...conversion,
      checks: [{ bad: `contains(${text}, chr(0))`, reason: NUL_REASON, code: 'nul' }, ...conversion.checks],
      verify: (stored) => `contains(${stored}, chr(0))`,
    };
  }
  if (isJsonType(type)) {
    const nested = `json_type(${ref}) IN ('OBJECT', 'ARRAY')`;
    conversion = guarded(conversion, { bad: nested, reason: NESTED_REASON, code: 'nested' }, sqlType);
  }
  return conversion;
}

function convertScalar(column: string, type: string, kind: ColumnKind, options: ConvertOptions): Conversion {
  const ref = sqlIdent(column);
  const text = textOf(column, type);
  switch (kind) {
    case 'id':
    case 'text':
      return { strict: text, checks: [], lenient: text, present: text };
    case 'number': {
      if (isNumericType(type)) {
        const value = `CAST(${ref} AS DOUBLE)`;
        return {
          strict: value,
          checks: [{ bad: `NOT isfinite(${value})`, reason: 'not a finite number', code: 'number' }],
          lenient: `CASE WHEN isfinite(${value}) THEN ${value} END`,
          present: ref,
        };
      }
      return numberFromText(text, options);
    }
    case 'timestamp':
    case 'date': {
      const toKind = (sql: string) => (kind === 'date' ? `CAST(${sql} AS DATE)` : sql);
      const inRange = (sql: string) => `year(${sql}) BETWEEN ${MIN_YEAR} AND ${MAX_YEAR}`;
      if (isTemporalType(type)) {
        const value = toKind(`CAST(${ref} AS TIMESTAMP)`);
        return {
          strict: value,
          checks: [
            {
              bad: `NOT ${inRange(value)}`,
              reason: `date out of range (${MIN_YEAR}–${MAX_YEAR})`,
              code: 'date',
            },
          ],
          lenient: `CASE WHEN ${inRange(value)} THEN ${value} END`,
          present: ref,
        };
      }
      const parsed = timestampFromText(text, options);
      const tried = parsed.tryParse;
      const checks: ValueCheck[] = [];
      if (parsed.zoneCheck) checks.push(parsed.zoneCheck);
      checks.push({
        bad: `${text} IS NOT NULL AND (${tried} IS NULL OR NOT ${inRange(tried)})`,
        reason: `${parsed.reason}, with a year between ${MIN_YEAR} and ${MAX_YEAR}`,
        code: 'date',
        field: 'dateFormat',
      });
      return {
        strict: toKind(parsed.strict),
        checks,
        lenient: toKind(`CASE WHEN ${inRange(tried)} THEN ${tried} END`),
        present: text,
      };
    }
    case 'boolean': {
      if (/^BOOL/i.test(type)) return { strict: ref, checks: [], lenient: ref, present: ref };
      const lower = `lower(${text})`;
      const value = `CASE WHEN ${lower} IN (${words(TRUE_WORDS)}) THEN true WHEN ${lower} IN (${words(FALSE_WORDS)}) THEN false END`;
      return {
        strict: `CASE WHEN ${text} IS NULL THEN NULL WHEN ${lower} IN (${words(TRUE_WORDS)}) THEN true WHEN ${lower} IN (${words(FALSE_WORDS)}) THEN false ELSE error('bad boolean') END`,
        checks: [
          {
            bad: `${text} IS NOT NULL AND ${lower} NOT IN (${words([...TRUE_WORDS, ...FALSE_WORDS])})`,
            reason: 'not a yes/no value (yes, no, y, n, true, false, 1, 0, ja, nein, oui, non …)',
            code: 'yesNo',
          },
        ],
        lenient: value,
        present: text,
      };
    }
    case 'severity': {
      if (isNumericType(type)) {
        return {
          strict: `CAST(${ref} AS INTEGER)`,
          checks: [
            {
              bad: `${ref} IS NOT NULL AND TRY_CAST(${ref} AS INTEGER) IS NULL`,
              reason: 'not a whole number',
              code: 'severity',
            },
          ],
          lenient: `TRY_CAST(${ref} AS INTEGER)`,
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
        checks: [
          {
            bad: `${text} IS NOT NULL AND TRY_CAST(${text} AS INTEGER) IS NULL AND ${byName} IS NULL`,
            reason: 'not a severity (a whole number, or low/minor/medium/moderate/high/major/critical)',
            code: 'severity',
          },
        ],
        lenient: `coalesce(TRY_CAST(${text} AS INTEGER), ${byName})`,
        present: text,
      };
    }
  }
}

/** How a thousands separator is matched: a space also as the no-break spaces French exports write. */
const THOUSANDS_CLASS: Record<ThousandsSeparator, string> = {
  '.': '\\.',
  ',': ',',
  ' ': '[ \\x{00a0}\\x{202f}]',
  "'": "['\\x{2019}]",
};

/** "1.234,50": how a number with these separators is written, for messages. */
export function numberExample(decimal: DecimalSeparator, thousands: ThousandsSeparator | null): string {
  return `1${thousands ?? ''}234${decimal}50`;
}

/**
 * A number written as text, strictly as the separators say: with a thousands separator the value
 * must be digits in groups of three (or no grouping at all) and one decimal separator, so that
 * 1.234 with "." between thousands is 1234 and, with a decimal point, 1.234; a value that fits
 * neither is refused, never read as something else. Without one, a decimal comma refuses a point
 * (1.234 would otherwise pass as 1.234). The common case (point, no grouping) is a bare cast.
 */
function numberFromText(text: string, options: ConvertOptions): Conversion {
  const decimal = options.decimalSeparator ?? '.';
  const thousands = options.thousandsSeparator ?? null;
  const reason =
    thousands === null
      ? `not a number (digits and a decimal ${decimal === ',' ? 'comma' : 'point'}, e.g. ${numberExample(decimal, null)})`
      : `not a number written like ${numberExample(decimal, thousands)} (decimal ${decimal === ',' ? 'comma' : 'point'}, ${thousandsName(thousands)} between thousands)`;
  const field: IngestSetting = thousands === null ? 'decimalSeparator' : 'thousandsSeparator';
  let misfit: string | null = null;
  let digits = text;
  if (thousands !== null) {
    const group = THOUSANDS_CLASS[thousands];
    const point = decimal === '.' ? '\\.' : ',';
    const pattern = `^[+-]?(\\d{1,3}(${group}\\d{3})+|\\d*)(${point}\\d+)?$`;
    misfit = `NOT regexp_full_match(${text}, ${sqlString(pattern)})`;
    digits = `regexp_replace(${text}, ${sqlString(group)}, '', 'g')`;
  } else if (decimal === ',') {
    misfit = `contains(${text}, '.')`;
  }
  const normalised = decimal === ',' ? `replace(${digits}, ',', '.')` : digits;
  const tried = `TRY_CAST(${normalised} AS DOUBLE)`;
  const strict = misfit
    ? `CASE WHEN ${misfit} THEN CAST(error(${sqlString(reason)}) AS DOUBLE) ELSE CAST(${normalised} AS DOUBLE) END`
    : `CAST(${normalised} AS DOUBLE)`;
  const lenientValue = misfit ? `CASE WHEN NOT (${misfit}) THEN ${tried} END` : tried;
  return {
    strict,
    checks: [
      {
        bad: `${text} IS NOT NULL AND (${misfit ?? 'false'} OR NOT coalesce(isfinite(${tried}), false))`,
        reason,
        code: 'number',
        field,
      },
    ],
    lenient: `CASE WHEN isfinite(${lenientValue}) THEN ${lenientValue} END`,
    present: text,
  };
}

function thousandsName(separator: ThousandsSeparator): string {
  return separator === ' ' ? 'a space' : `"${separator}"`;
}

import {
  CANONICAL_COLUMNS,
  canonicalColumns,
  type DecimalSeparator,
  type IngestIssueCode,
  type IngestSetting,
  type Section,
  type SectionMapping,
  type ThousandsSeparator,
} from '@retain/schemas';
import {
  FALSE_WORDS,
  SEVERITY_WORDS,
  sqlIdent,
  sqlString,
  TRUE_WORDS,
  ZONE_ABBREVIATIONS,
} from '@retain/warehouse';
import { BadInputError } from '@retain/warehouse/errors';
import type { TrinoTarget } from './engineUrl.ts';

/*
 * Trino SQL that reads a retailer's own table as one of Retain's canonical facts, with the rules a
 * file is loaded by (packages/warehouse/src/ingest: plan.ts, converters.ts, ingest.ts): the same
 * column mapping, date formats, number separators, line items and negative lines as returns. A
 * file is converted once, into the database file; a table is converted on every read, by the view
 * these statements define, after the checks here found nothing wrong with it.
 */

/** A table's name, each part as the cluster spells it (lower case). */
export interface TableName {
  catalog: string;
  schema: string;
  table: string;
}

export const tableNameText = (name: TableName) => `${name.catalog}.${name.schema}.${name.table}`;

/** `catalog.schema.table`, or `schema.table` / `table` relative to the engine URL's catalog and schema. */
export function resolveTableName(
  written: string,
  target: Pick<TrinoTarget, 'catalog' | 'schema'>,
): TableName {
  const parts = written.trim().toLowerCase().split('.');
  const [a, b, c] = parts;
  if (parts.length === 3 && a && b && c) return { catalog: a, schema: b, table: c };
  if (parts.length === 2 && a && b) return { catalog: target.catalog.toLowerCase(), schema: a, table: b };
  return {
    catalog: target.catalog.toLowerCase(),
    schema: target.schema.toLowerCase(),
    table: parts[0] ?? '',
  };
}

/** The types of the canonical views, as the analytics and the mapped-facts suites expect them. */
export const VIEW_TYPES: Record<Section, Record<string, string>> = {
  customers: {
    customer_id: 'varchar',
    name: 'varchar',
    email: 'varchar',
    phone: 'varchar',
    region: 'varchar',
    channel: 'varchar',
    signup_date: 'date',
    contact_consent: 'boolean',
  },
  purchases: {
    order_id: 'varchar',
    customer_id: 'varchar',
    order_date: 'timestamp(6)',
    amount: 'double',
    quantity: 'double',
    unit_price: 'double',
    product: 'varchar',
    category: 'varchar',
    channel: 'varchar',
    region: 'varchar',
  },
  complaints: {
    complaint_id: 'varchar',
    customer_id: 'varchar',
    opened_at: 'timestamp(6)',
    resolved_at: 'timestamp(6)',
    category: 'varchar',
    severity: 'integer',
  },
  returns: {
    return_id: 'varchar',
    order_id: 'varchar',
    customer_id: 'varchar',
    returned_at: 'timestamp(6)',
    amount: 'double',
  },
};

type Kind = 'id' | 'text' | 'timestamp' | 'date' | 'number' | 'boolean' | 'severity';

function kindOf(section: Section, column: string): Kind {
  const type = VIEW_TYPES[section][column];
  if (type === 'date') return 'date';
  if (type === 'timestamp(6)') return 'timestamp';
  if (type === 'double') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'integer') return 'severity';
  return column.endsWith('_id') ? 'id' : 'text';
}

/**
 * DuckDB's strptime specifiers (the mapping's notation) in Trino's date_parse notation, which
 * spells minutes %i, seconds %s and month names %M. Zones (%z, %Z) have no date_parse specifier:
 * refused, like a specifier neither engine knows.
 */
const DATE_PARSE: Record<string, string> = {
  '%d': '%d',
  '%-d': '%e',
  '%e': '%e',
  '%m': '%m',
  '%-m': '%c',
  '%Y': '%Y',
  '%y': '%y',
  '%H': '%H',
  '%-H': '%k',
  '%I': '%h',
  '%-I': '%l',
  '%M': '%i',
  '%-M': '%i',
  '%S': '%s',
  '%-S': '%s',
  '%f': '%f',
  '%p': '%p',
  '%b': '%b',
  '%h': '%b',
  '%B': '%M',
  '%a': '%a',
  '%A': '%W',
  '%j': '%j',
  '%T': '%T',
  '%%': '%%',
};

export function trinoDateFormat(format: string): string | { unsupported: string } {
  let out = '';
  for (let i = 0; i < format.length; i += 1) {
    const char = format[i] ?? '';
    if (char !== '%') {
      out += char;
      continue;
    }
    const dash = format[i + 1] === '-';
    const specifier = `%${dash ? '-' : ''}${format[i + (dash ? 2 : 1)] ?? ''}`;
    const translated = DATE_PARSE[specifier];
    if (translated === undefined) return { unsupported: specifier };
    out += translated;
    i += specifier.length - 1;
  }
  return out;
}

/** The settings of one section that shape its conversions. */
export interface TableSectionSettings {
  dateFormat?: string | undefined;
  decimalSeparator?: DecimalSeparator | undefined;
  thousandsSeparator?: ThousandsSeparator | undefined;
}

/** A value check: rows where `bad` holds are counted and the first few shown, with `reason`. */
export interface TableCheck {
  /** The source column as the table spells it (messages). */
  column: string;
  /** SQL: the raw value shown in messages. */
  value: string;
  bad: string;
  reason: string;
  code: IngestIssueCode;
  field: IngestSetting | null;
}

interface TableConversion {
  /** SQL: the converted value, NULL where the source value is missing or does not convert. */
  value: string;
  /** SQL: NULL when the source value is missing or blank. */
  present: string;
  checks: Array<Omit<TableCheck, 'column' | 'value'>>;
}

const MIN_YEAR = 1900;
const MAX_YEAR = 2200;

const isText = (type: string) => /^(varchar|char)\b/i.test(type);
const isFloat = (type: string) => /^(double|real|decimal)\b/i.test(type);
const isInteger = (type: string) => /^(tinyint|smallint|integer|bigint)$/i.test(type);
const isZoned = (type: string) => /with time zone/i.test(type);
const isTemporal = (type: string) => /^(timestamp|date)\b/i.test(type);
const isNested = (type: string) => /^(array|map|row|json)\b/i.test(type);

const NESTED_REASON = 'a nested value (an object or a list) where a single value belongs';
const NUL_REASON = 'contains a NUL character (byte 0): the export is damaged or not text';
const words = (list: readonly string[]) => list.map(sqlString).join(', ');

/** The text of a source value, trimmed, NULL when blank; whole numbers of a float column without ".0". */
export function textOf(ref: string, type: string): string {
  if (isText(type)) return `nullif(trim(${ref}), '')`;
  if (isFloat(type)) {
    return `CASE WHEN ${ref} = floor(${ref}) AND abs(${ref}) < 1e18 THEN CAST(CAST(${ref} AS bigint) AS varchar) ELSE CAST(${ref} AS varchar) END`;
  }
  return `nullif(trim(CAST(${ref} AS varchar)), '')`;
}

const inRange = (value: string) => `year(${value}) BETWEEN ${MIN_YEAR} AND ${MAX_YEAR}`;

/** "2024-01-31 14:05:00 CET", "2024-07-31T14:05 Europe/Berlin": the clock time and the zone. */
const NAMED_ZONE = String.raw`^(\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*([A-Za-z][A-Za-z_]*(?:/[A-Za-z0-9_+-]+)*)$`;

/** ISO 8601 text to a UTC timestamp (NULL where it is not one), and the unknown-zone check. */
function isoTimestamp(text: string): { value: string; unknownZone: string } {
  const spaced = `regexp_replace(${text}, '^(\\d{4}-\\d{1,2}-\\d{1,2})T', '$1 ')`;
  const pattern = sqlString(NAMED_ZONE);
  const clock = `regexp_replace(regexp_extract(${text}, ${pattern}, 1), 'T', ' ')`;
  const zone = `regexp_extract(${text}, ${pattern}, 2)`;
  const abbreviations = Object.entries(ZONE_ABBREVIATIONS)
    .map(([name, offset]) => `WHEN ${sqlString(name)} THEN ${sqlString(offset.trim())}`)
    .join(' ');
  const suffix = `CASE upper(${zone}) ${abbreviations} ELSE CASE WHEN strpos(${zone}, '/') > 0 THEN ${zone} END END`;
  const utc = (zoned: string) => `CAST(${zoned} AT TIME ZONE 'UTC' AS timestamp(6))`;
  const named = `(length(${text}) > 19 AND regexp_like(${text}, '[A-Za-z]$') AND NOT regexp_like(${text}, '\\dZ$'))`;
  const namedValue = utc(`try_cast(${clock} || ' ' || ${suffix} AS timestamp(6) with time zone)`);
  const offset = `(${text} LIKE '%Z' OR strpos(${text}, '+') > 0 OR (length(${text}) > 19 AND regexp_like(${text}, '-\\d\\d:?\\d\\d$')))`;
  const offsetText = `regexp_replace(regexp_replace(${spaced}, 'Z$', ' UTC'), '(\\d)([+-]\\d\\d):?(\\d\\d)$', '$1 $2:$3')`;
  return {
    value: `CASE WHEN ${named} THEN ${namedValue} WHEN ${offset} THEN ${utc(`try_cast(${offsetText} AS timestamp(6) with time zone)`)} ELSE try_cast(${spaced} AS timestamp(6)) END`,
    unknownZone: `${named} AND try_cast(${clock} AS timestamp(6)) IS NOT NULL AND ${namedValue} IS NULL`,
  };
}

/** How a thousands separator is matched: a space also as the no-break spaces French exports write. */
const THOUSANDS_CLASS: Record<ThousandsSeparator, string> = {
  '.': '\\.',
  ',': ',',
  ' ': '[ \u00a0\u202f]',
  "'": "['\u2019]",
};

function numberFromText(text: string, settings: TableSectionSettings): TableConversion {
  const decimal = settings.decimalSeparator ?? '.';
  const thousands = settings.thousandsSeparator ?? null;
  const example = `1${thousands ?? ''}234${decimal}50`;
  const pointName = decimal === ',' ? 'comma' : 'point';
  const reason =
    thousands === null
      ? `not a number (digits and a decimal ${pointName}, e.g. ${example})`
      : `not a number written like ${example} (decimal ${pointName}, ${thousands === ' ' ? 'a space' : `"${thousands}"`} between thousands)`;
  let misfit: string | null = null;
  let digits = text;
  if (thousands !== null) {
    const group = THOUSANDS_CLASS[thousands];
    const point = decimal === '.' ? '\\.' : ',';
    misfit = `NOT regexp_like(${text}, ${sqlString(`^[+-]?(\\d{1,3}(${group}\\d{3})+|\\d*)(${point}\\d+)?$`)})`;
    digits = `regexp_replace(${text}, ${sqlString(group)}, '')`;
  } else if (decimal === ',') {
    misfit = `strpos(${text}, '.') > 0`;
  }
  const normalised = decimal === ',' ? `replace(${digits}, ',', '.')` : digits;
  const tried = `try_cast(${normalised} AS double)`;
  const fits = `${misfit ? `NOT (${misfit}) AND ` : ''}coalesce(is_finite(${tried}), false)`;
  return {
    value: `CASE WHEN ${fits} THEN ${tried} END`,
    present: text,
    checks: [
      {
        bad: `${text} IS NOT NULL AND NOT (${fits})`,
        reason,
        code: 'number',
        field: thousands === null ? 'decimalSeparator' : 'thousandsSeparator',
      },
    ],
  };
}

function convert(ref: string, type: string, kind: Kind, settings: TableSectionSettings): TableConversion {
  if (isNested(type)) {
    return {
      value: 'NULL',
      present: `CASE WHEN ${ref} IS NULL THEN NULL ELSE 'nested' END`,
      checks: [{ bad: `${ref} IS NOT NULL`, reason: NESTED_REASON, code: 'nested', field: null }],
    };
  }
  const text = textOf(ref, type);
  switch (kind) {
    case 'id':
    case 'text':
      return {
        value: text,
        present: text,
        checks: isText(type)
          ? [{ bad: `strpos(${ref}, chr(0)) > 0`, reason: NUL_REASON, code: 'nul', field: null }]
          : [],
      };
    case 'number': {
      if (isFloat(type) || isInteger(type)) {
        const value = `CAST(${ref} AS double)`;
        return {
          value: `CASE WHEN is_finite(${value}) THEN ${value} END`,
          present: `CAST(${ref} AS varchar)`,
          checks: [
            { bad: `NOT is_finite(${value})`, reason: 'not a finite number', code: 'number', field: null },
          ],
        };
      }
      return numberFromText(text, settings);
    }
    case 'timestamp':
    case 'date': {
      const toKind = (value: string) => (kind === 'date' ? `CAST(${value} AS date)` : value);
      if (isTemporal(type)) {
        const value = isZoned(type)
          ? `CAST(${ref} AT TIME ZONE 'UTC' AS timestamp(6))`
          : `CAST(${ref} AS timestamp(6))`;
        return {
          value: toKind(`CASE WHEN ${inRange(value)} THEN ${value} END`),
          present: `CAST(${ref} AS varchar)`,
          checks: [
            {
              bad: `NOT ${inRange(value)}`,
              reason: `date out of range (${MIN_YEAR}–${MAX_YEAR})`,
              code: 'date',
              field: null,
            },
          ],
        };
      }
      const checks: TableConversion['checks'] = [];
      let tried: string;
      let reason: string;
      if (settings.dateFormat) {
        const format = trinoDateFormat(settings.dateFormat);
        if (typeof format !== 'string') throw new Error(`unsupported ${format.unsupported}`); // refused by planTable
        tried = `CAST(try(date_parse(${text}, ${sqlString(format)})) AS timestamp(6))`;
        reason = `not a date in the format ${settings.dateFormat}`;
      } else {
        const iso = isoTimestamp(text);
        tried = iso.value;
        reason = 'not an ISO 8601 date (e.g. 2024-01-31 or 2024-01-31 14:05:00)';
        checks.push({
          bad: iso.unknownZone,
          reason:
            'ends in a time zone that is not known: use an offset (+01:00), a zone name (Europe/Berlin) or UTC, GMT, CET, CEST, EST, EDT, PST, PDT …',
          code: 'timeZone',
          field: null,
        });
      }
      checks.push({
        bad: `${text} IS NOT NULL AND (${tried} IS NULL OR NOT ${inRange(tried)})`,
        reason: `${reason}, with a year between ${MIN_YEAR} and ${MAX_YEAR}`,
        code: 'date',
        field: 'dateFormat',
      });
      return { value: toKind(`CASE WHEN ${inRange(tried)} THEN ${tried} END`), present: text, checks };
    }
    case 'boolean': {
      if (/^boolean$/i.test(type)) return { value: ref, present: ref, checks: [] };
      const lower = `lower(${text})`;
      return {
        value: `CASE WHEN ${lower} IN (${words(TRUE_WORDS)}) THEN true WHEN ${lower} IN (${words(FALSE_WORDS)}) THEN false END`,
        present: text,
        checks: [
          {
            bad: `${text} IS NOT NULL AND ${lower} NOT IN (${words([...TRUE_WORDS, ...FALSE_WORDS])})`,
            reason: 'not a yes/no value (yes, no, y, n, true, false, 1, 0, ja, nein, oui, non …)',
            code: 'yesNo',
            field: null,
          },
        ],
      };
    }
    case 'severity': {
      if (isFloat(type) || isInteger(type)) {
        return {
          value: `try_cast(${ref} AS integer)`,
          present: `CAST(${ref} AS varchar)`,
          checks: [
            {
              bad: `${ref} IS NOT NULL AND try_cast(${ref} AS integer) IS NULL`,
              reason: 'not a whole number',
              code: 'severity',
              field: null,
            },
          ],
        };
      }
      const named = Object.entries(SEVERITY_WORDS)
        .map(([word, level]) => `WHEN ${sqlString(word)} THEN ${level}`)
        .join(' ');
      const value = `coalesce(try_cast(${text} AS integer), CASE lower(${text}) ${named} END)`;
      return {
        value,
        present: text,
        checks: [
          {
            bad: `${text} IS NOT NULL AND ${value} IS NULL`,
            reason: 'not a severity (a whole number, or low/minor/medium/moderate/high/major/critical)',
            code: 'severity',
            field: null,
          },
        ],
      };
    }
  }
}

/** A column of the table: its name and type as the cluster's information_schema gives them. */
export interface SourceColumn {
  name: string;
  type: string;
}

/** One canonical column of a mapped section and where its value comes from. */
export interface TableColumn {
  name: string;
  type: string;
  /** SQL of the converted value (over the source table's row), or NULL. */
  value: string;
  /** The source column feeding it, when mapped. */
  source: SourceColumn | null;
  present: string | null;
}

/** Everything needed to check one table and define its view. */
export interface TablePlan {
  section: Section;
  /** As the mapping wrote it (messages). */
  written: string;
  table: TableName;
  columns: TableColumn[];
  checks: TableCheck[];
  /** SQL: the rows of the table the section keeps (without skipped lines). */
  where: string;
  /** SQL: true for a line without customer (skipRowsWithoutCustomer). */
  skippedRow: string;
  /** SQL: the raw key shown beside a problem (order_id, customer_id, complaint_id …). */
  keyName: string;
  keyValue: string;
  negativeLinesAreReturns: boolean;
}

/** A mapped column the table does not have: the canonical column and the name the mapping gave. */
export interface MissingColumn {
  canonical: string;
  column: string;
  available: string[];
}

/**
 * The plan of one table section: its canonical columns from the table's columns, the value checks,
 * the line-item amount. Returns a MissingColumn when the mapping names a column the table lacks;
 * a setting the cluster cannot follow, or a required column left unmapped, is a BadInputError.
 */
export function planTable(
  section: Section,
  mapping: SectionMapping,
  table: TableName,
  sourceColumns: readonly SourceColumn[],
  label = 'mapping',
): TablePlan | MissingColumn {
  if (mapping.dateFormat !== undefined) {
    const format = trinoDateFormat(mapping.dateFormat);
    const why = !mapping.dateFormat.includes('%')
      ? 'has no % specifier'
      : typeof format === 'string'
        ? null
        : /^%-?[zZ]$/.test(format.unsupported)
          ? `${format.unsupported} (a time zone) cannot be read on a cluster; store the times in UTC or as timestamps`
          : `${format.unsupported} is not a specifier`;
    if (why) {
      throw new BadInputError(
        `${label}: ${section}.dateFormat "${mapping.dateFormat}": ${why}; use strptime specifiers such as %Y %m %d %H %M %S, e.g. "%d/%m/%Y %H:%M".`,
        [],
        0,
        { code: 'invalidSetting', field: 'dateFormat', section, params: { value: mapping.dateFormat } },
      );
    }
  }
  const settings: TableSectionSettings = {
    dateFormat: mapping.dateFormat,
    decimalSeparator: mapping.decimalSeparator,
    thousandsSeparator: mapping.thousandsSeparator,
  };
  const known = canonicalColumns(section);
  for (const canonical of Object.keys(mapping.columns ?? {})) {
    if (!known.includes(canonical)) {
      throw new BadInputError(
        `${label}: ${section}: unknown canonical column "${canonical}"; ${section} has: ${known.join(', ')}.`,
        [],
        0,
        { code: 'unknownColumn', field: 'columns', section, params: { column: canonical } },
      );
    }
  }
  const byName = new Map(sourceColumns.map((c) => [c.name.trim().toLowerCase(), c]));
  const wanted: Record<string, string> =
    mapping.columns ??
    Object.fromEntries(canonicalColumns(section).flatMap((c) => (byName.has(c) ? [[c, c]] : [])));
  const columns: TableColumn[] = [];
  const ownChecks = new Map<string, TableConversion['checks']>();
  for (const name of canonicalColumns(section)) {
    const type = VIEW_TYPES[section][name] ?? 'varchar';
    const header = wanted[name];
    if (header === undefined) {
      columns.push({ name, type, value: 'NULL', source: null, present: null });
      continue;
    }
    const source = byName.get(header.trim().toLowerCase());
    if (!source) return { canonical: name, column: header, available: sourceColumns.map((c) => c.name) };
    const conversion = convert(sqlIdent(source.name), source.type, kindOf(section, name), settings);
    columns.push({ name, type, value: conversion.value, source, present: conversion.present });
    ownChecks.set(name, conversion.checks);
  }
  const column = (name: string) => columns.find((c) => c.name === name);
  const amount = column('amount');
  const quantity = column('quantity');
  const unitPrice = column('unit_price');
  const product = section === 'purchases' && amount?.source === null && quantity?.source && unitPrice?.source;
  if (product && amount && quantity && unitPrice) {
    // Rounded to 1/10,000 as the file path rounds it: quantity × price in binary floating point.
    amount.value = `round((${quantity.value}) * (${unitPrice.value}), 4)`;
  }
  for (const required of CANONICAL_COLUMNS[section].required) {
    const c = column(required);
    const derived = (required === 'amount' && product) || (section === 'returns' && required === 'return_id');
    if (c?.source === null && !derived) {
      const extra = required === 'amount' ? ', or map quantity and unit_price' : '';
      throw new BadInputError(
        `${label}: ${section}: required column ${required} is not mapped: add "${required}": "<column of ${tableNameText(table)}>" to its columns${extra}.`,
        [],
        0,
        { code: 'unmappedColumn', field: 'columns', section, params: { column: required } },
      );
    }
  }

  const customer = column('customer_id');
  const skips = mapping.skipRowsWithoutCustomer === true;
  const skippedRow = skips && customer?.present ? `${customer.present} IS NULL` : 'false';
  const keyColumn = [column(CANONICAL_COLUMNS[section].required[0]), customer].find((c) => c?.source);
  const keyValue = keyColumn?.source
    ? textOf(sqlIdent(keyColumn.source.name), keyColumn.source.type)
    : 'NULL';

  const checks: TableCheck[] = [];
  const required = new Set<string>(CANONICAL_COLUMNS[section].required);
  for (const c of columns) {
    if (!c.source || c.present === null) continue;
    const raw = `CAST(${sqlIdent(c.source.name)} AS varchar)`;
    if (required.has(c.name) && !(c.name === 'customer_id' && skips)) {
      checks.push({
        column: c.source.name,
        value: raw,
        bad: `${c.present} IS NULL`,
        reason: 'required value is empty',
        code: 'required',
        field: c.name === 'customer_id' ? 'skipRowsWithoutCustomer' : null,
      });
    }
    for (const check of ownChecks.get(c.name) ?? [])
      checks.push({ column: c.source.name, value: raw, ...check });
  }
  if (product && quantity?.source && unitPrice?.source) {
    for (const [of, other] of [
      [quantity, 'unit price'],
      [unitPrice, 'quantity'],
    ] as const) {
      if (!of.source || of.present === null) continue;
      checks.push({
        column: of.source.name,
        value: `CAST(${sqlIdent(of.source.name)} AS varchar)`,
        bad: `${of.present} IS NULL`,
        reason: `required value is empty (amount is ${of === quantity ? 'quantity' : 'unit price'} × ${other})`,
        code: 'required',
        field: null,
      });
    }
  }
  const opened = column('opened_at');
  const resolved = column('resolved_at');
  if (opened?.source && resolved?.source) {
    checks.push({
      column: resolved.source.name,
      value: `CAST(${sqlIdent(resolved.source.name)} AS varchar)`,
      bad: `(${resolved.value}) < (${opened.value})`,
      reason: `resolved before it was opened (opened: column "${opened.source.name}")`,
      code: 'resolvedBeforeOpened',
      field: null,
    });
  }
  return {
    section,
    written: mapping.table ?? tableNameText(table),
    table,
    columns,
    checks,
    where: skippedRow === 'false' ? 'true' : `NOT (${skippedRow})`,
    skippedRow,
    keyName: keyColumn?.name ?? 'row',
    keyValue,
    negativeLinesAreReturns: section === 'purchases' && mapping.negativeLinesAreReturns === true,
  };
}

/** How many examples each problem shows. */
export const EXAMPLES = 5;

const quotedTable = (t: TableName) => `${sqlIdent(t.catalog)}.${sqlIdent(t.schema)}.${sqlIdent(t.table)}`;

/** A negative line (quantity or amount below zero), over the converted columns. */
const NEGATIVE = '(coalesce(quantity < 0, false) OR amount < 0)';

/**
 * One aggregate statement over the table: its rows, the lines skipped for want of a customer, the
 * negative lines, and per check the rows that fail it (only the first failing check of a column
 * counts, as a file reports one problem per value) with the first few keys and values.
 */
export function checkStatement(plan: TablePlan): string {
  const parts = [
    'count(*) AS rows_read',
    `count_if(${plan.skippedRow}) AS rows_skipped`,
    `count_if((${plan.where}) AND ${negativeOfSource(plan)}) AS rows_negative`,
  ];
  plan.checks.forEach((check, i) => {
    const earlier = plan.checks
      .slice(0, i)
      .filter((e) => e.column === check.column)
      .map((e) => `coalesce(${e.bad}, false)`);
    const bad = `(${plan.where}) AND coalesce(${check.bad}, false)${earlier.length > 0 ? ` AND NOT (${earlier.join(' OR ')})` : ''}`;
    parts.push(`count_if(${bad}) AS c${i}`);
    parts.push(
      `min(CAST(ROW(coalesce(${plan.keyValue}, ''), ${check.value}) AS ROW(k varchar, v varchar)), ${EXAMPLES}) FILTER (WHERE ${bad}) AS e${i}`,
    );
  });
  return `SELECT ${parts.join(',\n  ')}\nFROM ${quotedTable(plan.table)}`;
}

/** Negative lines over the source row (the converted quantity and amount), for the count. */
function negativeOfSource(plan: TablePlan): string {
  if (!plan.negativeLinesAreReturns) return 'false';
  const value = (name: string) => plan.columns.find((c) => c.name === name)?.value ?? 'NULL';
  return `(coalesce((${value('quantity')}) < 0, false) OR (${value('amount')}) < 0)`;
}

/** The canonical columns of the section's kept rows, typed as the views are. */
export function convertedSelect(plan: TablePlan): string {
  const list = plan.columns
    .map((c) => `CAST(${c.value} AS ${c.type}) AS ${sqlIdent(c.name)}`)
    .join(',\n    ');
  return `SELECT ${list}\n  FROM ${quotedTable(plan.table)}\n  WHERE ${plan.where}`;
}

/** Keyed sections: ids on rows that disagree (identical rows are one row, as a load keeps them). */
export function conflictStatement(plan: TablePlan): string | null {
  const key = CANONICAL_COLUMNS[plan.section].required[0];
  if (plan.section === 'purchases' || !plan.columns.find((c) => c.name === key)?.source) return null;
  const k = sqlIdent(key);
  return `SELECT ${k} AS k, count(*) OVER () AS total
  FROM (SELECT DISTINCT * FROM (${convertedSelect(plan)}))
  GROUP BY ${k} HAVING count(*) > 1
  ORDER BY ${k} LIMIT ${EXAMPLES}`;
}

const RETURN_COLUMNS = ['return_id', 'order_id', 'customer_id', 'returned_at', 'amount'] as const;

/** The view's query for a section, from its plan and, for returns, the purchases' negative lines. */
export function viewQuery(section: Section, plan: TablePlan | null, purchases: TablePlan | null): string {
  if (section === 'purchases' && plan) {
    const converted = convertedSelect(plan);
    return plan.negativeLinesAreReturns ? `SELECT * FROM (${converted}) WHERE NOT ${NEGATIVE}` : converted;
  }
  const lines = section === 'returns' && purchases?.negativeLinesAreReturns ? purchases : null;
  if (!plan && !lines) return emptyQuery(section);
  if (section !== 'returns') return `SELECT DISTINCT * FROM (${convertedSelect(plan as TablePlan)})`;
  const parts: string[] = [];
  const list = RETURN_COLUMNS.map(sqlIdent).join(', ');
  if (plan) parts.push(`SELECT ${list} FROM (${convertedSelect(plan)})`);
  if (lines) {
    parts.push(
      `SELECT CAST(NULL AS varchar) AS return_id, order_id, customer_id, order_date AS returned_at, abs(amount) AS amount
  FROM (${convertedSelect(lines)}) WHERE ${NEGATIVE}`,
    );
  }
  const derived = !plan?.columns.find((c) => c.name === 'return_id')?.source || lines !== null;
  const union = parts.join('\nUNION ALL\n');
  if (!derived) return `SELECT DISTINCT * FROM (${union})`;
  // Returns without an id get one from their content; identical rows are numbered, so that each
  // negative line is one return, as a load numbers them.
  const content = `concat_ws(chr(31), coalesce(order_id, ''), coalesce(customer_id, ''), coalesce(CAST(returned_at AS varchar), ''), coalesce(CAST(amount AS varchar), ''))`;
  const group = `PARTITION BY order_id, customer_id, returned_at, amount, return_id IS NULL`;
  return `SELECT DISTINCT coalesce(return_id, 'R' || lower(to_hex(xxhash64(to_utf8(${content})))) ||
    CASE WHEN row_number() OVER (${group}) > 1 THEN '-' || CAST(row_number() OVER (${group}) AS varchar) ELSE '' END) AS return_id,
    order_id, customer_id, returned_at, amount
  FROM (${union})`;
}

/** No rows, the canonical columns: a section the mapping leaves out. */
export function emptyQuery(section: Section): string {
  const list = Object.entries(VIEW_TYPES[section])
    .map(([name, type]) => `CAST(NULL AS ${type}) AS ${sqlIdent(name)}`)
    .join(', ');
  return `SELECT ${list} WHERE false`;
}

export function createViewStatement(target: TableName, query: string): string {
  return `CREATE OR REPLACE VIEW ${quotedTable(target)} AS\n${query}`;
}

/**
 * The view, beside the facts' views, that says what a load says with a file: the currency of the
 * amounts. Every machine serving from the schema reads it there (a file's load keeps it in meta).
 */
export const SETTINGS_VIEW = 'retain_settings';

/** The settings view's statement: the currency, an ISO 4217 code already checked (three letters). */
export function settingsViewQuery(currency: string): string {
  return `SELECT CAST(${sqlString(currency)} AS varchar) AS currency`;
}

export function dropViewStatement(target: TableName): string {
  return `DROP VIEW IF EXISTS ${quotedTable(target)}`;
}

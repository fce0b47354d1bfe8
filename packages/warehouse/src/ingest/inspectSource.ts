import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  DATE_FORMAT_CANDIDATES,
  type DecimalSeparator,
  type SourceInspection,
  type ThousandsSeparator,
} from '@retain/schemas';
import { sqlIdent, sqlString } from '../sql.ts';
import type { Warehouse } from '../Warehouse.ts';
import { convert, FALSE_WORDS, numberExample, TRUE_WORDS } from './converters.ts';
import { type ColumnProfile, proposeMapping } from './proposeMapping.ts';
import { describeSource, openSource, readerSql, type SourceColumn, unreadable } from './sourceFile.ts';

const SAMPLE_ROWS = 20;
/** Rows whose values say what each column holds. */
const PROFILE_ROWS = 1_000;
/** Rows whose values decide the date format and separators: enough to meet a day after the 12th. */
const DECIDE_ROWS = 100_000;
const DATE_COLUMNS = new Set(['order_date', 'opened_at', 'resolved_at', 'returned_at', 'signup_date']);
const NUMBER_COLUMNS = new Set(['amount', 'quantity', 'unit_price']);

interface NumberFormat {
  decimalSeparator: DecimalSeparator;
  thousandsSeparator: ThousandsSeparator | null;
}

/** Ways of writing numbers, the plainest first: among those that read every value alike, the first wins. */
const NUMBER_FORMATS: readonly NumberFormat[] = [
  { decimalSeparator: '.', thousandsSeparator: null },
  { decimalSeparator: ',', thousandsSeparator: null },
  { decimalSeparator: ',', thousandsSeparator: '.' },
  { decimalSeparator: '.', thousandsSeparator: ',' },
  { decimalSeparator: ',', thousandsSeparator: ' ' },
  { decimalSeparator: '.', thousandsSeparator: ' ' },
  { decimalSeparator: '.', thousandsSeparator: "'" },
  { decimalSeparator: ',', thousandsSeparator: "'" },
];

/**
 * A first look at an uploaded export: its headers, a few rows, and a proposed mapping with the
 * date format and separators that fit its values. Reads only the start of the file.
 */
export async function inspectSource(
  warehouse: Warehouse,
  file: string,
  displayName?: string,
): Promise<SourceInspection> {
  const name = displayName ?? path.basename(file);
  const source = await openSource(file, name, { name });
  return warehouse.readEngine(async ({ connection: conn }) => {
    const columns = await describeSource(conn, source);
    const headers = columns.map((c) => c.header);
    const reader = readerSql(source);
    // The first rows can hold what the header line did not show (a ragged row, a broken record):
    // the same scan as a load names the line, and DuckDB's own words never reach the page.
    const read = async (sql: string) => {
      try {
        return await conn.runAndReadAll(sql);
      } catch (error) {
        throw await unreadable(source, error);
      }
    };
    const textColumns = columns.map((c) => `CAST(${sqlIdent(c.name)} AS VARCHAR)`).join(', ');
    const sample = (await read(`SELECT ${textColumns} FROM ${reader} LIMIT ${SAMPLE_ROWS}`))
      .getRows()
      .map((row) => row.map((v) => (v === null ? '' : String(v))));
    const profiles = await profileColumns(read, reader, columns);
    const proposal = proposeMapping(headers, name, profiles);
    const notes: string[] = [];
    const fieldsOf = (wanted: Set<string>) =>
      Object.entries(proposal.columns)
        .filter(([canonical]) => wanted.has(canonical))
        .map(([, header]) => columns.find((c) => c.header === header)?.name)
        .filter((field): field is string => field !== undefined);

    const dates = await proposeDateFormat(read, reader, fieldsOf(DATE_COLUMNS));
    if (dates.note) notes.push(dates.note);
    const numbers = await proposeNumberFormat(read, reader, fieldsOf(NUMBER_COLUMNS));
    if (numbers.note) notes.push(numbers.note);
    if (proposal.confidence < 1)
      notes.push(`Not every required ${proposal.section} column was recognised; map the rest by hand.`);

    return {
      name,
      format: source.format,
      delimiter: source.delimiter ?? null,
      headers,
      sample,
      proposal: {
        section: proposal.section,
        columns: proposal.columns,
        confidence: proposal.confidence,
        sections: proposal.sections,
        dateFormat: dates.format,
        dateFormatChoices: dates.choices,
        ...numbers.format,
        numberFormatChoices: numbers.choices,
      },
      notes,
    };
  });
}

type Read = (sql: string) => ReturnType<DuckDBConnection['runAndReadAll']>;

/** Non-blank values of some columns among the first `rows` rows, as `v` (and their row as `rn`). */
function valuesSql(reader: string, fields: readonly string[], rows: number): string {
  const list = fields.map((f) => `CAST(${sqlIdent(f)} AS VARCHAR)`).join(', ');
  return `SELECT rn, nullif(trim(x), '') AS v FROM (
      SELECT rn, unnest([${list}]) AS x
      FROM (SELECT row_number() OVER () AS rn, * FROM (SELECT * FROM ${reader} LIMIT ${rows})))
    WHERE nullif(trim(x), '') IS NOT NULL`;
}

const NUMBER_SHAPE = String.raw`^[+-]?(\d{1,3}([.,' \x{00a0}\x{202f}\x{2019}]\d{3})+|\d*)([.,]\d+)?$`;
const DATE_SHAPE = String.raw`^(\d{4}-\d{1,2}-\d{1,2}([T ].*)?|\d{1,2}[./-]\d{1,2}[./-](\d{4}|\d{2})( \d{1,2}:\d{2}(:\d{2})?)?|\d{4}/\d{1,2}/\d{1,2}( \d{1,2}:\d{2}(:\d{2})?)?)$`;
const EMAIL_SHAPE = String.raw`^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$`;
const PHONE_SHAPE = String.raw`^(\+|00|0|\()[\d ()./-]{5,}\d$`;
// One token without spaces (Unicode classes such as \p{L} cost RE2 a quarter second to compile).
const ID_SHAPE = String.raw`^[^\s@,;]{1,40}$`;

/** What the first values of every column look like, in one pass over the first rows. */
async function profileColumns(
  read: Read,
  reader: string,
  columns: readonly SourceColumn[],
): Promise<ColumnProfile[]> {
  if (columns.length === 0) return [];
  const yesNo = [...TRUE_WORDS, ...FALSE_WORDS].map(sqlString).join(', ');
  const measures = columns.map((c, i) => {
    const v = `nullif(trim(CAST(${sqlIdent(c.name)} AS VARCHAR)), '')`;
    const shaped = (pattern: string) =>
      `count(*) FILTER (WHERE regexp_full_match(${v}, ${sqlString(pattern)}))`;
    const digits = `length(regexp_replace(${v}, '\\D', '', 'g'))`;
    return [
      `count(${v}) AS values_${i}`,
      `count(DISTINCT ${v}) AS distinct_${i}`,
      `${shaped(DATE_SHAPE)} AS dates_${i}`,
      `${shaped(EMAIL_SHAPE)} AS emails_${i}`,
      `count(*) FILTER (WHERE regexp_full_match(${v}, ${sqlString(PHONE_SHAPE)}) AND ${digits} BETWEEN 7 AND 15) AS phones_${i}`,
      `count(*) FILTER (WHERE regexp_full_match(${v}, ${sqlString(NUMBER_SHAPE)}) AND regexp_matches(${v}, '\\d')) AS numbers_${i}`,
      `count(*) FILTER (WHERE regexp_full_match(${v}, ${sqlString(NUMBER_SHAPE)}) AND regexp_matches(${v}, '\\d[.,]\\d\\d$')) AS two_decimals_${i}`,
      `count(*) FILTER (WHERE regexp_full_match(${v}, '^[+-]?\\d+$')) AS integers_${i}`,
      `count(*) FILTER (WHERE regexp_full_match(${v}, '^[+-]?\\d{1,3}$')) AS small_integers_${i}`,
      `count(*) FILTER (WHERE lower(${v}) IN (${yesNo})) AS yes_no_${i}`,
      `count(*) FILTER (WHERE regexp_full_match(${v}, ${sqlString(ID_SHAPE)}) AND regexp_matches(${v}, '\\d')) AS ids_${i}`,
    ].join(', ');
  });
  const row = (
    await read(`SELECT ${measures.join(', ')} FROM (SELECT * FROM ${reader} LIMIT ${PROFILE_ROWS})`)
  ).getRowObjectsJson()[0];
  const at = (name: string, i: number) => Number(row?.[`${name}_${i}`] ?? 0);
  return columns.map((_, i) => ({
    values: at('values', i),
    distinct: at('distinct', i),
    dates: at('dates', i),
    emails: at('emails', i),
    phones: at('phones', i),
    numbers: at('numbers', i),
    twoDecimals: at('two_decimals', i),
    integers: at('integers', i),
    smallIntegers: at('small_integers', i),
    yesNo: at('yes_no', i),
    ids: at('ids', i),
  }));
}

/** "%m/%d/%Y" for "%d/%m/%Y": the same dates read month first. Null where no export swaps them. */
function swapDayAndMonth(format: string): string | null {
  if (!/^%[dm]/.test(format) || format.startsWith('%d.')) return null;
  return format.replace(/%([dm])/g, (_, c: string) => (c === 'd' ? '%m' : '%d'));
}

/** How many of the first `rows` rows' values each parser reads, and (`reading`) what it reads. */
async function countReadings(
  read: Read,
  reader: string,
  fields: readonly string[],
  parsers: readonly string[],
  rows: number,
): Promise<{ values: number; counts: number[]; readings: string[]; example: string | null }> {
  const sql = `SELECT count(*), ${parsers
    .map((p) => `count(*) FILTER (WHERE (${p}) IS NOT NULL), bit_xor(hash(rn, ${p}))`)
    .join(', ')}, min(v) FILTER (WHERE regexp_matches(v, '^\\d{1,2}[/-]\\d{1,2}[/-]'))
    FROM (${valuesSql(reader, fields, rows)})`;
  const row = (await read(sql)).getRows()[0] ?? [];
  const example = row[row.length - 1];
  return {
    values: Number(row[0] ?? 0),
    counts: parsers.map((_, i) => Number(row[1 + i * 2] ?? 0)),
    readings: parsers.map((_, i) => String(row[2 + i * 2])),
    example: typeof example === 'string' ? example : null,
  };
}

const dateParser = (format: string | null) =>
  convert('v', 'VARCHAR', 'timestamp', { dateFormat: format ?? undefined }).lenient;

/**
 * The load's own parser decides which formats fit the dates: the one that fits most of them (a few
 * bad values are the load's to list). When a format and its day/month swap fit as many, a day
 * after the 12th further down decides; with none in the first 100,000 rows both are offered and
 * neither is chosen. Dates with dots are day first: no export writes month.day.year.
 */
async function proposeDateFormat(
  read: Read,
  reader: string,
  fields: readonly string[],
): Promise<{ format: string | null; choices: string[]; note: string | null }> {
  const none = { format: null, choices: [], note: null };
  if (fields.length === 0) return none;
  const formats = [...new Set(DATE_FORMAT_CANDIDATES.flatMap((f) => [f, swapDayAndMonth(f) ?? f]))];
  const first = await countReadings(read, reader, fields, [null, ...formats].map(dateParser), PROFILE_ROWS);
  const { values } = first;
  const [iso = 0, ...counts] = first.counts;
  const most = Math.max(...counts);
  if (values === 0) return none;
  const misfits = (fitting: number, what: string) =>
    fitting < values
      ? `${(values - fitting).toLocaleString('en-US')} of the first ${values.toLocaleString('en-US')} dates ${what}; the load will list them.`
      : null;
  if (iso >= most && iso > 0) return { ...none, note: misfits(iso, 'are not ISO 8601 dates') };
  const best = formats[counts.indexOf(most)];
  if (best === undefined || most === 0) {
    return {
      ...none,
      note: 'No common date format fits the dates in the first rows; choose the date format by hand.',
    };
  }
  const swapped = swapDayAndMonth(best);
  if (swapped === null || counts[formats.indexOf(swapped)] !== most) {
    return { format: best, choices: [], note: misfits(most, `do not fit ${best}`) };
  }
  const dayFirst = best.startsWith('%d') ? best : swapped;
  const monthFirst = dayFirst === best ? swapped : best;
  // Only now read further: a file sorted by date may reach the 13th of a month after many rows.
  const deep = await countReadings(read, reader, fields, [dayFirst, monthFirst].map(dateParser), DECIDE_ROWS);
  const [byDay = 0, byMonth = 0] = deep.counts;
  if (byDay !== byMonth) {
    const format = byDay > byMonth ? dayFirst : monthFirst;
    return { format, choices: [], note: misfits(most, `do not fit ${format}`) };
  }
  const shown = deep.example ? `“${deep.example}”` : 'A date such as 03/01/2025';
  return {
    format: null,
    choices: [dayFirst, monthFirst],
    note: `${shown} can be day first or month first, and no date in the first rows has a day after the 12th: choose the date format.`,
  };
}

const numberParser = (f: NumberFormat) =>
  convert('v', 'VARCHAR', 'number', {
    decimalSeparator: f.decimalSeparator,
    thousandsSeparator: f.thousandsSeparator ?? undefined,
  }).lenient;

/**
 * The load's own parser decides which separators read the numbers: those that read most of them.
 * Separators that read the values alike are one (the plainest is proposed); separators that read
 * them differently (1.234 as 1.234 or as 1234) are tried further down the file, and if the values
 * still cannot decide, offered for the user to choose.
 */
async function proposeNumberFormat(
  read: Read,
  reader: string,
  fields: readonly string[],
): Promise<{ format: NumberFormat; choices: NumberFormat[]; note: string | null }> {
  const plain = NUMBER_FORMATS[0] as NumberFormat;
  if (fields.length === 0) return { format: plain, choices: [], note: null };
  const decide = async (formats: readonly NumberFormat[], rows: number) => {
    const { values, counts, readings } = await countReadings(
      read,
      reader,
      fields,
      formats.map(numberParser),
      rows,
    );
    const most = Math.max(...counts);
    const distinct = new Map<string, NumberFormat>();
    formats.forEach((f, i) => {
      const reading = readings[i] ?? '';
      if (counts[i] === most && !distinct.has(reading)) distinct.set(reading, f);
    });
    return { values, most, choices: [...distinct.values()] };
  };
  const first = await decide(NUMBER_FORMATS, PROFILE_ROWS);
  if (first.values === 0) return { format: plain, choices: [], note: null };
  const note =
    first.most < first.values
      ? `${(first.values - first.most).toLocaleString('en-US')} of the first ${first.values.toLocaleString('en-US')} amounts are not numbers in any common form; the load will list them.`
      : null;
  const settled = first.choices.length > 1 ? await decide(first.choices, DECIDE_ROWS) : first;
  const format = settled.choices[0] ?? plain;
  if (settled.choices.length === 1) return { format, choices: [], note };
  const ways = settled.choices
    .map((c) => numberExample(c.decimalSeparator, c.thousandsSeparator))
    .join(' or ');
  return {
    format,
    choices: settled.choices,
    note: `The numbers can be read more than one way (written like ${ways}): choose the decimal and thousands separators.`,
  };
}

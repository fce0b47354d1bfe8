import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  CANONICAL_COLUMNS,
  canonicalColumns,
  type DecimalSeparator,
  type IngestIssueCode,
  type IngestSetting,
  type Section,
  type ThousandsSeparator,
} from '@retain/schemas';
import { type BadInputDetail, BadInputError } from '../errors.ts';
import { sqlIdent, sqlString } from '../sql.ts';
import { closest } from './closest.ts';
import { type ColumnKind, type Conversion, convert, SQL_TYPES } from './converters.ts';
import { scanJson } from './jsonLayout.ts';
import { problemsError } from './problems.ts';
import { describeSource, openSource, readerSql, type SourceColumn, type SourceFile } from './sourceFile.ts';

/** What to load for one section: a file and how its headers map to canonical columns. */
export interface SectionRequest {
  section: Section;
  /** Absolute path of the export. */
  file: string;
  /** What the user calls the file, when not its path (an upload's original name). */
  name?: string | undefined;
  /** canonical column → source header; omitted: the file already has canonical headers. */
  columns?: Record<string, string> | undefined;
  dateFormat?: string | undefined;
  delimiter?: string | undefined;
  decimalSeparator?: DecimalSeparator | undefined;
  thousandsSeparator?: ThousandsSeparator | undefined;
  negativeLinesAreReturns?: boolean | undefined;
  skipRowsWithoutCustomer?: boolean | undefined;
  /** The mapping file this request comes from, for messages about its fields. */
  origin?: string | undefined;
  /** The currency of the amounts (ISO 4217), when the mapping or the user names it. */
  currency?: string | undefined;
}

const KINDS: Record<Section, Record<string, ColumnKind>> = {
  customers: {
    customer_id: 'id',
    name: 'text',
    email: 'text',
    phone: 'text',
    region: 'text',
    channel: 'text',
    signup_date: 'date',
    contact_consent: 'boolean',
  },
  purchases: {
    order_id: 'id',
    customer_id: 'id',
    order_date: 'timestamp',
    amount: 'number',
    quantity: 'number',
    unit_price: 'number',
    product: 'text',
    category: 'text',
    channel: 'text',
    region: 'text',
  },
  complaints: {
    complaint_id: 'id',
    customer_id: 'id',
    opened_at: 'timestamp',
    resolved_at: 'timestamp',
    category: 'text',
    severity: 'severity',
  },
  returns: { return_id: 'id', order_id: 'id', customer_id: 'id', returned_at: 'timestamp', amount: 'number' },
};

export type ColumnSource =
  | {
      kind: 'mapped';
      /** The header as written in the file (messages). */
      header: string;
      /** DuckDB's name for the column (SQL). */
      field: string;
      conversion: Conversion;
    }
  | { kind: 'product'; of: [string, string] }
  | { kind: 'derivedId' }
  | { kind: 'absent' };

export interface PlannedColumn {
  name: string;
  kind: ColumnKind;
  sqlType: string;
  source: ColumnSource;
}

/** A value check for the diagnostic pass: rows where `bad` holds are reported with `reason`. */
export interface PlannedCheck {
  header: string;
  value: string;
  bad: string;
  reason: string;
  code: IngestIssueCode;
  field?: IngestSetting | undefined;
}

export interface SectionPlan {
  request: SectionRequest;
  /** Short name for messages: the file's base name. */
  label: string;
  source: SourceFile;
  reader: string;
  headers: SourceColumn[];
  columns: PlannedColumn[];
  checks: PlannedCheck[];
  /** SQL: the row's customer id (NULL when blank), for skipRowsWithoutCustomer. */
  customerPresent: string;
  /** The id column for id-keyed sections. */
  key: string;
  /** A JSON file with no records: nothing to read (a CSV with only a header reads zero rows). */
  empty: boolean;
  /** SQL booleans over stored canonical columns, true where a written row must be refused. */
  verify: Array<{ column: string; refused: string }>;
}

export function sqlTypeOf(section: Section, column: string): string {
  const kind = KINDS[section][column];
  return kind ? SQL_TYPES[kind] : 'VARCHAR';
}

/** Reads the file's headers and checks the mapping against them; fails before any data moves. */
export async function planSection(conn: DuckDBConnection, request: SectionRequest): Promise<SectionPlan> {
  const { section, file } = request;
  const label = path.basename(request.name ?? file);
  const refuse = (message: string, detail: BadInputDetail) =>
    new BadInputError(message, [], 0, { section, file: label, ...detail });
  if (request.delimiter !== undefined && /["\r\n]/.test(request.delimiter)) {
    throw refuse(
      `${fieldName(request, 'delimiter')} ${JSON.stringify(request.delimiter)} cannot be a quote or a line break; ` +
        'use the character between fields, e.g. ";" or "\\t".',
      { code: 'invalidSetting', field: 'delimiter', params: { value: request.delimiter } },
    );
  }
  if (
    request.thousandsSeparator !== undefined &&
    request.thousandsSeparator === (request.decimalSeparator ?? '.')
  ) {
    throw refuse(
      `${fieldName(request, 'thousandsSeparator')} "${request.thousandsSeparator}" is also the decimal separator; ` +
        'numbers such as 1.234,50 have "," as decimalSeparator and "." as thousandsSeparator.',
      { code: 'invalidSetting', field: 'thousandsSeparator', params: { value: request.thousandsSeparator } },
    );
  }
  const source = await openSource(file, section, { delimiter: request.delimiter, name: request.name });
  let headers: SourceColumn[];
  try {
    headers = await describeSource(conn, source);
  } catch (error) {
    // One unreadable line: said the way value problems are, "1 problem in 1 file".
    if (error instanceof BadInputError && error.issues.length > 0) throw problemsError(error.issues);
    throw error;
  }
  const headerNames = headers.map((h) => h.header);
  if (request.dateFormat !== undefined) await checkDateFormat(conn, request);

  const mapping = request.columns ?? canonicalHeaderMapping(section, headers, label);
  const known = canonicalColumns(section);
  for (const canonical of Object.keys(mapping)) {
    if (!known.includes(canonical)) {
      const hint = closest(canonical, known);
      throw refuse(
        `${section}: unknown canonical column "${canonical}"${hint ? ` (did you mean "${hint}"?)` : ''}. ` +
          `${section} has: ${known.join(', ')}.`,
        { code: 'unknownColumn', field: 'columns', params: { column: canonical } },
      );
    }
  }
  if (source.format === 'json' && (await isEmptyJson(source, headers, mapping))) {
    return emptyPlan(request, label, source, headers);
  }

  const resolveHeader = (canonical: string, wanted: string): SourceColumn => {
    const exact = headers.filter((h) => h.header === wanted);
    if (exact.length === 1 && exact[0]) return exact[0];
    const loose =
      exact.length > 1 ? exact : headers.filter((h) => normaliseHeader(h.header) === normaliseHeader(wanted));
    if (loose.length === 1 && loose[0]) return loose[0];
    if (loose.length > 1) {
      throw refuse(
        `${section}: ${repeatedHeader(wanted, loose, label)} (mapped to ${canonical}); ` +
          `rename one in the export, or pick one by position, e.g. "${canonical}": "#${loose[loose.length - 1]?.position}".`,
        {
          code: 'repeatedHeader',
          field: 'columns',
          params: { column: canonical, header: wanted, positions: loose.map((h) => h.position) },
        },
      );
    }
    const position = /^#(\d+)$/.exec(wanted.trim());
    const byPosition = position ? headers[Number(position[1]) - 1] : undefined;
    if (byPosition) return byPosition;
    const hint = closest(wanted, headerNames);
    throw refuse(
      `${section}: column "${wanted}" (mapped to ${canonical}) is not in ${label}. ` +
        `Its headers are: ${headerNames.map((h) => `"${h}"`).join(', ')}.` +
        (hint ? ` Did you mean "${hint}"?` : ''),
      { code: 'missingHeader', field: 'columns', params: { column: canonical, header: wanted } },
    );
  };

  const options = {
    dateFormat: request.dateFormat,
    decimalSeparator: request.decimalSeparator,
    thousandsSeparator: request.thousandsSeparator,
  };
  const columns: PlannedColumn[] = known.map((name) => {
    const kind = KINDS[section][name] ?? 'text';
    const header = mapping[name];
    const base = { name, kind, sqlType: SQL_TYPES[kind] };
    if (header === undefined) return { ...base, source: { kind: 'absent' } };
    const column = resolveHeader(name, header);
    return {
      ...base,
      source: {
        kind: 'mapped',
        header: column.header,
        field: column.name,
        conversion: convert(column.name, column.type, kind, options),
      },
    };
  });

  const byName = (name: string) => columns.find((c) => c.name === name);
  // Line-item exports carry quantity and unit price; the line's amount is their product.
  const amount = byName('amount');
  const quantity = byName('quantity');
  const unitPrice = byName('unit_price');
  if (
    section === 'purchases' &&
    amount?.source.kind === 'absent' &&
    quantity?.source.kind === 'mapped' &&
    unitPrice?.source.kind === 'mapped'
  ) {
    amount.source = { kind: 'product', of: ['quantity', 'unit_price'] };
  }
  const returnId = byName('return_id');
  if (section === 'returns' && returnId?.source.kind === 'absent') returnId.source = { kind: 'derivedId' };

  for (const required of CANONICAL_COLUMNS[section].required) {
    if (byName(required)?.source.kind === 'absent') {
      const headerList = headerNames.join(', ');
      const how =
        request.columns !== undefined
          ? `add "${required}": "<header in ${label}>" to its columns`
          : request.origin
            ? `${label} has no "${required}" header (its headers: ${headerList}); add "columns" to the ${section} section of ${path.basename(request.origin)}, e.g. "columns": { "${required}": "<header in ${label}>" }`
            : `${label} has no "${required}" header (its headers: ${headerList}); rename it or use a mapping file`;
      const extra = required === 'amount' ? ', or map quantity and unit_price' : '';
      throw refuse(`${section}: required column ${required} is not mapped: ${how}${extra}.`, {
        code: 'unmappedColumn',
        field: 'columns',
        params: { column: required },
      });
    }
  }

  const checks: PlannedCheck[] = [];
  const required = new Set<string>(CANONICAL_COLUMNS[section].required);
  const textOfField = (field: string) => `CAST(${sqlIdent(field)} AS VARCHAR)`;
  for (const column of columns) {
    if (column.source.kind !== 'mapped') continue;
    const { header, field, conversion } = column.source;
    const value = textOfField(field);
    const skipsBlankCustomer = column.name === 'customer_id' && request.skipRowsWithoutCustomer;
    if (required.has(column.name) && !skipsBlankCustomer) {
      checks.push({
        header,
        value,
        bad: `${conversion.present} IS NULL`,
        reason: 'required value is empty',
        code: 'required',
        field: column.name === 'customer_id' ? 'skipRowsWithoutCustomer' : undefined,
      });
    }
    for (const check of conversion.checks) checks.push({ header, value, ...check });
  }
  for (const [name, ofName] of [
    ['amount', 'quantity'],
    ['amount', 'unit_price'],
  ] as const) {
    const of = byName(ofName);
    if (byName(name)?.source.kind === 'product' && of?.source.kind === 'mapped') {
      checks.push({
        header: of.source.header,
        value: textOfField(of.source.field),
        bad: `${of.source.conversion.present} IS NULL`,
        reason: `required value is empty (amount is ${ofName === 'quantity' ? 'quantity' : 'unit price'} × ${ofName === 'quantity' ? 'unit price' : 'quantity'})`,
        code: 'required',
      });
    }
  }
  const opened = byName('opened_at')?.source;
  const resolved = byName('resolved_at')?.source;
  if (opened?.kind === 'mapped' && resolved?.kind === 'mapped') {
    checks.push({
      header: resolved.header,
      value: textOfField(resolved.field),
      bad: `(${resolved.conversion.lenient}) < (${opened.conversion.lenient})`,
      reason: `resolved before it was opened (opened: column "${opened.header}")`,
      code: 'resolvedBeforeOpened',
    });
  }

  const customer = byName('customer_id');
  const customerPresent = customer?.source.kind === 'mapped' ? customer.source.conversion.present : 'NULL';
  const key = CANONICAL_COLUMNS[section].required[0];
  return {
    request,
    label,
    source,
    reader: readerSql(source),
    headers,
    columns,
    checks,
    customerPresent,
    key,
    empty: false,
    verify: columns.flatMap((c) =>
      c.source.kind === 'mapped' && c.source.conversion.verify
        ? [{ column: c.name, refused: c.source.conversion.verify(sqlIdent(c.name)) }]
        : [],
    ),
  };
}

const normaliseHeader = (header: string) => header.trim().toLowerCase();

/** `"Customer" appears twice in the header of orders.csv (columns 2 and 5)`. */
function repeatedHeader(wanted: string, matches: SourceColumn[], label: string): string {
  const positions = matches.map((m) => m.position);
  const list = `${positions.slice(0, -1).join(', ')} and ${positions[positions.length - 1]}`;
  const spelled = matches.every((m) => m.header === wanted)
    ? ''
    : `: ${matches.map((m) => `"${m.header}"`).join(', ')}`;
  const times = matches.length === 2 ? 'twice' : `${matches.length} times`;
  return `"${wanted}" appears ${times} in the header of ${label} (columns ${list}${spelled})`;
}

/** With canonical headers, each header that names a canonical column (in any case) maps to it. */
function canonicalHeaderMapping(
  section: Section,
  headers: SourceColumn[],
  label: string,
): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const canonical of canonicalColumns(section)) {
    const matches = headers.filter((h) => normaliseHeader(h.header) === canonical);
    if (matches.length > 1) {
      throw new BadInputError(
        `${section}: ${repeatedHeader(canonical, matches, label)}; rename one in the export, or load it ` +
          `with a mapping file that picks one by position, e.g. "${canonical}": "#${matches[matches.length - 1]?.position}".`,
        [],
        0,
        {
          code: 'repeatedHeader',
          field: 'columns',
          section,
          file: label,
          params: { column: canonical, header: canonical, positions: matches.map((m) => m.position) },
        },
      );
    }
    if (matches[0]) mapping[canonical] = matches[0].header;
  }
  return mapping;
}

/** `mapping.json: purchases.dateFormat`, or `purchases: dateFormat` for a request made otherwise. */
function fieldName(request: SectionRequest, field: string): string {
  return request.origin
    ? `${path.basename(request.origin)}: ${request.section}.${field}`
    : `${request.section}: ${field}`;
}

/**
 * A dateFormat DuckDB cannot use is a mistake in the mapping, not in the data: say so once, naming
 * the mapping field, instead of failing every row (or failing inside DuckDB).
 */
async function checkDateFormat(conn: DuckDBConnection, request: SectionRequest): Promise<void> {
  const format = request.dateFormat ?? '';
  const where = `${fieldName(request, 'dateFormat')} "${format}"`;
  const example = 'strptime specifiers such as %Y %m %d %H %M %S, e.g. "%d/%m/%Y %H:%M"';
  const refuse = (message: string) =>
    new BadInputError(message, [], 0, {
      code: 'invalidSetting',
      field: 'dateFormat',
      section: request.section,
      file: path.basename(request.name ?? request.file),
      params: { value: format },
    });
  if (!format.includes('%')) {
    throw refuse(`${where} has no % specifier; use ${example}.`);
  }
  try {
    await conn.runAndReadAll(`SELECT try_strptime('2000-01-01', ${sqlString(format)})`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const specifier = /Unrecognized format for strftime\/strptime: (%-?.?)/.exec(message)?.[1];
    const detail = specifier ? `${specifier} is not a specifier` : 'it is not a valid format';
    throw refuse(`${where}: ${detail}; use ${example}.`);
  }
}

/**
 * DuckDB describes a JSON file without records (`[]`, blank lines) as one column named "json".
 * Such a file has nothing to load; a file whose records are not objects is refused with its line.
 */
async function isEmptyJson(
  source: SourceFile,
  headers: SourceColumn[],
  mapping: Record<string, string>,
): Promise<boolean> {
  if (headers.length !== 1 || headers[0]?.name !== 'json' || Object.values(mapping).includes('json'))
    return false;
  const layout = await scanJson(source.path, source.compression);
  if (layout?.error) {
    throw problemsError([
      {
        file: source.name,
        line: layout.error.line,
        lineKind: 'line',
        column: null,
        value: null,
        reason: layout.error.reason,
        code: 'malformed',
        field: null,
      },
    ]);
  }
  return layout !== null && layout.recordLines.length === 0;
}

function emptyPlan(
  request: SectionRequest,
  label: string,
  source: SourceFile,
  headers: SourceColumn[],
): SectionPlan {
  return {
    request,
    label,
    source,
    reader: readerSql(source),
    headers,
    columns: [],
    checks: [],
    customerPresent: 'NULL',
    key: CANONICAL_COLUMNS[request.section].required[0],
    empty: true,
    verify: [],
  };
}

/** SQL producing one typed canonical column from a source row. */
export function columnSql(column: PlannedColumn): string {
  switch (column.source.kind) {
    case 'mapped':
      return column.source.conversion.strict;
    case 'product':
      return 'NULL'; // filled in a second projection, from the converted factors
    case 'derivedId':
    case 'absent':
      return `CAST(NULL AS ${column.sqlType})`;
  }
}

/**
 * `SELECT <canonical columns> FROM <reader>`: strict conversions that raise on bad input, so a
 * bad file aborts the load transaction; the diagnostic pass then says what and where.
 */
export function convertedSelect(plan: SectionPlan): string {
  const inner = plan.columns.map((c) => `${columnSql(c)} AS ${sqlIdent(c.name)}`).join(',\n    ');
  const where = plan.request.skipRowsWithoutCustomer ? `\n  WHERE ${plan.customerPresent} IS NOT NULL` : '';
  const base = `SELECT ${inner}\n  FROM ${plan.reader}${where}`;
  const product = plan.columns.find((c) => c.source.kind === 'product');
  if (product?.source.kind !== 'product') return base;
  const [a, b] = product.source.of;
  // Rounded to 1/10,000: quantity × price in binary floating point leaves noise like 15.299999.
  return `SELECT * REPLACE (round(${sqlIdent(a)} * ${sqlIdent(b)}, 4) AS ${sqlIdent(product.name)}) FROM (${base})`;
}

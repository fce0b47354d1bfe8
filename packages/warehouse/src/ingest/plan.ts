import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CANONICAL_COLUMNS, canonicalColumns, type Section } from '@retain/schemas';
import { BadInputError } from '../errors.ts';
import { sqlIdent } from '../sql.ts';
import { closest } from './closest.ts';
import { type ColumnKind, type Conversion, convert } from './converters.ts';
import { detectDelimiter, readHeaderLine } from './csvLayout.ts';
import {
  assertReadable,
  describeSource,
  detectFormat,
  readerSql,
  type SourceColumn,
  type SourceFile,
} from './sourceFile.ts';

/** What to load for one section: a file and how its headers map to canonical columns. */
export interface SectionRequest {
  section: Section;
  /** Absolute path of the export. */
  file: string;
  /** canonical column → source header; omitted: the file already has canonical headers. */
  columns?: Record<string, string> | undefined;
  dateFormat?: string | undefined;
  delimiter?: string | undefined;
  decimalSeparator?: '.' | ',' | undefined;
  negativeLinesAreReturns?: boolean | undefined;
  skipRowsWithoutCustomer?: boolean | undefined;
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

const SQL_TYPES: Record<ColumnKind, string> = {
  id: 'VARCHAR',
  text: 'VARCHAR',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  severity: 'INTEGER',
};

export type ColumnSource =
  | { kind: 'mapped'; header: string; conversion: Conversion }
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
}

export function sqlTypeOf(section: Section, column: string): string {
  const kind = KINDS[section][column];
  return kind ? SQL_TYPES[kind] : 'VARCHAR';
}

/** Reads the file's headers and checks the mapping against them; fails before any data moves. */
export async function planSection(conn: DuckDBConnection, request: SectionRequest): Promise<SectionPlan> {
  const { section, file } = request;
  const label = path.basename(file);
  assertReadable(file, section);
  const format = detectFormat(file);
  const delimiter =
    format === 'csv' ? (request.delimiter ?? detectDelimiter(await readHeaderLine(file))) : undefined;
  const source: SourceFile = { path: file, format, delimiter };
  const headers = await describeSource(conn, source);
  const headerNames = headers.map((h) => h.name);

  const mapping = request.columns ?? canonicalHeaderMapping(section, headerNames);
  const known = canonicalColumns(section);
  for (const canonical of Object.keys(mapping)) {
    if (!known.includes(canonical)) {
      const hint = closest(canonical, known);
      throw new BadInputError(
        `${section}: unknown canonical column "${canonical}"${hint ? ` (did you mean "${hint}"?)` : ''}. ` +
          `${section} has: ${known.join(', ')}.`,
      );
    }
  }

  const resolveHeader = (canonical: string, wanted: string): SourceColumn => {
    const exact = headers.find((h) => h.name === wanted);
    if (exact) return exact;
    const loose = headers.filter((h) => h.name.trim().toLowerCase() === wanted.trim().toLowerCase());
    if (loose.length === 1 && loose[0]) return loose[0];
    const hint = closest(wanted, headerNames);
    throw new BadInputError(
      `${section}: column "${wanted}" (mapped to ${canonical}) is not in ${label}. ` +
        `Its headers are: ${headerNames.map((h) => `"${h}"`).join(', ')}.` +
        (hint ? ` Did you mean "${hint}"?` : ''),
    );
  };

  const options = { dateFormat: request.dateFormat, decimalSeparator: request.decimalSeparator };
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
        header: column.name,
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
      const how =
        request.columns === undefined
          ? `${label} has no "${required}" header (its headers: ${headerNames.join(', ')}); rename it or use a mapping file`
          : `add "${required}": "<header in ${label}>" to its columns`;
      const extra = required === 'amount' ? ', or map quantity and unit_price' : '';
      throw new BadInputError(`${section}: required column ${required} is not mapped: ${how}${extra}.`);
    }
  }

  const checks: PlannedCheck[] = [];
  const required = new Set<string>(CANONICAL_COLUMNS[section].required);
  for (const column of columns) {
    if (column.source.kind !== 'mapped') continue;
    const { header, conversion } = column.source;
    const value = `CAST(${sqlIdent(header)} AS VARCHAR)`;
    const skipsBlankCustomer = column.name === 'customer_id' && request.skipRowsWithoutCustomer;
    if (required.has(column.name) && !skipsBlankCustomer) {
      checks.push({ header, value, bad: `${conversion.present} IS NULL`, reason: 'required value is empty' });
    }
    if (conversion.bad !== 'false')
      checks.push({ header, value, bad: conversion.bad, reason: conversion.reason });
  }
  for (const [name, ofName] of [
    ['amount', 'quantity'],
    ['amount', 'unit_price'],
  ] as const) {
    const of = byName(ofName);
    if (byName(name)?.source.kind === 'product' && of?.source.kind === 'mapped') {
      checks.push({
        header: of.source.header,
        value: `CAST(${sqlIdent(of.source.header)} AS VARCHAR)`,
        bad: `${of.source.conversion.present} IS NULL`,
        reason: `required value is empty (amount is ${ofName === 'quantity' ? 'quantity' : 'unit price'} × ${ofName === 'quantity' ? 'unit price' : 'quantity'})`,
      });
    }
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
  };
}

/** With canonical headers, each header that names a canonical column (in any case) maps to it. */
function canonicalHeaderMapping(section: Section, headers: string[]): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const canonical of canonicalColumns(section)) {
    const header = headers.find((h) => h.trim().toLowerCase() === canonical);
    if (header !== undefined) mapping[canonical] = header;
  }
  return mapping;
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

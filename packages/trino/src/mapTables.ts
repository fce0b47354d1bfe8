import type { IngestIssue, MappingFile, Section } from '@retain/schemas';
import { SECTIONS } from '@retain/schemas';
import { sql } from '@retain/warehouse';
import { BadInputError } from '@retain/warehouse/errors';
import { z } from 'zod';
import { EngineError } from './engineError.ts';
import type { TrinoTarget } from './engineUrl.ts';
import {
  checkStatement,
  conflictStatement,
  createViewStatement,
  dropViewStatement,
  EXAMPLES,
  emptyQuery,
  planTable,
  resolveTableName,
  SETTINGS_VIEW,
  type SourceColumn,
  settingsViewQuery,
  type TableName,
  type TablePlan,
  tableNameText,
  viewQuery,
} from './mapTablesSql.ts';
import type { TrinoDb } from './TrinoDb.ts';

/** What became of one canonical view. */
export interface MappedSection {
  /** `mapped`: a view over the section's table; `lines`: returns from negative purchase lines only;
   * `empty`: a view with no rows (the mapping leaves the section out); `kept`: the schema's own. */
  view: 'mapped' | 'lines' | 'empty' | 'kept';
  /** The mapped table, catalog.schema.table; null when the mapping names none. */
  table: string | null;
  /** Rows of the mapped table. */
  read: number;
  /** Lines without a customer left out (skipRowsWithoutCustomer). */
  skipped: number;
  /** Purchases: negative lines that the returns view holds instead (negativeLinesAreReturns). */
  toReturns: number;
  /** Rows and distinct customers the view holds. */
  rows: number;
  customers: number;
}

export interface MapTablesSummary {
  engine: string;
  /** Where the views are: the engine URL's catalog.schema. */
  schema: string;
  sections: Record<Section, MappedSection>;
  /** The currency of the amounts stored with the views (the settings view), or null when none was named. */
  currency: string | null;
  seconds: number;
}

export interface MapTablesOptions {
  /** The mapping's name in messages (its file name). */
  label: string;
  /** The currency of the amounts (ISO 4217, checked), which wins over the mapping's "currency". */
  currency?: string | undefined;
}

export { SETTINGS_VIEW };

const columnRow = z.object({ column_name: z.string(), data_type: z.string() });
const tableRow = z.object({ table_name: z.string(), table_type: z.string() });
const count = z.coerce.number();
const examples = z.array(z.tuple([z.string(), z.string().nullable()])).nullable();

/**
 * Maps the sections of a mapping that name tables onto the engine's schema as Retain's canonical
 * views (purchases, returns, complaints, customers), in place. First every table and mapped column
 * is looked up, then every check runs as a query on the cluster; only when all pass are the views
 * created. A problem is an EngineError (a table or column missing, the cluster failing) or a
 * BadInputError (a setting the cluster cannot follow; the offending rows by key and count).
 */
export async function mapTables(
  db: TrinoDb,
  target: TrinoTarget,
  mapping: MappingFile,
  options: MapTablesOptions,
): Promise<MapTablesSummary> {
  const started = Date.now();
  const engine = `Trino at ${target.host}:${target.port}`;
  const working: Omit<TableName, 'table'> = {
    catalog: target.catalog.toLowerCase(),
    schema: target.schema.toLowerCase(),
  };
  const plans = new Map<Section, TablePlan>();
  for (const section of SECTIONS) {
    const entry = mapping[section];
    if (!entry) continue;
    if (entry.table === undefined) throw fileSection(section, entry.file ?? '', options.label);
    const table = resolveTableName(entry.table, target);
    const columns = await tableColumns(db, table);
    const name = tableNameText(table);
    if (columns.length === 0) {
      throw new EngineError(
        `${engine}: table ${name} does not exist (the ${section} section of ${options.label} maps it)`,
        'engine_table_missing',
        engine,
        { table: name },
      );
    }
    const plan = planTable(section, entry, table, columns, options.label);
    if ('canonical' in plan) {
      throw new EngineError(
        `${engine}: table ${name} has no column "${plan.column}" (mapped to ${section}.${plan.canonical} in ${options.label}); its columns: ${plan.available.join(', ')}`,
        'engine_column_missing',
        engine,
        { table: name, column: plan.column },
      );
    }
    plans.set(section, plan);
  }
  if (plans.size === 0) {
    throw new BadInputError(`${options.label}: names no section (${SECTIONS.join(', ')}).`, [], 0, {
      code: 'mapping',
    });
  }

  const existing = await workingSchemaTables(db, engine, working);
  const purchases = plans.get('purchases') ?? null;
  const views = new Map<Section, MappedSection['view']>();
  for (const section of SECTIONS) {
    // A table of the schema's own holds the user's facts: kept. A view is an earlier mapping's: replaced.
    const fromLines = section === 'returns' && purchases?.negativeLinesAreReturns === true;
    const view = plans.has(section)
      ? 'mapped'
      : fromLines
        ? 'lines'
        : existing.get(section) === 'BASE TABLE'
          ? 'kept'
          : 'empty';
    if ((view === 'mapped' || view === 'lines') && existing.get(section) === 'BASE TABLE') {
      throw new BadInputError(
        `${engine}: ${working.catalog}.${working.schema}.${section} is a table; mapping ${section} there would replace it with a view. Drop it, or name another schema in the engine URL.`,
        [],
        0,
        { code: 'mapping', section },
      );
    }
    views.set(section, view);
  }

  // Every check on every table before anything is created: all of the mapping, or none of it.
  const counted = new Map<Section, { read: number; skipped: number; toReturns: number }>();
  const issues: IngestIssue[] = [];
  let rowsWrong = 0;
  for (const [section, plan] of plans) {
    const found = await checkTable(db, plan, options.label);
    counted.set(section, found.counts);
    issues.push(...found.issues);
    rowsWrong += found.rows;
  }
  if (issues.length === 0) {
    for (const plan of plans.values()) {
      const conflict = await conflictingIds(db, plan);
      if (conflict) {
        issues.push(conflict);
        rowsWrong += 1;
      }
    }
  }
  if (issues.length > 0) {
    const tables = new Set(issues.map((i) => i.file)).size;
    throw new BadInputError(
      `${issues.length} problem${issues.length === 1 ? '' : 's'} in ${tables} table${tables === 1 ? '' : 's'} of ${engine}; nothing was mapped.`,
      issues,
      issues.length,
      { code: 'problems', params: { rows: rowsWrong } },
    );
  }

  for (const section of SECTIONS) {
    const view = views.get(section);
    const plan = plans.get(section) ?? null;
    const query =
      view === 'mapped' || view === 'lines' ? viewQuery(section, plan, purchases) : emptyQuery(section);
    if (view !== 'kept') await db.run(sql.raw(createViewStatement({ ...working, table: section }, query)));
  }
  // Stored with the facts, as a load stores it with a file's; a mapping that names none leaves the
  // amounts in the default currency, not in an earlier mapping's.
  const currency = options.currency ?? mapping.currency ?? null;
  const settings = { ...working, table: SETTINGS_VIEW };
  await db.run(
    sql.raw(
      currency === null
        ? dropViewStatement(settings)
        : createViewStatement(settings, settingsViewQuery(currency)),
    ),
  );

  const sections = {} as Record<Section, MappedSection>;
  for (const section of SECTIONS) {
    const plan = plans.get(section);
    const held = await db.first(
      sql.raw(
        `SELECT count(*) AS n, count(DISTINCT customer_id) AS c FROM "${working.catalog}"."${working.schema}"."${section}"`,
      ),
      z.object({ n: count, c: count }),
    );
    const counts = counted.get(section) ?? { read: 0, skipped: 0, toReturns: 0 };
    sections[section] = {
      view: views.get(section) ?? 'empty',
      table: plan ? tableNameText(plan.table) : null,
      ...counts,
      rows: held?.n ?? 0,
      customers: held?.c ?? 0,
    };
  }
  return {
    engine,
    schema: `${working.catalog}.${working.schema}`,
    sections,
    currency,
    seconds: (Date.now() - started) / 1000,
  };
}

function fileSection(section: Section, file: string, label: string): BadInputError {
  return new BadInputError(
    `${label}: ${section}.file "${file}" names a file; on a Trino engine every section names a table on the cluster ("table": "catalog.schema.table"). Load files into the database file instead.`,
    [],
    0,
    { code: 'mapping', field: 'file', section },
  );
}

async function tableColumns(db: TrinoDb, table: TableName): Promise<SourceColumn[]> {
  const rows = await db.query(
    sql`SELECT column_name, data_type FROM ${sql.ident(table.catalog)}.information_schema.columns
        WHERE table_schema = ${table.schema} AND table_name = ${table.table} ORDER BY ordinal_position`,
    columnRow,
  );
  return rows.map((r) => ({ name: r.column_name, type: r.data_type }));
}

/** The canonical names the working schema already holds, and whether each is a table or a view. */
async function workingSchemaTables(
  db: TrinoDb,
  engine: string,
  working: Omit<TableName, 'table'>,
): Promise<Map<string, string>> {
  const schemas = await db.query(
    sql`SELECT schema_name FROM ${sql.ident(working.catalog)}.information_schema.schemata WHERE schema_name = ${working.schema}`,
    z.object({ schema_name: z.string() }),
  );
  if (schemas.length === 0) {
    throw new EngineError(
      `${engine}: schema ${working.catalog}.${working.schema} (the engine URL's) does not exist; the views are created there`,
      'engine_table_missing',
      engine,
      { table: `${working.catalog}.${working.schema}` },
    );
  }
  const rows = await db.query(
    sql`SELECT table_name, table_type FROM ${sql.ident(working.catalog)}.information_schema.tables
        WHERE table_schema = ${working.schema} AND table_name IN (${sql.join(SECTIONS.map((s) => sql`${s}`))})`,
    tableRow,
  );
  return new Map(rows.map((r) => [r.table_name, r.table_type]));
}

/** Where a setting rather than the values may be wrong, which key of the mapping to look at. */
function hint(field: IngestIssue['field'], label: string): string {
  switch (field) {
    case 'dateFormat':
      return ` (check "dateFormat" in ${label})`;
    case 'decimalSeparator':
    case 'thousandsSeparator':
      return ` (check "decimalSeparator" and "thousandsSeparator" in ${label})`;
    case 'skipRowsWithoutCustomer':
      return ` (or set "skipRowsWithoutCustomer": true in ${label} to leave such lines out)`;
    default:
      return '';
  }
}

async function checkTable(
  db: TrinoDb,
  plan: TablePlan,
  label: string,
): Promise<{
  counts: { read: number; skipped: number; toReturns: number };
  issues: IngestIssue[];
  rows: number;
}> {
  const shape: Record<string, z.ZodType> = { rows_read: count, rows_skipped: count, rows_negative: count };
  plan.checks.forEach((_, i) => {
    shape[`c${i}`] = count;
    shape[`e${i}`] = examples;
  });
  const row = (await db.first(sql.raw(checkStatement(plan)), z.object(shape))) as Record<
    string,
    unknown
  > | null;
  const issues: IngestIssue[] = [];
  let rows = 0;
  plan.checks.forEach((check, i) => {
    const n = Number(row?.[`c${i}`] ?? 0);
    if (n === 0) return;
    rows += n;
    const shown = ((row?.[`e${i}`] as Array<[string, string | null]> | null) ?? [])
      .map(
        ([key, value]) => `${plan.keyName} ${key === '' ? '(empty)' : key} (${JSON.stringify(value ?? '')})`,
      )
      .join(', ');
    issues.push({
      file: `${plan.section} (${tableNameText(plan.table)})`,
      line: null,
      lineKind: 'line',
      column: check.column,
      value: null,
      reason: `${n} row${n === 1 ? '' : 's'}: ${check.reason}${hint(check.field, label)}: ${shown}${n > EXAMPLES ? ', …' : ''}`,
      code: check.code,
      field: check.field,
    });
  });
  return {
    counts: {
      read: Number(row?.rows_read ?? 0),
      skipped: Number(row?.rows_skipped ?? 0),
      toReturns: Number(row?.rows_negative ?? 0),
    },
    issues,
    rows,
  };
}

async function conflictingIds(db: TrinoDb, plan: TablePlan): Promise<IngestIssue | null> {
  const statement = conflictStatement(plan);
  if (statement === null) return null;
  const rows = await db.query(sql.raw(statement), z.object({ k: z.string().nullable(), total: count }));
  const first = rows[0];
  if (!first) return null;
  const key = plan.columns.find((c) => c.source && c.name === plan.keyName);
  return {
    file: `${plan.section} (${tableNameText(plan.table)})`,
    line: null,
    lineKind: 'line',
    column: key?.source?.name ?? plan.keyName,
    value: null,
    reason: `${first.total} ${plan.keyName}${first.total === 1 ? '' : 's'} on rows with different values; keep one row per ${plan.keyName}: ${rows.map((r) => r.k ?? '(empty)').join(', ')}${first.total > rows.length ? ', …' : ''}`,
    code: 'conflictingId',
    field: null,
  };
}

import type { DuckDBConnection } from '@duckdb/node-api';
import {
  canonicalColumns,
  currencyCodeSchema,
  type IngestSummary,
  type Section,
  type SectionSummary,
} from '@retain/schemas';
import { CURRENCY_KEY } from '../currency.ts';
import { BadInputError } from '../errors.ts';
import { sql } from '../query/sql.ts';
import { readMeta, writeMeta } from '../schema.ts';
import { sqlIdent } from '../sql.ts';
import type { Warehouse } from '../Warehouse.ts';
import { diagnose } from './diagnose.ts';
import { convertedSelect, planSection, type SectionPlan, type SectionRequest, sqlTypeOf } from './plan.ts';
import { problemsError } from './problems.ts';
import { trackProgress } from './progress.ts';
import { readFailure } from './sourceFile.ts';

export interface IngestProgress {
  section: Section;
  step: string;
  /** 0–100 for the running statement, or null when DuckDB cannot tell. */
  percent: number | null;
}

export interface IngestOptions {
  onProgress?: (progress: IngestProgress) => void;
}

/** Sections load in this order: customers first so complaints and returns can be checked against them. */
const ORDER: readonly Section[] = ['customers', 'purchases', 'complaints', 'returns'];

/** The purchases table's columns, in its order (the canonical ones; line_key and batch_id are the load's). */
const PURCHASE_COLUMNS = canonicalColumns('purchases');

class LoadAborted extends Error {}

/** Temp table of negative purchase lines on their way to returns (negativeLinesAreReturns). */
const RETURN_LINES = 'returns_from_lines';

function emptySummary(): SectionSummary {
  return { rows: 0, inserted: 0, duplicates: 0, skipped: 0, updated: 0, toReturns: 0, files: [] };
}

/**
 * Loads exports into the warehouse in one transaction: every file or none. Duplicate rows (already
 * loaded, by purchase line content or by id) are counted and left alone, so daily exports that
 * overlap can be loaded again and again.
 */
export async function ingest(
  warehouse: Warehouse,
  requests: SectionRequest[],
  options: IngestOptions = {},
): Promise<IngestSummary> {
  if (requests.length === 0) {
    throw new BadInputError('Nothing to load: name at least one file or a mapping.', [], 0, {
      code: 'nothingToLoad',
    });
  }
  const currency = loadCurrency(requests);
  const started = new Date();
  return warehouse.writeEngine(async (session) => {
    const conn = session.connection;
    const sorted = [...requests].sort((a, b) => ORDER.indexOf(a.section) - ORDER.indexOf(b.section));
    const plans: SectionPlan[] = [];
    for (const request of sorted) plans.push(await planSection(conn, request));

    const summary: IngestSummary = {
      customers: emptySummary(),
      purchases: emptySummary(),
      complaints: emptySummary(),
      returns: emptySummary(),
      dataVersion: 0,
      warnings: [],
      seconds: 0,
    };
    try {
      const committed = await session.transaction(async () => {
        const batch = await nextBatchId(conn);
        const step = (section: Section, label: string, sql: string) =>
          trackProgress(conn, sql, (percent) => options.onProgress?.({ section, step: label, percent }));
        // Negative purchase lines of every purchase file gather here under negativeLinesAreReturns;
        // they load with the first returns file (sections load in ORDER), or on their own after.
        let returnLines: string | null = null;

        for (const plan of plans) {
          const section = plan.request.section;
          const target = summary[section];
          target.files.push(plan.source.name);
          let read = 0;
          if (section === 'purchases') {
            if (!plan.empty) {
              read = await loadPurchases(conn, plan, batch, target, step, returnLines !== null);
              if (plan.request.negativeLinesAreReturns) returnLines = RETURN_LINES;
            }
          } else if (section === 'returns') {
            read = await loadKeyed(conn, plan.empty ? null : plan, returnLines, batch, target, step);
            returnLines = null;
          } else if (!plan.empty) {
            read = await loadKeyed(conn, plan, null, batch, target, step);
          }
          if (read <= 0)
            summary.warnings.push(
              `${plan.label}: no data rows (${emptyKind(plan)}); nothing to load from it.`,
            );
        }
        if (returnLines) await loadKeyed(conn, null, returnLines, batch, summary.returns, step);
        const current = Number((await readMeta(session, 'data_version')) ?? 0);
        const newCurrency = currency !== null && currency !== (await readMeta(session, CURRENCY_KEY));
        if (newCurrency) await writeMeta(session, CURRENCY_KEY, currency);
        const changed = newCurrency || ORDER.some((s) => summary[s].inserted + summary[s].updated > 0);
        if (!changed) {
          // Nothing new: the warehouse, its data version and the batch log stay as they were, so
          // caches keyed on the version stay valid.
          summary.dataVersion = current;
          throw new NothingChanged();
        }
        summary.warnings.push(...(await unknownCustomerWarnings(conn, batch, summary)));
        summary.warnings.push(...(await caseCollisionWarnings(conn, batch)));
        const dataVersion = current + 1;
        await writeMeta(session, 'data_version', String(dataVersion));
        summary.dataVersion = dataVersion;
        summary.seconds = (Date.now() - started.getTime()) / 1000;
        await session.run(
          sql`INSERT INTO ingest_batches (batch_id, data_version, started_at, finished_at, summary)
            VALUES (${batch}, ${dataVersion}, CAST(${started.toISOString()} AS TIMESTAMP), CAST(now() AS TIMESTAMP),
                    ${JSON.stringify(summary)})`,
        );
        return summary;
      });
      warehouse.noteDataVersion(committed.dataVersion);
      return committed;
    } catch (error) {
      if (error instanceof NothingChanged) {
        summary.seconds = (Date.now() - started.getTime()) / 1000;
        return summary;
      }
      throw await explainFailure(conn, plans, error);
    } finally {
      await conn.run('DROP TABLE IF EXISTS temp.stage_rows').catch(() => undefined);
      await conn.run(`DROP TABLE IF EXISTS temp.${RETURN_LINES}`).catch(() => undefined);
    }
  });
}

/** Thrown out of a load's transaction to roll it back when the load changes nothing. */
class NothingChanged extends Error {}

/** The one currency the requests name, checked, or null when none does. */
function loadCurrency(requests: SectionRequest[]): string | null {
  const named = [...new Set(requests.flatMap((r) => (r.currency ? [r.currency.trim().toUpperCase()] : [])))];
  if (named.length > 1)
    throw new BadInputError(
      `One load names two currencies (${named.join(', ')}); amounts are in one.`,
      [],
      0,
      {
        code: 'currency',
        field: 'currency',
      },
    );
  const [code] = named;
  return code === undefined ? null : checkedCurrency(code);
}

/**
 * A currency a load names (a mapping's "currency", --currency), upper-cased and checked as an ISO
 * 4217 code; a BadInputError on the field `currency` when it is not one.
 */
export function checkedCurrency(code: string): string {
  const named = code.trim().toUpperCase();
  const checked = currencyCodeSchema.safeParse(named);
  if (!checked.success)
    throw new BadInputError(`currency "${code}" is not an ISO 4217 code such as EUR, USD or GBP.`, [], 0, {
      code: 'currency',
      field: 'currency',
    });
  return checked.data;
}

type Step = (section: Section, label: string, sql: string) => Promise<number>;

async function nextBatchId(conn: DuckDBConnection): Promise<number> {
  const rows = (
    await conn.runAndReadAll('SELECT coalesce(max(batch_id), 0) + 1 FROM ingest_batches')
  ).getRows();
  return Number(rows[0]?.[0] ?? 1);
}

async function scalar(conn: DuckDBConnection, sql: string): Promise<number> {
  return Number((await conn.runAndReadAll(sql)).getRows()[0]?.[0] ?? 0);
}

/**
 * Purchases go straight from the file into the table (the hot path for large exports); a line is
 * a duplicate when a line with the same order and identical content is already stored. Under
 * negativeLinesAreReturns, negative lines go to the RETURN_LINES temp table instead, added to the
 * lines of earlier purchase files when `appendReturnLines`. Returns the rows read from the file.
 */
async function loadPurchases(
  conn: DuckDBConnection,
  plan: SectionPlan,
  batch: number,
  target: SectionSummary,
  step: Step,
  appendReturnLines: boolean,
): Promise<number> {
  const { negativeLinesAreReturns, skipRowsWithoutCustomer } = plan.request;
  // Rows read = inserted + duplicates + skipped + sent to returns. Into an empty table nothing can
  // be a duplicate, so the first (and largest) load of a history needs no separate counting pass.
  const empty = (await scalar(conn, 'SELECT count(*) FROM purchases')) === 0;
  let rows: number | null = null;
  let skipped = 0;
  if (skipRowsWithoutCustomer || !empty) {
    const skippedSql = skipRowsWithoutCustomer
      ? `, count(*) FILTER (WHERE ${plan.customerPresent} IS NULL)`
      : '';
    const counts =
      (await conn.runAndReadAll(`SELECT count(*)${skippedSql} FROM ${plan.reader}`)).getRows()[0] ?? [];
    rows = Number(counts[0] ?? 0);
    skipped = Number(counts[1] ?? 0);
    target.skipped += skipped;
  }

  const converted = convertedSelect(plan);
  const negative = '(coalesce(quantity < 0, false) OR amount < 0)';
  const returnsTable = negativeLinesAreReturns ? RETURN_LINES : null;
  let toReturns = 0;
  if (returnsTable) {
    const lines = `SELECT NULL::VARCHAR AS return_id, order_id, customer_id, order_date AS returned_at, abs(amount) AS amount
       FROM (${converted}) WHERE ${negative}`;
    const count = () => scalar(conn, `SELECT count(*) FROM ${returnsTable}`);
    const before = appendReturnLines ? await count() : 0;
    await step(
      'purchases',
      'negative lines',
      appendReturnLines
        ? `INSERT INTO ${returnsTable} ${lines}`
        : `CREATE OR REPLACE TEMP TABLE ${returnsTable} AS ${lines}`,
    );
    toReturns = (await count()) - before;
    target.toReturns += toReturns;
  }
  const columns = PURCHASE_COLUMNS.map(sqlIdent).join(', ');
  const kept = negativeLinesAreReturns
    ? `SELECT * FROM converted WHERE NOT ${negative}`
    : 'SELECT * FROM converted';
  const inserted = await step(
    'purchases',
    'loading',
    `INSERT INTO purchases (${columns}, line_key, batch_id)
     WITH converted AS (${converted}),
          kept AS (${kept}),
          keyed AS (SELECT ${columns}, hash(${columns}) AS line_key FROM kept)
     SELECT keyed.*, ${batch} FROM keyed
     WHERE NOT EXISTS (SELECT 1 FROM purchases p WHERE p.line_key = keyed.line_key AND p.order_id = keyed.order_id)`,
  );
  target.inserted += inserted;
  const read = rows ?? inserted + toReturns;
  target.rows += read;
  target.duplicates += read - skipped - toReturns - inserted;
  // Plausibility of what was just written (NaN amounts, dates in year 20 or 9999, a NUL in an
  // id): abort if any. Negative lines moved to returns are held to the same rules.
  const refused = [
    'NOT isfinite(amount)',
    'year(order_date) NOT BETWEEN 1900 AND 2200',
    ...plan.verify.map((v) => v.refused),
  ];
  const implausible = await scalar(
    conn,
    `SELECT count(*) FROM purchases WHERE batch_id = ${batch} AND (${refused.join(' OR ')})`,
  );
  const moved = plan.verify
    .filter((v) => v.column === 'order_id' || v.column === 'customer_id')
    .map((v) => v.refused);
  if (
    implausible > 0 ||
    (returnsTable &&
      moved.length > 0 &&
      (await scalar(conn, `SELECT count(*) FROM ${returnsTable} WHERE ${moved.join(' OR ')}`)) > 0)
  ) {
    throw new LoadAborted('implausible purchase values');
  }
  return read;
}

/**
 * Customers, complaints and returns are keyed by their id: a known id with identical values is a
 * duplicate, a known id with changed values is updated (a ticket closed since the last export, a
 * customer who withdrew consent), a new id is inserted. Only mapped columns are compared and updated.
 * `extraRows` names a temp table of returns from negative purchase lines, loaded with the file.
 * Returns the rows read from the plan's file.
 */
async function loadKeyed(
  conn: DuckDBConnection,
  plan: SectionPlan | null,
  extraRows: string | null,
  batch: number,
  target: SectionSummary,
  step: Step,
): Promise<number> {
  const section: Section = plan?.request.section ?? 'returns';
  const all = plan
    ? plan.columns
    : (['return_id', 'order_id', 'customer_id', 'returned_at', 'amount'] as const).map((name) => ({
        name,
        source: { kind: 'mapped' as const },
      }));
  const key = plan?.key ?? 'return_id';
  const present = all.filter((c) => c.source.kind !== 'absent').map((c) => c.name);
  const names = all.map((c) => c.name);
  const list = names.map(sqlIdent).join(', ');

  const parts: string[] = [];
  let fileRows = 0;
  let rows = 0;
  let skipped = 0;
  if (plan) {
    const counts = (
      await conn.runAndReadAll(
        `SELECT count(*)${plan.request.skipRowsWithoutCustomer ? `, count(*) FILTER (WHERE ${plan.customerPresent} IS NULL)` : ''} FROM ${plan.reader}`,
      )
    ).getRows()[0];
    fileRows = Number(counts?.[0] ?? 0);
    skipped = Number(counts?.[1] ?? 0);
    rows += fileRows;
    parts.push(`SELECT ${list} FROM (${convertedSelect(plan)})`);
  }
  if (extraRows) {
    rows += await scalar(conn, `SELECT count(*) FROM ${extraRows}`);
    parts.push(`SELECT ${list} FROM ${extraRows}`);
    // Lines from purchases carry every column, whatever the returns file maps.
    for (const name of names) if (!present.includes(name)) present.push(name);
  }
  target.rows += rows;
  target.skipped += skipped;
  if (parts.length === 0) return fileRows;

  const types = names.map((n) => `${sqlIdent(n)} ${sqlTypeOf(section, n)}`).join(', ');
  await conn.run(`CREATE OR REPLACE TEMP TABLE stage_rows (${types})`);
  await step(section, 'reading', `INSERT INTO stage_rows ${parts.join(' UNION ALL ')}`);

  const derived =
    plan === null ||
    extraRows !== null ||
    plan.columns.find((c) => c.name === key)?.source.kind === 'derivedId';
  if (derived) {
    // Returns without an id get one from their content; identical rows are numbered so that
    // loading the same file twice yields the same ids. Rows with an id of their own keep it.
    const content = names
      .filter((n) => n !== key)
      .map(sqlIdent)
      .join(', ');
    const group = `PARTITION BY ${content}, ${sqlIdent(key)} IS NULL`;
    await conn.run(`CREATE OR REPLACE TEMP TABLE stage_rows AS
      SELECT * REPLACE (coalesce(${sqlIdent(key)}, 'R' || lower(hex(hash(${content}))) ||
        CASE WHEN row_number() OVER (${group}) > 1
             THEN '-' || row_number() OVER (${group}) ELSE '' END) AS ${sqlIdent(key)})
      FROM stage_rows`);
    if (!present.includes(key)) present.push(key);
  }

  const conflicts = await scalar(
    conn,
    `SELECT count(*) FROM (SELECT ${sqlIdent(key)} FROM (SELECT DISTINCT * FROM stage_rows) GROUP BY 1 HAVING count(*) > 1)`,
  );
  if (conflicts > 0) throw new LoadAborted(`conflicting ${key}`);
  const implausible = [implausibleSql(section), ...(plan?.verify ?? []).map((v) => v.refused)].filter(
    (c) => c !== null,
  );
  if (
    implausible.length > 0 &&
    (await scalar(conn, `SELECT count(*) FROM stage_rows WHERE ${implausible.join(' OR ')}`)) > 0
  ) {
    throw new LoadAborted(`implausible ${section} values`);
  }

  const table = sqlIdent(section);
  const k = sqlIdent(key);
  const mapped = plan ? plan.columns.filter((c) => c.source.kind !== 'absent').map((c) => c.name) : names;
  const changed = (extraRows ? mapped : present).filter((n) => n !== key);
  let updated = 0;
  if (changed.length > 0) {
    updated = await step(
      section,
      'updating',
      `UPDATE ${table} SET ${changed.map((n) => `${sqlIdent(n)} = s.${sqlIdent(n)}`).join(', ')}, batch_id = ${batch}
       FROM (SELECT DISTINCT * FROM stage_rows) s
       WHERE ${table}.${k} = s.${k} AND (${changed.map((n) => `${table}.${sqlIdent(n)} IS DISTINCT FROM s.${sqlIdent(n)}`).join(' OR ')})`,
    );
  }
  const presentList = present.map(sqlIdent).join(', ');
  const inserted = await step(
    section,
    'inserting',
    `INSERT INTO ${table} (${presentList}, batch_id)
     SELECT DISTINCT ${presentList}, ${batch} FROM stage_rows s
     WHERE NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.${k} = s.${k})`,
  );
  target.updated += updated;
  target.inserted += inserted;
  target.duplicates += rows - skipped - inserted - updated;
  return fileRows;
}

function implausibleSql(section: Section): string | null {
  const year = (c: string) => `year(${c}) NOT BETWEEN 1900 AND 2200`;
  switch (section) {
    case 'customers':
      return year('signup_date');
    case 'complaints':
      return `${year('opened_at')} OR ${year('resolved_at')} OR resolved_at < opened_at`;
    case 'returns':
      return `${year('returned_at')} OR NOT isfinite(amount)`;
    case 'purchases':
      return null;
  }
}

async function unknownCustomerWarnings(
  conn: DuckDBConnection,
  batch: number,
  summary: IngestSummary,
): Promise<string[]> {
  const warnings: string[] = [];
  for (const section of ['complaints', 'returns'] as const) {
    if (summary[section].inserted + summary[section].updated === 0) continue;
    const rows = (
      await conn.runAndReadAll(
        `SELECT count(*), count(DISTINCT customer_id) FROM ${section} x
         WHERE batch_id = ${batch}
           AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = x.customer_id)
           AND NOT EXISTS (SELECT 1 FROM purchases p WHERE p.customer_id = x.customer_id)`,
      )
    ).getRows()[0];
    const count = Number(rows?.[0] ?? 0);
    if (count > 0) {
      warnings.push(
        `${count} ${section} belong to ${Number(rows?.[1] ?? 0)} customers with no customer record and no purchase; they are kept.`,
      );
    }
  }
  return warnings;
}

function emptyKind(plan: SectionPlan): string {
  if (plan.source.format === 'csv') return 'only a header';
  return plan.source.format === 'json' ? 'no records' : 'no rows';
}

/**
 * Customer ids are case-sensitive ("c1" and "C1" are two customers), as the export says; ids that
 * differ only in case are usually one customer typed twice, so a load that brings such a pair
 * says so. Surrounding spaces never count: they are trimmed on the way in.
 */
async function caseCollisionWarnings(conn: DuckDBConnection, batch: number): Promise<string[]> {
  // Distinct ids per table first: lower() then runs on thousands of ids, not millions of lines.
  const ids = ['customers', 'purchases', 'complaints', 'returns']
    .map((t) => `SELECT customer_id, bool_or(batch_id = ${batch}) AS touched FROM ${t} GROUP BY 1`)
    .join(' UNION ALL ');
  const rows = (
    await conn.runAndReadAll(
      `WITH ids AS (${ids}),
            distinct_ids AS (SELECT customer_id, bool_or(touched) AS touched FROM ids GROUP BY 1),
            clashes AS (SELECT list(customer_id ORDER BY customer_id) AS ids FROM distinct_ids
                        GROUP BY lower(customer_id) HAVING count(*) > 1 AND bool_or(touched))
       SELECT count(*) AS n, min(ids) AS example FROM clashes`,
    )
  ).getRowObjectsJson()[0];
  const count = Number(rows?.n ?? 0);
  if (count === 0) return [];
  const example = (rows?.example as string[] | null) ?? [];
  return [
    `${count} customer id${count === 1 ? ' has a twin that differs' : 's have twins that differ'} only in letter case ` +
      `(e.g. ${example
        .slice(0, 2)
        .map((id) => `"${id}"`)
        .join(' and ')}); ids are case-sensitive, so they are kept as different customers.`,
  ];
}

const INPUT_ERROR =
  /Conversion Error|Invalid Input Error|Constraint Error|CSV Error|Could not parse|Could not convert|IO Error|Binder Error/i;

/**
 * Turns a failed load into a BadInputError listing problems by file, line and column. DuckDB's
 * message never reaches the user: it can quote lines of the file and the SQL that read it.
 */
async function explainFailure(conn: DuckDBConnection, plans: SectionPlan[], error: unknown): Promise<Error> {
  if (error instanceof BadInputError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof LoadAborted) && !INPUT_ERROR.test(message)) {
    return error instanceof Error ? error : new Error(message);
  }
  let diagnosis: Awaited<ReturnType<typeof diagnose>>;
  try {
    diagnosis = await diagnose(conn, plans);
  } catch {
    diagnosis = { issues: [], total: 0 };
  }
  if (diagnosis.total === 0) {
    const files = plans.map((p) => p.label).join(', ');
    const why = error instanceof LoadAborted ? error.message : readFailure(message);
    return new BadInputError(
      `${files}: could not be loaded (${why}), and no single line could be blamed; nothing was loaded.`,
      [],
      0,
      { code: 'loadFailed', params: { files: plans.map((p) => p.label), why } },
    );
  }
  return problemsError(diagnosis.issues, diagnosis.total);
}

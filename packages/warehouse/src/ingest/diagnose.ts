import type { DuckDBConnection } from '@duckdb/node-api';
import type { IngestIssue, IngestIssueCode, IngestSetting } from '@retain/schemas';
import { sqlIdent, sqlString } from '../sql.ts';
import { lineOfRecords } from './csvLayout.ts';
import { scanJson } from './jsonLayout.ts';
import { convertedSelect, type SectionPlan } from './plan.ts';
import { sourceProblem } from './sourceFile.ts';

export const MAX_LISTED_ISSUES = 20;

export interface Diagnosis {
  issues: IngestIssue[];
  total: number;
}

interface RawIssue {
  record: number | null;
  header: string | null;
  value: string | null;
  reason: string;
  code: IngestIssueCode;
  field: IngestSetting | null;
  /** Another record the problem involves (the first row of a conflicting id). */
  related?: number;
}

/**
 * The slow, thorough pass that runs only after a load failed: numbers every record, evaluates
 * every check, and turns record numbers into the lines an editor shows.
 */
export async function diagnose(conn: DuckDBConnection, plans: SectionPlan[]): Promise<Diagnosis> {
  const issues: IngestIssue[] = [];
  let total = 0;
  for (const plan of plans) {
    const found = await diagnoseSection(conn, plan, MAX_LISTED_ISSUES - issues.length);
    total += found.total;
    issues.push(...(await locate(plan, found.issues)));
  }
  return { issues: issues.slice(0, MAX_LISTED_ISSUES), total };
}

async function diagnoseSection(
  conn: DuckDBConnection,
  plan: SectionPlan,
  room: number,
): Promise<{ issues: RawIssue[]; total: number }> {
  if (plan.empty) return { issues: [], total: 0 };
  try {
    return await valueProblems(conn, plan, room);
  } catch (error) {
    // The reader itself gave up (a broken record, a duplicate JSON key): find the line ourselves.
    return { issues: [await structureIssue(plan, error)], total: 1 };
  }
}

async function valueProblems(
  conn: DuckDBConnection,
  plan: SectionPlan,
  room: number,
): Promise<{ issues: RawIssue[]; total: number }> {
  const numbered = `numbered AS (SELECT row_number() OVER () AS __rec, * FROM ${plan.reader})`;
  const src = plan.request.skipRowsWithoutCustomer
    ? `src AS (SELECT * FROM numbered WHERE ${plan.customerPresent} IS NOT NULL)`
    : 'src AS (SELECT * FROM numbered)';
  if (plan.checks.length > 0) {
    const problems = plan.checks
      .map(
        (check, i) =>
          `SELECT __rec, ${i} AS __ord, ${sqlString(check.header)} AS header, ${check.value} AS value, ${sqlString(check.reason)} AS reason FROM src WHERE ${check.bad}`,
      )
      .join('\n  UNION ALL\n  ');
    // One problem per value: the first check it fails (a NUL is not also "not a number").
    const sql = `WITH ${numbered}, ${src}, problems AS (\n  ${problems}\n),
      firsts AS (SELECT * FROM problems QUALIFY row_number() OVER (PARTITION BY __rec, header ORDER BY __ord) = 1)
      SELECT __rec, __ord, header, value, reason, count(*) OVER () AS total FROM firsts ORDER BY __rec, __ord LIMIT ${Math.max(room, 1)}`;
    const rows = (await conn.runAndReadAll(sql)).getRowObjects();
    if (rows.length > 0) {
      return {
        total: Number(rows[0]?.total ?? rows.length),
        issues: rows.slice(0, room).map((r) => {
          const check = plan.checks[Number(r.__ord)];
          return {
            record: Number(r.__rec),
            header: String(r.header),
            value: r.value === null ? null : String(r.value),
            reason: String(r.reason),
            code: check?.code ?? 'malformed',
            field: check?.field ?? null,
          };
        }),
      };
    }
  }
  return conflictingKeys(conn, plan, numbered, src, room);
}

/** Id-keyed sections: one id on two rows that disagree. */
async function conflictingKeys(
  conn: DuckDBConnection,
  plan: SectionPlan,
  numbered: string,
  src: string,
  room: number,
): Promise<{ issues: RawIssue[]; total: number }> {
  const keyColumn = plan.columns.find((c) => c.name === plan.key);
  if (plan.request.section === 'purchases' || keyColumn?.source.kind !== 'mapped')
    return { issues: [], total: 0 };
  const converted = convertedSelect(plan).replace(/^SELECT /, 'SELECT __rec, ');
  const all = plan.columns.map((c) => sqlIdent(c.name)).join(', ');
  const sql = `WITH ${numbered}, ${src}, conv AS (${converted.replace(`FROM ${plan.reader}`, 'FROM src')}),
    keyed AS (SELECT __rec, ${sqlIdent(plan.key)} AS k, hash(${all}) AS h FROM conv)
    SELECT k, list(__rec ORDER BY __rec)[1:2] AS recs, count(*) OVER () AS total FROM keyed
    GROUP BY k HAVING count(DISTINCT h) > 1 ORDER BY min(__rec) LIMIT ${Math.max(room, 1)}`;
  const rows = (await conn.runAndReadAll(sql)).getRowObjectsJson();
  return {
    total: Number(rows[0]?.total ?? 0),
    issues: rows.slice(0, room).map((r) => {
      const recs = (r.recs as number[]).map(Number);
      return {
        record: recs[1] ?? null,
        header: keyColumn.source.kind === 'mapped' ? keyColumn.source.header : plan.key,
        value: String(r.k),
        reason: `${plan.key} appears more than once with different values; keep one row per ${plan.key}`,
        code: 'conflictingId' as const,
        field: null,
        ...(recs[0] === undefined ? {} : { related: recs[0] }),
      };
    }),
  };
}

async function structureIssue(plan: SectionPlan, error: unknown): Promise<RawIssue> {
  const { line, reason } = await sourceProblem(plan.source, error);
  return {
    record: line === null ? null : -line,
    header: null,
    value: null,
    reason,
    code: 'malformed',
    field: null,
  };
}

/** Record numbers → editor lines. A negative record is already a line (from the layout scan). */
async function locate(plan: SectionPlan, raw: RawIssue[]): Promise<IngestIssue[]> {
  const { format, path: file, delimiter, compression } = plan.source;
  const shownAs = plan.source.name;
  const records = raw
    .flatMap((r) => [r.record, r.related ?? null])
    .filter((r): r is number => r !== null && r > 0);
  let lines: Map<number, number> | null = null;
  if (records.length > 0 && format === 'csv') {
    lines = await lineOfRecords(file, delimiter ?? ',', compression, records);
  } else if (records.length > 0 && format === 'json') {
    // Lines only where every record has its own (one-line JSON arrays are told by record number).
    const layout = await scanJson(file, compression);
    const starts = layout?.recordLines ?? [];
    if (layout && starts.every((line, i) => i === 0 || line > (starts[i - 1] ?? 0))) {
      lines = new Map(records.map((r) => [r, starts[r - 1] ?? r]));
    }
  }
  return raw.map((r) => {
    let line: number | null = null;
    let lineKind: IngestIssue['lineKind'] = 'line';
    if (r.record !== null && r.record < 0) line = -r.record;
    else if (r.record !== null && lines) line = lines.get(r.record) ?? r.record + (format === 'csv' ? 1 : 0);
    else if (r.record !== null && format === 'csv') line = r.record + 1;
    else if (r.record !== null) {
      line = r.record;
      lineKind = format === 'parquet' ? 'row' : 'record';
    }
    const related = r.related === undefined ? undefined : (lines?.get(r.related) ?? r.related);
    const reason = related === undefined ? r.reason : `${r.reason} (first seen on ${lineKind} ${related})`;
    return {
      file: shownAs,
      line,
      lineKind,
      column: r.header,
      value: r.value,
      reason,
      code: r.code,
      field: r.field,
    };
  });
}

import {
  type CallListFilters,
  type CallListPage,
  type CallListRow,
  type CallListSummary,
  callListRowSchema,
  callListSummarySchema,
} from '@retain/schemas';
import type { DuckDBConnection, Warehouse } from '@retain/warehouse';
import { type CallListSql, callListSql, readScoresSource } from './callListSql.ts';
import { countryOfCallingCode, inferCallingCodeSql, phoneCountry } from './phoneNumbers.ts';

export interface CallListOptions {
  /** "Now" for the recent-contact window; tests pass a fixed time. */
  now?: Date;
}

/** The plan for one call list on one connection: the SQL, and the counts read in the same snapshot. */
export async function planCallList(
  conn: DuckDBConnection,
  filters: CallListFilters,
  options: CallListOptions = {},
): Promise<{ sql: CallListSql; summary: CallListSummary }> {
  const source = await readScoresSource(conn);
  const homeCountry =
    filters.phoneCountry === undefined
      ? await inferPhoneCountry(conn)
      : phoneCountry(filters.phoneCountry).iso;
  const sql = callListSql(source, filters, { ...options, phoneCountry: homeCountry });
  const row = (await conn.runAndReadAll(sql.summary.sql, sql.summary.params)).getRowObjectsJS()[0];
  const eligible = Number(row?.eligible ?? 0);
  // The value the cut covers needs a ranking of its own, unless the cut leaves nobody out.
  const cutLeavesSomeOut = sql.cut !== null && sql.cut < eligible;
  const listed = cutLeavesSomeOut
    ? (await conn.runAndReadAll(sql.valueListed.sql, sql.valueListed.params)).getRowObjectsJS()[0]
    : { value_listed: row?.value_eligible, without_phone: row?.without_phone };
  const summary = callListSummarySchema.parse({
    cut: filters.top !== undefined ? 'top' : filters.capacity !== undefined ? 'capacity' : 'all',
    listed: cutLeavesSomeOut ? sql.cut : eligible,
    eligible,
    excludedNoConsent: row?.no_consent,
    excludedDoNotCall: row?.do_not_call,
    excludedRecentlyContacted: row?.recently_contacted,
    excludedNoPhone: row?.no_phone,
    listedWithoutPhone: listed?.without_phone,
    phoneCountry: homeCountry,
    valueAtRiskListed: listed?.value_listed,
    valueAtRiskEligible: row?.value_eligible,
    modelId: row?.model_id ?? null,
    scoredAt: row?.scored_at ?? null,
  });
  return { sql, summary };
}

/** The country most customers' international numbers are from (see phoneNumbers.ts), or null. */
async function inferPhoneCountry(conn: DuckDBConnection): Promise<string | null> {
  const code = (await conn.runAndReadAll(inferCallingCodeSql())).getRows()[0]?.[0];
  return typeof code === 'string' ? countryOfCallingCode(code) : null;
}

/** One page of the call list with its totals, for the API and the at-risk page. */
export async function callListPage(
  warehouse: Warehouse,
  filters: CallListFilters,
  window: { offset: number; limit: number },
  options: CallListOptions = {},
): Promise<CallListPage> {
  return warehouse.read((conn) =>
    inOneSnapshot(conn, async () => {
      const { sql, summary } = await planCallList(conn, filters, options);
      const query = sql.rows(window, 'rows', summary.eligible);
      const rows = (await conn.runAndReadAll(query.sql, query.params))
        .getRowsJS()
        .map((values, i) => toRow(window.offset + i + 1, values));
      return { summary, offset: window.offset, limit: window.limit, rows };
    }),
  );
}

function toRow(rank: number, values: readonly unknown[]): CallListRow {
  const [customerId, name, phone, email, churnProbability, valueAtRisk, lastOrderDate, orders] = values;
  const [openComplaints, reasons, lastContact, lastOutcome, phoneE164, segment, standing] = values.slice(8);
  return callListRowSchema.parse({
    rank,
    customerId,
    name,
    phone,
    email,
    churnProbability,
    valueAtRisk,
    lastOrderDate,
    orders,
    openComplaints,
    reasons,
    lastContact,
    lastOutcome,
    phoneE164,
    segment,
    standing,
  });
}

/** Runs `task` in one read transaction, so the counts and the rows describe the same data. */
export async function inOneSnapshot<T>(conn: DuckDBConnection, task: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  try {
    return await task();
  } finally {
    await conn.run('ROLLBACK');
  }
}

/** Throws NoScoresError unless there are churn scores to rank by. */
export async function requireScores(warehouse: Warehouse): Promise<void> {
  await warehouse.read((conn) => readScoresSource(conn));
}

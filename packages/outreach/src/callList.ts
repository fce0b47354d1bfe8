import {
  type CallListFilters,
  type CallListPage,
  type CallListRow,
  type CallListSummary,
  callListRowSchema,
  callListSummarySchema,
  DEFAULT_CALL_EFFECT,
} from '@retain/schemas';
import { type Db, sql, type Warehouse } from '@retain/warehouse';
import { z } from 'zod';
import { type CallListSql, callListSql, readScoresSource, type ScoresSource } from './callListSql.ts';
import { type StagedFacts, withStagedFacts } from './engineFacts.ts';
import { countryOfCallingCode, inferCallingCodeSql, phoneCountry } from './phoneNumbers.ts';
import { ensureOutreachTables } from './program/programTables.ts';
import { readActiveUplift } from './program/upliftStore.ts';

export interface CallListOptions {
  /** "Now" for the recent-contact window; tests pass a fixed time. */
  now?: Date;
  /** Only the treated members of this saved list (its re-export). */
  listId?: string | null;
  /**
   * The facts read from a cluster (stageEngineFacts) rather than the warehouse's own tables. The
   * handle must read the list inside withStagedFacts.
   */
  facts?: StagedFacts | null;
}

const anyRow = z.record(z.string(), z.unknown());

/** The plan for one call list on one handle: the SQL, and the counts read in the same snapshot. */
export async function planCallList(
  db: Db,
  filters: CallListFilters,
  options: CallListOptions = {},
): Promise<{ sql: CallListSql; summary: CallListSummary; asOf: string }> {
  const source = await readScoresSource(db);
  const homeCountry =
    filters.phoneCountry !== undefined
      ? phoneCountry(filters.phoneCountry).iso
      : options.facts
        ? options.facts.phoneCountry // read over all the cluster's customers, not only the scored
        : await inferPhoneCountry(db);
  const asOf = await rankingDate(db, source);
  const uplift = await readActiveUplift(db);
  const callEffectPrior = filters.callEffect ?? DEFAULT_CALL_EFFECT;
  const plan = callListSql(db.dialect, source, filters, {
    ...options,
    phoneCountry: homeCountry,
    asOf,
    callEffectPrior,
    uplift: uplift?.model ?? null,
  });
  const row = (await db.first(plan.summary, anyRow)) ?? {};
  const eligible = Number(row.eligible ?? 0);
  // The value the cut covers needs a ranking of its own, unless the cut leaves nobody out.
  const cutLeavesSomeOut = plan.cut !== null && plan.cut < eligible;
  const listed = cutLeavesSomeOut
    ? ((await db.first(plan.valueListed, anyRow)) ?? {})
    : {
        value_listed: row.value_eligible,
        saved_listed: row.saved_eligible,
        without_phone: row.without_phone,
      };
  const summary = callListSummarySchema.parse({
    cut: filters.top !== undefined ? 'top' : filters.capacity !== undefined ? 'capacity' : 'all',
    listed: cutLeavesSomeOut ? plan.cut : eligible,
    eligible,
    excludedNoConsent: row.no_consent,
    excludedDoNotCall: row.do_not_call,
    excludedRecentlyContacted: row.recently_contacted,
    excludedNoPhone: row.no_phone,
    listedWithoutPhone: listed.without_phone,
    phoneCountry: homeCountry,
    valueAtRiskListed: listed.value_listed,
    valueAtRiskEligible: row.value_eligible,
    modelId: row.model_id ?? null,
    scoredAt: row.scored_at ?? null,
    kind: filters.kind ?? 'at-risk',
    onOtherList: row.other_list,
    callEffectSource: uplift ? 'uplift-model' : 'prior',
    callEffectPrior,
    expectedSavedListed: listed.saved_listed,
  });
  return { sql: plan, summary, asOf };
}

/**
 * The day the ranking is true at: the scores' as-of date, else the last day with orders (scores
 * without a date), else today. The lost rule counts days up to it.
 */
export async function rankingDate(db: Db, source: ScoresSource): Promise<string> {
  const value = await db.scalar(
    source.asOf
      ? sql`SELECT CAST(CAST(max(as_of) AS DATE) AS VARCHAR) FROM latest_scores`
      : sql`SELECT CAST(CAST(max(order_date) AS DATE) AS VARCHAR) FROM purchases`,
    z.string().nullable(),
  );
  return value ?? new Date().toISOString().slice(0, 10);
}

/** The country most customers' international numbers are from (see phoneNumbers.ts), or null. */
async function inferPhoneCountry(db: Db): Promise<string | null> {
  const code = await db.scalar(sql.raw(inferCallingCodeSql(db.dialect)), z.unknown());
  return typeof code === 'string' ? countryOfCallingCode(code) : null;
}

/** One page of the call list with its totals, for the API and the at-risk page. */
export async function callListPage(
  warehouse: Warehouse,
  filters: CallListFilters,
  window: { offset: number; limit: number },
  options: CallListOptions = {},
): Promise<CallListPage> {
  // The list reads the outcomes recorded beside the scores: their table before the snapshot.
  await ensureOutreachTables(warehouse);
  return warehouse.snapshot((db) =>
    withStagedFacts(db, options.facts, async () => {
      const { sql: plan, summary } = await planCallList(db, filters, options);
      const query = plan.rows(window, 'rows', summary.eligible);
      const rows = (await db.query(query, anyRow)).map((values, i) => toRow(window.offset + i + 1, values));
      return { summary, offset: window.offset, limit: window.limit, rows };
    }),
  );
}

function toRow(rank: number, row: Record<string, unknown>): CallListRow {
  return callListRowSchema.parse({
    rank,
    customerId: row.customer_id,
    name: row.name,
    phone: row.phone,
    email: row.email,
    churnProbability: row.churn_probability,
    valueAtRisk: row.value_at_risk,
    lastOrderDate: row.last_order_date,
    orders: row.orders,
    openComplaints: row.open_complaints,
    reasons: row.reasons,
    lastContact: row.last_contact,
    lastOutcome: row.last_outcome,
    phoneE164: row.phone_e164,
    segment: row.segment,
    standing: row.standing,
    callEffect: row.call_effect,
    expectedSavedValue: row.expected_saved,
  });
}

/** Throws NoScoresError unless there are churn scores to rank by. */
export async function requireScores(warehouse: Warehouse): Promise<void> {
  await warehouse.read((db) => readScoresSource(db));
}

import { appendAudit } from '@retain/access';
import {
  type CallListFilters,
  type CallListSummary,
  DEFAULT_CALL_EFFECT,
  type ListSettings,
  listSettingsSchema,
  type SavedList,
} from '@retain/schemas';
import { sql, type Warehouse } from '@retain/warehouse';
import { planCallList } from '../callList.ts';
import { RANKING } from '../callListSql.ts';
import { type StagedFacts, withStagedFacts } from '../engineFacts.ts';
import type { ExportRequester } from '../exportCallList.ts';
import { controlDrawSql } from './controlDraw.ts';
import { migrateProgramTables } from './programTables.ts';
import { readSavedList } from './savedLists.ts';

export interface SaveListOptions {
  settings?: Partial<ListSettings>;
  requester?: ExportRequester;
  /** "Now" for the recent-contact window and the list's creation time; tests pass a fixed time. */
  now?: Date;
  /** The random part of the id (six base-36 characters); tests pass one, otherwise drawn. */
  idSuffix?: string;
  /** The facts read from a cluster (stageEngineFacts). */
  facts?: StagedFacts | null;
}

/** `L-<list date without dashes>-<six base-36 characters>`. */
function newListId(date: string, suffix?: string): string {
  const random =
    suffix ?? Array.from({ length: 6 }, () => Math.floor(Math.random() * 36).toString(36)).join('');
  return `L-${date.replaceAll('-', '')}-${random}`;
}

/**
 * Saves the call list the filters give as a list with a control group: its members are the
 * eligible customers in ranking order until `top`/`capacity` of them are to be called (so the team
 * gets the calls it has room for), each held back when the seeded draw of (list id, customer id)
 * falls below the control share. One transaction: the list and all its members, or nothing. The
 * audit log records who saved which list, with what.
 */
export async function saveCallList(
  warehouse: Warehouse,
  filters: CallListFilters,
  options: SaveListOptions = {},
): Promise<SavedList & { summary: CallListSummary }> {
  const settings = listSettingsSchema.parse(options.settings ?? {});
  const now = options.now ?? new Date();
  const cut = filters.top ?? filters.capacity ?? null;
  const { listId, summary } = await warehouse.transaction(async (db) => {
    await migrateProgramTables(db);
    return withStagedFacts(db, options.facts, async () => {
      const {
        sql: plan,
        summary,
        asOf,
      } = await planCallList(db, filters, { now, facts: options.facts ?? null });
      const id = newListId(asOf, options.idSuffix);
      await db.run(sql`INSERT INTO call_lists (list_id, kind, list_date, horizon_days, control_share, model_id,
        capacity, filters, call_effect, created_at, created_by)
      VALUES (${id}, ${summary.kind}, CAST(${asOf} AS DATE), ${settings.horizonDays}, ${settings.controlShare},
        ${summary.modelId}, ${cut}, ${JSON.stringify(filters)}, ${
          summary.callEffectSource === 'uplift-model'
            ? 'uplift-model'
            : String(filters.callEffect ?? DEFAULT_CALL_EFFECT)
        }, CAST(${now.toISOString()} AS TIMESTAMP), ${options.requester?.username ?? null})`);
      const arm = sql`CASE WHEN ${controlDrawSql(db.dialect, sql`${id}`, sql`customer_id`)} < ${settings.controlShare}
                      THEN 'control' ELSE 'treated' END`;
      const counted =
        cut === null
          ? sql`counted AS (SELECT * FROM ranked)`
          : sql`counted AS (
             SELECT *, sum(CAST(arm = 'treated' AS INTEGER)) OVER (ORDER BY rank ROWS UNBOUNDED PRECEDING) AS treated_upto
             FROM ranked
           )`;
      await db.run(
        sql`INSERT INTO call_list_members
         SELECT * FROM (
           WITH ${plan.ctes},
           ranked AS (
             SELECT ${id} AS list_id, customer_id, churn_probability, value_at_risk, expected_saved,
                    row_number() OVER (ORDER BY ${sql.raw(RANKING)}) AS rank,
                    ${arm} AS arm
             FROM candidates WHERE excluded IS NULL
           ),
           ${counted}
           -- Up to the cut-th customer to call; held-back customers ranked after them are not on the list.
           SELECT list_id, customer_id, arm, rank, churn_probability, value_at_risk, expected_saved FROM counted
           ${cut === null ? sql.empty : sql`WHERE treated_upto <= ${cut} AND NOT (arm = 'control' AND treated_upto = ${cut})`}
         )`,
      );
      return { listId: id, summary };
    });
  });
  const saved = await warehouse.read((db) => readSavedList(db, listId));
  if (options.requester) {
    await appendAudit(warehouse, {
      username: options.requester.username,
      action: 'save-list',
      detail: {
        via: options.requester.via,
        ...options.requester.detail,
        listId,
        kind: saved.kind,
        date: saved.date,
        controlShare: saved.controlShare,
        horizonDays: saved.horizonDays,
        treated: saved.treated,
        control: saved.control,
        filters,
        modelId: saved.modelId,
      },
    });
  }
  return { ...saved, summary };
}

import type { Effect, ProgramList, ProgramReport, SavedList } from '@retain/schemas';
import { type Db, type Dialect, ordersRelation, type Sql, sql, type Warehouse } from '@retain/warehouse';
import { z } from 'zod';
import { type ArmTotals, addArm, emptyArm, listEffect, pooledEffect } from './effectStats.ts';
import { readSavedList, readSavedLists } from './savedLists.ts';

/**
 * Outcomes that mean the call took place (someone answered): `no_answer` is the only one that does
 * not. The "contacted" view compares these treated customers with the whole control group.
 */
const REACHED = ['reached', 'offer_accepted', 'declined', 'do_not_call'];

const totalsRow = z.object({
  list_id: z.string(),
  arm: z.string(),
  reached: z.boolean(),
  customers: z.number(),
  retained: z.number(),
  revenue: z.number(),
  revenue_squares: z.number(),
});

/**
 * Each list's members by arm (and, for the treated, whether a call reached them within the
 * horizon): how many ordered within H days after the list's date (the day after it to the H-th
 * day, inclusive) and their revenue in that window. Lists are measured only when the data reaches
 * date + H, so none of the window is missing.
 */
function memberTotalsSql(d: Dialect, listIds: readonly string[]) {
  const afterList = (days: Sql) => d.addDays(sql`mb.list_date`, days);
  return sql`
    WITH lists AS (
      SELECT list_id, list_date, horizon_days FROM call_lists
      WHERE list_id IN (${sql.join(listIds.map((id) => sql`${id}`))})
    ),
    members AS (
      SELECT m.list_id, m.customer_id, m.arm, l.list_date, l.horizon_days
      FROM call_list_members m JOIN lists l ON l.list_id = m.list_id
    ),
    orders AS (
      SELECT customer_id, order_id, ordered_at AS order_at, value AS amount
      FROM ${ordersRelation({
        orderIds: sql`order_id IN (SELECT order_id FROM purchases WHERE customer_id IN (SELECT customer_id FROM members))`,
      })} o
      WHERE customer_id IN (SELECT customer_id FROM members)
    ),
    outcomes AS (
      SELECT mb.list_id, mb.customer_id, mb.arm,
             count(o.order_id) > 0 AS retained, CAST(coalesce(sum(o.amount), 0) AS DOUBLE) AS revenue
      FROM members mb
      LEFT JOIN orders o ON o.customer_id = mb.customer_id
        AND o.order_at >= ${afterList(sql`1`)}
        AND o.order_at < ${afterList(sql`mb.horizon_days + 1`)}
      GROUP BY mb.list_id, mb.customer_id, mb.arm
    ),
    reached AS (
      SELECT DISTINCT mb.list_id, mb.customer_id
      FROM members mb JOIN contact_outcomes c ON c.customer_id = mb.customer_id
        AND c.contacted_at >= mb.list_date AND c.contacted_at < ${afterList(sql`mb.horizon_days + 1`)}
        AND c.outcome IN (${sql.join(REACHED.map((o) => sql`${o}`))})
      WHERE mb.arm = 'treated'
    )
    SELECT o.list_id, o.arm, r.customer_id IS NOT NULL AS reached,
           CAST(count(*) AS INTEGER) AS customers,
           CAST(${d.filtered(sql`count(*)`, sql`o.retained`)} AS INTEGER) AS retained,
           CAST(sum(o.revenue) AS DOUBLE) AS revenue, CAST(sum(o.revenue * o.revenue) AS DOUBLE) AS revenue_squares
    FROM outcomes o LEFT JOIN reached r ON r.list_id = o.list_id AND r.customer_id = o.customer_id
    GROUP BY o.list_id, o.arm, r.customer_id IS NOT NULL`;
}

interface ListTotals {
  treated: ArmTotals;
  reached: ArmTotals;
  control: ArmTotals;
}

async function readTotals(db: Db, listIds: readonly string[]): Promise<Map<string, ListTotals>> {
  const totals = new Map<string, ListTotals>();
  if (listIds.length === 0) return totals;
  for (const row of await db.query(memberTotalsSql(db.dialect, listIds), totalsRow)) {
    const entry = totals.get(row.list_id) ?? {
      treated: emptyArm(),
      reached: emptyArm(),
      control: emptyArm(),
    };
    const arm: ArmTotals = {
      customers: row.customers,
      retained: row.retained,
      revenue: row.revenue,
      revenueSquares: row.revenue_squares,
    };
    if (row.arm === 'control') entry.control = addArm(entry.control, arm);
    else {
      entry.treated = addArm(entry.treated, arm);
      if (row.reached) entry.reached = addArm(entry.reached, arm);
    }
    totals.set(row.list_id, entry);
  }
  return totals;
}

/** The last day with orders, YYYY-MM-DD, or null without orders. */
export async function dataEnd(db: Db): Promise<string | null> {
  return db.scalar(
    sql`SELECT CAST(CAST(max(order_date) AS DATE) AS VARCHAR) FROM purchases`,
    z.string().nullable(),
  );
}

const points = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value * 100).toFixed(1)}`;

/** What a list's row says, in words the dashboard and the CLI both show. */
function noteFor(
  list: SavedList,
  status: ProgramList['status'],
  effect: Effect | null,
  end: string | null,
): string {
  if (status === 'no-control')
    return 'No control group (0 % held back): nothing can be measured for this list.';
  if (status === 'pending') {
    return `Measurable from ${list.measurableFrom}, once orders up to that day are loaded${
      end ? ` (orders reach ${end})` : ''
    }.`;
  }
  if (!effect) return 'Nobody was left to call after the control group: nothing to compare.';
  const interval = `95 % interval ${points(effect.lower)} to ${points(effect.upper)} points`;
  if (!effect.conclusive) {
    return `The difference (${points(effect.difference)} points, ${interval}) cannot be told from noise yet: ${effect.controlCustomers.toLocaleString('en-US')} in the control group.`;
  }
  return effect.difference > 0
    ? `Calls kept ${Math.abs(effect.difference * 100).toFixed(1)} points more customers (${interval}).`
    : `Called customers were retained less than the control group (${points(effect.difference)} points, ${interval}).`;
}

/**
 * The program's measured effect: each saved list (or the one asked for) with its status, the
 * intention-to-treat effect (everyone to call against the control group) and the contacted-only
 * view, and both pooled over every measured list.
 */
export async function measureProgram(
  warehouse: Warehouse,
  options: { listId?: string | undefined } = {},
): Promise<ProgramReport> {
  return warehouse.snapshot(async (db) => {
    const lists = options.listId ? [await readSavedList(db, options.listId)] : await readSavedLists(db);
    const end = await dataEnd(db);
    const statusOf = (list: SavedList): ProgramList['status'] =>
      list.control === 0 ? 'no-control' : end !== null && end >= list.measurableFrom ? 'measured' : 'pending';
    const measured = lists.filter((l) => statusOf(l) === 'measured').map((l) => l.listId);
    const totals = await readTotals(db, measured);
    const rows = lists.map((list): ProgramList => {
      const status = statusOf(list);
      const t = totals.get(list.listId);
      const effect = status === 'measured' && t ? listEffect(t.treated, t.control) : null;
      const contacted = status === 'measured' && t ? listEffect(t.reached, t.control) : null;
      return { ...list, status, effect, contacted, note: noteFor(list, status, effect, end) };
    });
    const measuredTotals = measured.flatMap((id) => {
      const t = totals.get(id);
      return t ? [t] : [];
    });
    const pooled = pooledEffect(measuredTotals);
    const pooledContacted = pooledEffect(
      measuredTotals.map((t) => ({ treated: t.reached, control: t.control })),
    );
    const count = measuredTotals.filter((t) => t.treated.customers > 0 && t.control.customers > 0).length;
    return {
      dataEnd: end,
      lists: rows,
      pooled: pooled ? { ...pooled, lists: count } : null,
      pooledContacted: pooledContacted
        ? {
            ...pooledContacted,
            lists: measuredTotals.filter((t) => t.reached.customers > 0 && t.control.customers > 0).length,
          }
        : null,
    };
  });
}

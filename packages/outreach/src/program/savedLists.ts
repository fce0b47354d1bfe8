import { type SavedList, savedListSchema } from '@retain/schemas';
import { type Db, type Dialect, dbInstant, sql, type Warehouse } from '@retain/warehouse';
import { z } from 'zod';
import { UnknownListError } from '../errors.ts';
import { programTablesExist } from './programTables.ts';

const listRow = z.object({
  list_id: z.string(),
  list_date: z.string(),
  kind: z.string(),
  horizon_days: z.number(),
  control_share: z.number(),
  treated: z.number(),
  control: z.number(),
  measurable_from: z.string(),
  model_id: z.string().nullable(),
  capacity: z.number().nullable(),
  filters: z.string(),
  call_effect: z.string(),
  created_at: dbInstant,
  created_by: z.string().nullable(),
});

/** Saved lists, newest first, or the one asked for. */
function listsSql(d: Dialect, listId: string | null) {
  const members = (arm: string) => d.filtered(sql`count(*)`, sql`arm = ${arm}`);
  return sql`
    SELECT l.list_id, CAST(l.list_date AS VARCHAR) AS list_date, l.kind, l.horizon_days, l.control_share,
           CAST(coalesce(m.treated, 0) AS INTEGER) AS treated, CAST(coalesce(m.control, 0) AS INTEGER) AS control,
           CAST(${d.addDays(sql`l.list_date`, sql`l.horizon_days`)} AS VARCHAR) AS measurable_from,
           l.model_id, l.capacity, CAST(l.filters AS VARCHAR) AS filters, l.call_effect,
           l.created_at, l.created_by
    FROM call_lists l
    LEFT JOIN (
      SELECT list_id, ${members('treated')} AS treated, ${members('control')} AS control
      FROM call_list_members GROUP BY list_id
    ) m ON m.list_id = l.list_id
    WHERE CAST(${listId} AS VARCHAR) IS NULL OR l.list_id = ${listId}
    ORDER BY l.list_date DESC, l.created_at DESC, l.list_id`;
}

function toSavedList(row: z.output<typeof listRow>): SavedList {
  const effect = Number(row.call_effect);
  return savedListSchema.parse({
    listId: row.list_id,
    date: row.list_date,
    kind: row.kind,
    horizonDays: row.horizon_days,
    controlShare: row.control_share,
    treated: row.treated,
    control: row.control,
    measurableFrom: row.measurable_from,
    modelId: row.model_id,
    capacity: row.capacity,
    filters: JSON.parse(row.filters) as unknown,
    callEffect: Number.isFinite(effect) ? effect : 'uplift-model',
    createdAt: row.created_at,
    createdBy: row.created_by,
  });
}

/** Every saved list, newest first (none before the first is saved). */
export async function readSavedLists(db: Db): Promise<SavedList[]> {
  if (!(await programTablesExist(db))) return [];
  return (await db.query(listsSql(db.dialect, null), listRow)).map(toSavedList);
}

/** One saved list; UnknownListError when there is no such list. */
export async function readSavedList(db: Db, listId: string): Promise<SavedList> {
  const row = (await programTablesExist(db)) ? await db.first(listsSql(db.dialect, listId), listRow) : null;
  if (!row) throw new UnknownListError(listId);
  return toSavedList(row);
}

/** Every saved list, newest first. */
export function listCallLists(warehouse: Warehouse): Promise<SavedList[]> {
  return warehouse.read(readSavedLists);
}

/** One saved list; UnknownListError when there is none with that id. */
export function savedList(warehouse: Warehouse, listId: string): Promise<SavedList> {
  return warehouse.read((db) => readSavedList(db, listId));
}

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from './query/Db.ts';
import { sql } from './query/sql.ts';
import type { Warehouse } from './Warehouse.ts';

export interface SavedQuery {
  queryId: string;
  name: string;
  sql: string;
  /** How the console charts the result, as the dashboard stored it. */
  chart: unknown;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

const SAVED_ROW = z.object({
  query_id: z.string(),
  name: z.string(),
  sql: z.string(),
  chart: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

/** JSON and timestamps as text, as the engine writes them. */
const SELECT_SAVED = sql`SELECT query_id, name, sql, CAST(chart AS VARCHAR) AS chart, created_by,
  CAST(created_at AS VARCHAR) AS created_at, CAST(updated_at AS VARCHAR) AS updated_at FROM saved_queries`;

function toSaved(row: z.output<typeof SAVED_ROW>): SavedQuery {
  return {
    queryId: row.query_id,
    name: row.name,
    sql: row.sql,
    chart: row.chart === null ? null : JSON.parse(row.chart),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listSavedQueries(warehouse: Warehouse): Promise<SavedQuery[]> {
  return (await warehouse.query(sql`${SELECT_SAVED} ORDER BY lower(name), query_id`, SAVED_ROW)).map(toSaved);
}

async function savedQuery(db: Db, queryId: string): Promise<SavedQuery | null> {
  const row = await db.first(sql`${SELECT_SAVED} WHERE query_id = ${queryId}`, SAVED_ROW);
  return row ? toSaved(row) : null;
}

/** Creates a saved query, or updates the one with `queryId`. */
export async function saveQuery(
  warehouse: Warehouse,
  query: {
    queryId?: string | undefined;
    name: string;
    sql: string;
    chart?: unknown;
    createdBy?: string | null;
  },
): Promise<SavedQuery> {
  const queryId = query.queryId ?? randomUUID();
  return warehouse.write(async (db) => {
    await db.run(
      sql`INSERT INTO saved_queries (query_id, name, sql, chart, created_by, created_at, updated_at)
          VALUES (${queryId}, ${query.name}, ${query.sql}, ${JSON.stringify(query.chart ?? null)},
                  ${query.createdBy ?? null}, CAST(now() AS TIMESTAMP), CAST(now() AS TIMESTAMP))
          ON CONFLICT (query_id) DO UPDATE SET name = excluded.name, sql = excluded.sql, chart = excluded.chart,
            updated_at = excluded.updated_at`,
    );
    const saved = await savedQuery(db, queryId);
    if (!saved) throw new Error('saved query vanished');
    return saved;
  });
}

export async function deleteSavedQuery(warehouse: Warehouse, queryId: string): Promise<boolean> {
  return warehouse.write(
    async (db) => (await db.count(sql`DELETE FROM saved_queries WHERE query_id = ${queryId}`)) > 0,
  );
}

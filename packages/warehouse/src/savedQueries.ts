import { randomUUID } from 'node:crypto';
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

function toSaved(row: Record<string, unknown>): SavedQuery {
  return {
    queryId: String(row.query_id),
    name: String(row.name),
    sql: String(row.sql),
    chart: row.chart === null || row.chart === undefined ? null : JSON.parse(String(row.chart)),
    createdBy: row.created_by === null ? null : String(row.created_by),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

export async function listSavedQueries(warehouse: Warehouse): Promise<SavedQuery[]> {
  return warehouse.read(async (conn) =>
    (await conn.runAndReadAll('SELECT * FROM saved_queries ORDER BY lower(name), query_id'))
      .getRowObjectsJson()
      .map(toSaved),
  );
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
  return warehouse.write(async (conn) => {
    await conn.run(
      `INSERT INTO saved_queries (query_id, name, sql, chart, created_by, created_at, updated_at)
       VALUES ($id, $name, $sql, $chart, $by, now()::TIMESTAMP, now()::TIMESTAMP)
       ON CONFLICT (query_id) DO UPDATE SET name = excluded.name, sql = excluded.sql, chart = excluded.chart,
         updated_at = excluded.updated_at`,
      {
        id: queryId,
        name: query.name,
        sql: query.sql,
        chart: JSON.stringify(query.chart ?? null),
        by: query.createdBy ?? null,
      },
    );
    const row = (
      await conn.runAndReadAll('SELECT * FROM saved_queries WHERE query_id = $id', { id: queryId })
    ).getRowObjectsJson()[0];
    if (!row) throw new Error('saved query vanished');
    return toSaved(row);
  });
}

export async function deleteSavedQuery(warehouse: Warehouse, queryId: string): Promise<boolean> {
  return warehouse.write(
    async (conn) =>
      (await conn.run('DELETE FROM saved_queries WHERE query_id = $id', { id: queryId })).rowsChanged > 0,
  );
}

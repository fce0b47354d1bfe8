import { dbNumber, sql, type Warehouse } from '@retain/warehouse';
import { z } from 'zod';
import { accessTablesExist, ensureAccessTables } from './accessTables.ts';

export interface AuditEntry {
  auditId: number;
  at: string;
  username: string | null;
  action: string;
  detail: Record<string, unknown>;
}

/** Appends to the audit log; entries are never updated or deleted by Retain. */
export async function appendAudit(
  warehouse: Warehouse,
  entry: { username: string | null; action: string; detail: Record<string, unknown> },
): Promise<void> {
  await ensureAccessTables(warehouse);
  await warehouse.write((db) =>
    db.run(
      sql`INSERT INTO audit_log (occurred_at, username, action, detail)
          VALUES (CAST(now() AS TIMESTAMP), ${entry.username}, ${entry.action}, ${JSON.stringify(entry.detail)})`,
    ),
  );
}

const AUDIT_ROW = z.object({
  audit_id: dbNumber,
  at: z.string(),
  username: z.string().nullable(),
  action: z.string(),
  detail: z.string(),
});

export async function listAudit(
  warehouse: Warehouse,
  filter: {
    username?: string | undefined;
    action?: string | undefined;
    limit?: number;
    beforeId?: number | undefined;
  } = {},
): Promise<AuditEntry[]> {
  const u = filter.username ?? null;
  const a = filter.action ?? null;
  const before = filter.beforeId ?? null;
  const rows = await warehouse.read(async (db) =>
    // Nothing was ever audited where the table was never made (a read-only open of a new database).
    !(await accessTablesExist(db))
      ? []
      : db.query(
          sql`SELECT audit_id, CAST(occurred_at AS VARCHAR) AS at, username, action, CAST(detail AS VARCHAR) AS detail
        FROM audit_log
        WHERE (${u} IS NULL OR username = ${u}) AND (${a} IS NULL OR action = ${a})
          AND (${before} IS NULL OR audit_id < ${before})
        ORDER BY audit_id DESC LIMIT ${filter.limit ?? 100}`,
          AUDIT_ROW,
        ),
  );
  return rows.map((r) => ({
    auditId: r.audit_id,
    at: r.at,
    username: r.username,
    action: r.action,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
}

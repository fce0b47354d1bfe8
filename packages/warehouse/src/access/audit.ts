import type { Warehouse } from '../Warehouse.ts';

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
  await warehouse.write((conn) =>
    conn.run(
      'INSERT INTO audit_log (occurred_at, username, action, detail) VALUES (now()::TIMESTAMP, $u, $a, $d)',
      {
        u: entry.username,
        a: entry.action,
        d: JSON.stringify(entry.detail),
      },
    ),
  );
}

export async function listAudit(
  warehouse: Warehouse,
  filter: {
    username?: string | undefined;
    action?: string | undefined;
    limit?: number;
    beforeId?: number | undefined;
  } = {},
): Promise<AuditEntry[]> {
  return warehouse.read(async (conn) => {
    const rows = (
      await conn.runAndReadAll(
        `SELECT audit_id, occurred_at AS at, username, action, detail FROM audit_log
         WHERE ($u IS NULL OR username = $u) AND ($a IS NULL OR action = $a) AND ($before IS NULL OR audit_id < $before)
         ORDER BY audit_id DESC LIMIT $limit`,
        {
          u: filter.username ?? null,
          a: filter.action ?? null,
          before: filter.beforeId ?? null,
          limit: filter.limit ?? 100,
        },
      )
    ).getRowObjectsJson();
    return rows.map((r) => ({
      auditId: Number(r.audit_id),
      at: String(r.at),
      username: r.username === null ? null : String(r.username),
      action: String(r.action),
      detail: JSON.parse(String(r.detail)) as Record<string, unknown>,
    }));
  });
}

import { type AlertEvent, alertEventSchema } from '@retain/schemas';
import { sql, type Warehouse } from '@retain/warehouse';
import { z } from 'zod';
import { ensureAlertTables } from './sql/alertTables.ts';

const count = z.union([z.number(), z.bigint()]).transform(Number);

const EVENT_ROW = z.object({
  event_id: count,
  rule_id: z.string(),
  rule_name: z.string(),
  metric: z.string(),
  kind: z.string(),
  period: z.string(),
  value: z.number(),
  threshold: z.number(),
  message: z.string(),
  occurred_at: z.string(),
  data_version: count,
  deliveries: count,
  delivered: count,
});

/** Firings and recoveries, newest first, with how many of their webhook deliveries got through. */
export async function alertHistory(
  warehouse: Warehouse,
  options: { limit?: number; ruleId?: string } = {},
): Promise<AlertEvent[]> {
  await ensureAlertTables(warehouse);
  const rule = options.ruleId ?? null;
  const rows = await warehouse.query(
    sql`SELECT e.event_id, e.rule_id, e.rule_name, e.metric, e.kind, e.period, e.value, e.threshold, e.message,
               CAST(e.occurred_at AS VARCHAR) AS occurred_at, e.data_version,
               count(d.delivery_id) AS deliveries,
               count(d.delivery_id) FILTER (WHERE d.status = 'delivered') AS delivered
        FROM alert_events e LEFT JOIN alert_deliveries d ON d.event_id = e.event_id
        WHERE ${rule} IS NULL OR e.rule_id = ${rule}
        GROUP BY e.event_id, e.rule_id, e.rule_name, e.metric, e.kind, e.period, e.value, e.threshold, e.message,
                 e.occurred_at, e.data_version
        ORDER BY e.event_id DESC LIMIT ${options.limit ?? 100}`,
    EVENT_ROW,
  );
  return rows.map((row) =>
    alertEventSchema.parse({
      eventId: row.event_id,
      ruleId: row.rule_id,
      name: row.rule_name,
      metric: row.metric,
      kind: row.kind,
      period: row.period,
      value: row.value,
      threshold: row.threshold,
      message: row.message,
      occurredAt: row.occurred_at,
      dataVersion: row.data_version,
      deliveries: row.deliveries,
      delivered: row.delivered,
    }),
  );
}

/** Events this user has not seen in the app yet. */
export async function unreadAlertCount(warehouse: Warehouse, username: string): Promise<number> {
  await ensureAlertTables(warehouse);
  return warehouse.scalar(
    sql`SELECT count(*) FROM alert_events
        WHERE event_id > coalesce((SELECT last_event_id FROM alert_reads WHERE username = ${username}), 0)`,
    count,
  );
}

/** Marks every event so far as seen by this user. */
export async function markAlertsRead(warehouse: Warehouse, username: string): Promise<void> {
  await ensureAlertTables(warehouse);
  await warehouse.write(async (db) => {
    const last = await db.scalar(sql`SELECT coalesce(max(event_id), 0) FROM alert_events`, count);
    await db.run(
      db.dialect.upsert('alert_reads', ['username', 'last_event_id'], [sql`${username}`, sql`${last}`]),
    );
  });
}

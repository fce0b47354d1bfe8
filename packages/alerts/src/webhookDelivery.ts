import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AlertDelivery } from '@retain/schemas';
import { alertDeliverySchema } from '@retain/schemas';
import { type Db, sql, type Warehouse } from '@retain/warehouse';
import { z } from 'zod';
import { type AlertEnvironment, allowedWebhookHosts, webhookSecret } from './alertSettings.ts';
import { ensureAlertTables } from './sql/alertTables.ts';
import { resolveTarget } from './webhookHosts.ts';

/*
 * Webhooks. Every body is JSON with a `text` line, which Slack, Mattermost and Teams-style
 * incoming webhooks show as the message; other receivers read the fields beside it. A Slack
 * incoming webhook (hooks.slack.com) gets the text alone. Every request is signed:
 *
 *   X-Retain-Timestamp: unix seconds
 *   X-Retain-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" under the secret>
 *   X-Retain-Delivery:  the delivery's id, the same on every retry (receivers can drop repeats)
 */

export const SIGNATURE_HEADER = 'x-retain-signature';
export const TIMESTAMP_HEADER = 'x-retain-timestamp';
export const DELIVERY_HEADER = 'x-retain-delivery';
export const EVENT_HEADER = 'x-retain-event';

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver runs: whether a request carries our signature over its body. */
export function verifyWebhookSignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
): boolean {
  if (!headers.timestamp || !headers.signature) return false;
  const expected = Buffer.from(signWebhook(secret, headers.timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const isSlack = (url: URL) => url.hostname === 'hooks.slack.com';

/** The body sent to one URL: the text alone for Slack, the whole message elsewhere. */
export function bodyFor(url: string, message: { text: string } & Record<string, unknown>): string {
  return JSON.stringify(isSlack(new URL(url)) ? { text: message.text } : message);
}

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait before the second try; each later wait doubles. */
  baseDelayMs: number;
  /** How long one try may take. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, timeoutMs: 10_000 };

/** Posts once: resolves on a 2xx answer, rejects with what went wrong otherwise. */
export async function postWebhook(
  url: URL,
  body: string,
  headers: Record<string, string>,
  allowed: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const target = await resolveTarget(url, allowed);
  const client = url.protocol === 'https:' ? https : http;
  await new Promise<void>((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Retain-Webhooks/1', ...headers },
        // Connect to the address checked above, not to whatever a second lookup answers.
        lookup: (_host, options, callback) => {
          if ((options as { all?: boolean }).all)
            (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
          else callback(null, target.address, target.family);
        },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new Error(`the receiver answered HTTP ${status}`));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

const interruptedSwept = new WeakSet<Warehouse>();

const INTERRUPTED =
  'interrupted: Retain stopped while sending, so it may or may not have arrived; resend it if it did not';

const id = z.union([z.number(), z.bigint()]).transform(Number);

const PENDING_ROW = z.object({ delivery_id: id, url: z.string(), body: z.string(), subject: z.string() });

/**
 * Sends every delivery waiting in the outbox, each retried with exponential backoff; those still
 * failing after the last try are marked failed and listed for admins. A delivery found "sending"
 * when a process starts was cut off by a stop mid-send: whether it arrived is unknown, so it is
 * not sent again by itself (no duplicates) but listed as failed for an admin to resend.
 */
export async function deliverPending(
  warehouse: Warehouse,
  env: AlertEnvironment,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<Map<number, boolean>> {
  await ensureAlertTables(warehouse);
  if (!interruptedSwept.has(warehouse)) {
    interruptedSwept.add(warehouse);
    await warehouse.write((db) =>
      db.run(
        sql`UPDATE alert_deliveries SET status = 'failed', last_error = ${INTERRUPTED}
            WHERE status = 'sending'`,
      ),
    );
  }
  const pending = await warehouse.query(
    sql`SELECT delivery_id, url, CAST(body AS VARCHAR) AS body, subject FROM alert_deliveries
        WHERE status = 'pending' ORDER BY delivery_id`,
    PENDING_ROW,
  );
  const outcome = new Map<number, boolean>();
  if (pending.length === 0) return outcome;
  const [secret, allowed] = await Promise.all([
    webhookSecret(warehouse, env),
    allowedWebhookHosts(warehouse, env),
  ]);
  await Promise.all(
    pending.map(async (row) => {
      const id = row.delivery_id;
      outcome.set(
        id,
        await deliverOne(warehouse, id, row.url, row.body, row.subject, secret, allowed, retry),
      );
    }),
  );
  return outcome;
}

async function deliverOne(
  warehouse: Warehouse,
  id: number,
  url: string,
  body: string,
  subject: string,
  secret: string,
  allowed: readonly string[],
  retry: RetryPolicy,
): Promise<boolean> {
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    await warehouse.write((db) =>
      db.run(
        sql`UPDATE alert_deliveries SET status = 'sending', attempts = attempts + 1,
              last_attempt_at = CAST(now() AS TIMESTAMP)
            WHERE delivery_id = ${id}`,
      ),
    );
    const timestamp = String(Math.floor(Date.now() / 1000));
    let error: string | null = null;
    try {
      await postWebhook(
        new URL(url),
        body,
        {
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
          [DELIVERY_HEADER]: String(id),
          [EVENT_HEADER]: subject,
        },
        allowed,
        retry.timeoutMs,
      );
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    }
    const last = attempt === retry.attempts;
    const status = error === null ? 'delivered' : last ? 'failed' : 'pending';
    await warehouse.write((db) =>
      db.run(
        sql`UPDATE alert_deliveries SET status = ${status}, last_error = ${error} WHERE delivery_id = ${id}`,
      ),
    );
    if (error === null) return true;
    if (!last) await new Promise((resolve) => setTimeout(resolve, retry.baseDelayMs * 2 ** (attempt - 1)));
  }
  return false;
}

/** Adds a delivery to the outbox outside an alert (a report posted to a webhook). */
export async function queueDelivery(
  warehouse: Warehouse,
  delivery: { subject: string; url: string; body: string },
): Promise<number> {
  await ensureAlertTables(warehouse);
  return warehouse.write((db) => insertDelivery(db, { ...delivery, eventId: null }));
}

/** One row of the outbox, written in the caller's transaction. */
export async function insertDelivery(
  db: Db,
  delivery: { subject: string; url: string; body: string; eventId: number | null },
): Promise<number> {
  return db.scalar(
    sql`INSERT INTO alert_deliveries (event_id, subject, url, body, status, attempts, created_at)
        VALUES (${delivery.eventId}, ${delivery.subject}, ${delivery.url}, ${delivery.body}, 'pending', 0,
                CAST(now() AS TIMESTAMP))
        RETURNING delivery_id`,
    id,
  );
}

const DELIVERY_ROW = z.object({
  delivery_id: id,
  event_id: id.nullable(),
  subject: z.string(),
  url: z.string(),
  status: z.string(),
  attempts: id,
  last_error: z.string().nullable(),
  last_attempt_at: z.string().nullable(),
  created_at: z.string(),
});

/** Deliveries that did not get through, newest first: what an admin should look at. */
export async function failedDeliveries(warehouse: Warehouse, limit = 100): Promise<AlertDelivery[]> {
  await ensureAlertTables(warehouse);
  const rows = await warehouse.query(
    sql`SELECT delivery_id, event_id, subject, url, status, attempts, last_error,
               CAST(last_attempt_at AS VARCHAR) AS last_attempt_at, CAST(created_at AS VARCHAR) AS created_at
        FROM alert_deliveries WHERE status = 'failed' ORDER BY delivery_id DESC LIMIT ${limit}`,
    DELIVERY_ROW,
  );
  return rows.map((row) =>
    alertDeliverySchema.parse({
      deliveryId: row.delivery_id,
      eventId: row.event_id,
      subject: row.subject,
      url: row.url,
      status: row.status,
      attempts: row.attempts,
      lastError: row.last_error,
      lastAttemptAt: row.last_attempt_at,
      createdAt: row.created_at,
    }),
  );
}

/** Puts a failed delivery back in the outbox and sends it (an admin's "resend"). */
export async function resendDelivery(
  warehouse: Warehouse,
  deliveryId: number,
  env: AlertEnvironment,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<boolean> {
  await ensureAlertTables(warehouse);
  const changed = await warehouse.write((db) =>
    db.count(
      sql`UPDATE alert_deliveries SET status = 'pending', attempts = 0
          WHERE delivery_id = ${deliveryId} AND status = 'failed'`,
    ),
  );
  if (changed === 0) return false;
  return (await deliverPending(warehouse, env, retry)).get(deliveryId) ?? false;
}

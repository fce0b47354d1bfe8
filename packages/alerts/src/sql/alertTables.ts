import { sql, type Warehouse } from '@retain/warehouse';
import { z } from 'zod';

/*
 * The alert package's own tables. Ordered steps, each run once in its own transaction and recorded
 * in meta under `alerts_schema_version`; append new steps, never edit a released one.
 */
const STEPS: readonly string[] = [
  `
  CREATE TABLE alert_rules (
    rule_id     VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    metric      VARCHAR NOT NULL,
    condition   VARCHAR NOT NULL,
    threshold   DOUBLE NOT NULL,
    change_unit VARCHAR,
    channel     VARCHAR,
    region      VARCHAR,
    webhooks    JSON NOT NULL,
    created_by  VARCHAR,
    created_at  TIMESTAMP NOT NULL
  );
  -- Whether a rule's last check found it breached, and since which period.
  CREATE TABLE alert_state (
    rule_id      VARCHAR PRIMARY KEY,
    firing       BOOLEAN NOT NULL,
    since_period VARCHAR
  );
  CREATE SEQUENCE alert_event_seq;
  -- Every firing and recovery; one firing per rule and period.
  CREATE TABLE alert_events (
    event_id     BIGINT PRIMARY KEY DEFAULT nextval('alert_event_seq'),
    rule_id      VARCHAR NOT NULL,
    rule_name    VARCHAR NOT NULL,
    metric       VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,
    value        DOUBLE NOT NULL,
    threshold    DOUBLE NOT NULL,
    message      VARCHAR NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    data_version INTEGER NOT NULL,
    UNIQUE (rule_id, kind, period)
  );
  CREATE SEQUENCE alert_delivery_seq;
  -- Webhook deliveries: an outbox written with the event it carries, so that a restart neither
  -- loses one nor sends one twice.
  CREATE TABLE alert_deliveries (
    delivery_id     BIGINT PRIMARY KEY DEFAULT nextval('alert_delivery_seq'),
    event_id        BIGINT,
    subject         VARCHAR NOT NULL,
    url             VARCHAR NOT NULL,
    body            JSON NOT NULL,
    status          VARCHAR NOT NULL,
    attempts        INTEGER NOT NULL,
    last_error      VARCHAR,
    last_attempt_at TIMESTAMP,
    created_at      TIMESTAMP NOT NULL
  );
  -- The newest event each user has seen in the app.
  CREATE TABLE alert_reads (
    username      VARCHAR PRIMARY KEY,
    last_event_id BIGINT NOT NULL
  );
  CREATE TABLE alert_settings (
    key   VARCHAR PRIMARY KEY,
    value JSON NOT NULL
  );
  `,
];

const VERSION_KEY = 'alerts_schema_version';
const ready = new WeakMap<Warehouse, Promise<void>>();

/** Creates or upgrades the alert tables, once per open warehouse. */
export function ensureAlertTables(warehouse: Warehouse): Promise<void> {
  let done = ready.get(warehouse);
  if (!done) {
    done = migrateAlertTables(warehouse);
    ready.set(warehouse, done);
    done.catch(() => ready.delete(warehouse));
  }
  return done;
}

async function migrateAlertTables(warehouse: Warehouse): Promise<void> {
  if (warehouse.readOnly) return;
  await warehouse.write(async (db) => {
    let version = Number(
      (await db.scalar(sql`SELECT value FROM meta WHERE key = ${VERSION_KEY}`, z.string().nullable())) ?? 0,
    );
    if (version > STEPS.length) {
      throw new Error(
        `This database's alert tables were written by a newer Retain (version ${version}). Upgrade Retain.`,
      );
    }
    while (version < STEPS.length) {
      const step = STEPS[version];
      if (step === undefined) break;
      const next = version + 1;
      await db.transaction(async (tx) => {
        await tx.run(sql.raw(step));
        await tx.run(
          db.dialect.upsert('meta', ['key', 'value'], [sql`${VERSION_KEY}`, sql`${String(next)}`]),
        );
      });
      version = next;
    }
  });
}

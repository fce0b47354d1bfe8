import { z } from 'zod';
import type { Db } from './query/Db.ts';
import { sql } from './query/sql.ts';

/**
 * Ordered migrations. Each runs once, in its own transaction, and bumps `meta.schema_version`.
 * Append new steps; never edit a released one.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE customers (
    customer_id     VARCHAR NOT NULL,
    name            VARCHAR,
    email           VARCHAR,
    phone           VARCHAR,
    region          VARCHAR,
    channel         VARCHAR,
    signup_date     DATE,
    contact_consent BOOLEAN,
    batch_id        INTEGER NOT NULL
  );
  CREATE TABLE purchases (
    order_id    VARCHAR   NOT NULL,
    customer_id VARCHAR   NOT NULL,
    order_date  TIMESTAMP NOT NULL,
    amount      DOUBLE    NOT NULL,
    quantity    DOUBLE,
    unit_price  DOUBLE,
    product     VARCHAR,
    category    VARCHAR,
    channel     VARCHAR,
    region      VARCHAR,
    line_key    UBIGINT   NOT NULL,
    batch_id    INTEGER   NOT NULL
  );
  CREATE TABLE complaints (
    complaint_id VARCHAR   NOT NULL,
    customer_id  VARCHAR   NOT NULL,
    opened_at    TIMESTAMP NOT NULL,
    resolved_at  TIMESTAMP,
    category     VARCHAR,
    severity     INTEGER,
    batch_id     INTEGER   NOT NULL
  );
  CREATE TABLE returns (
    return_id   VARCHAR   NOT NULL,
    order_id    VARCHAR,
    customer_id VARCHAR   NOT NULL,
    returned_at TIMESTAMP NOT NULL,
    amount      DOUBLE    NOT NULL,
    batch_id    INTEGER   NOT NULL
  );
  CREATE TABLE ingest_batches (
    batch_id     INTEGER PRIMARY KEY,
    data_version INTEGER NOT NULL,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP NOT NULL,
    summary      JSON NOT NULL
  );
  `,
  // 2: the SQL console's saved queries.
  `
  CREATE TABLE saved_queries (
    query_id   VARCHAR PRIMARY KEY,
    name       VARCHAR NOT NULL,
    sql        VARCHAR NOT NULL,
    chart      JSON,
    created_by VARCHAR,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
  );
  `,
  // 3: people who sign in, their sessions, the audit trail, and outcomes of retention calls.
  `
  CREATE TABLE users (
    username      VARCHAR PRIMARY KEY,
    role          VARCHAR NOT NULL,
    password_hash VARCHAR NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    password_set_at TIMESTAMP NOT NULL
  );
  CREATE TABLE sessions (
    token_hash VARCHAR PRIMARY KEY,
    username   VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
  );
  CREATE SEQUENCE audit_seq;
  CREATE TABLE audit_log (
    audit_id BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
    occurred_at TIMESTAMP NOT NULL,
    username VARCHAR,
    action   VARCHAR NOT NULL,
    detail   JSON NOT NULL
  );
  CREATE TABLE contact_outcomes (
    customer_id  VARCHAR NOT NULL,
    contacted_at TIMESTAMP NOT NULL,
    outcome      VARCHAR NOT NULL,
    note         VARCHAR,
    recorded_by  VARCHAR
  );
  `,
  // 4: churn model versions (files under models/ beside the database), their scores per as-of date,
  // and latest_scores: the newest ready model's scores at its latest as-of date.
  `
  CREATE TABLE models (
    model_id      VARCHAR NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    as_of         DATE NOT NULL,
    horizon_days  INTEGER NOT NULL,
    data_version  INTEGER NOT NULL,
    backend       VARCHAR NOT NULL,
    features      JSON NOT NULL,
    normalisation JSON NOT NULL,
    metrics       JSON NOT NULL,
    path          VARCHAR NOT NULL,
    train_seconds DOUBLE NOT NULL,
    status        VARCHAR NOT NULL
  );
  CREATE TABLE score_runs (
    model_id  VARCHAR NOT NULL,
    as_of     DATE NOT NULL,
    scored_at TIMESTAMP NOT NULL,
    customers INTEGER NOT NULL,
    backend   VARCHAR NOT NULL
  );
  CREATE TABLE scores (
    model_id             VARCHAR NOT NULL,
    as_of                DATE NOT NULL,
    customer_id          VARCHAR NOT NULL,
    churn_probability    DOUBLE NOT NULL,
    expected_revenue_12m DOUBLE NOT NULL,
    value_at_risk        DOUBLE NOT NULL,
    segment              VARCHAR NOT NULL,
    rfm                  VARCHAR NOT NULL,
    reasons              VARCHAR[] NOT NULL,
    reason_codes         VARCHAR[] NOT NULL,
    reason_impacts       DOUBLE[] NOT NULL
  );
  CREATE VIEW latest_scores AS
  WITH newest AS (
    SELECT r.model_id, r.as_of
    FROM score_runs r JOIN models m ON m.model_id = r.model_id
    WHERE m.status = 'ready'
    ORDER BY m.created_at DESC, r.as_of DESC, r.scored_at DESC
    LIMIT 1)
  SELECT s.customer_id, s.churn_probability, s.value_at_risk, s.segment, s.reasons, s.model_id, s.as_of,
         s.expected_revenue_12m, s.rfm, s.reason_codes
  FROM scores s JOIN newest n ON s.model_id = n.model_id AND s.as_of = n.as_of;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings a database to the current schema. Safe to call on every open. */
export async function migrate(db: Db): Promise<void> {
  await db.run(sql`CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`);
  const current = await readMeta(db, 'schema_version');
  let version = current === null ? 0 : Number(current);
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `This database was written by a newer Retain (schema ${version}; this build knows ${SCHEMA_VERSION}). Upgrade Retain.`,
    );
  }
  while (version < SCHEMA_VERSION) {
    const step = MIGRATIONS[version];
    if (step === undefined) break;
    const next = version + 1;
    await db.transaction(async (tx) => {
      await tx.run(sql.raw(step));
      await writeMeta(tx, 'schema_version', String(next));
      if (next === 1) await writeMeta(tx, 'data_version', '0');
    });
    version = next;
  }
}

/** A value of the warehouse's key-value `meta` table, or null. */
export async function readMeta(db: Db, key: string): Promise<string | null> {
  return db.scalar(sql`SELECT value FROM meta WHERE key = ${key}`, z.string().nullable());
}

export async function writeMeta(db: Db, key: string, value: string): Promise<void> {
  await db.run(db.dialect.upsert('meta', ['key', 'value'], [sql`${key}`, sql`${value}`]));
}

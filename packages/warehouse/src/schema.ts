import { z } from 'zod';
import type { Db } from './query/Db.ts';
import { sql } from './query/sql.ts';

/**
 * Ordered migrations of the warehouse's own tables. Each runs once, in its own transaction, and
 * bumps `meta.schema_version`. Append new steps; never edit a released one (3 and 4 were emptied
 * when the tables they created for churn, outreach and access moved to those packages, which create
 * them IF NOT EXISTS under their own version keys). Tables a package owns are migrated by it:
 * see ownedTables.ts.
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
  // 3: nothing now. It created the tables of people who sign in (users, sessions, the audit_seq
  // sequence and audit_log), which @retain/access creates and migrates itself, and, in databases
  // made before the packages owned their tables, outreach's contact_outcomes, which @retain/outreach
  // creates; databases it ran on keep them as they are.
  '',
  // 4: nothing now. It created the churn model's tables (models, score_runs, scores, latest_scores),
  // which @retain/churn creates and migrates itself; databases it ran on keep them as they are.
  '',
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
      if (step.trim() !== '') await tx.run(sql.raw(step));
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

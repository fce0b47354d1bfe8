import { type Db, sql } from '@retain/warehouse';
import { z } from 'zod';

/**
 * The tables of saved call lists, owned by this package: ordered migrations, each run once in the
 * caller's write, versioned in `meta` under their own key. Append new steps; never edit one.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE call_lists (
    list_id       VARCHAR PRIMARY KEY,
    kind          VARCHAR NOT NULL,
    list_date     DATE NOT NULL,
    horizon_days  INTEGER NOT NULL,
    control_share DOUBLE NOT NULL,
    model_id      VARCHAR,
    capacity      INTEGER,
    filters       JSON NOT NULL,
    call_effect   VARCHAR NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    created_by    VARCHAR
  );
  CREATE TABLE call_list_members (
    list_id           VARCHAR NOT NULL,
    customer_id       VARCHAR NOT NULL,
    arm               VARCHAR NOT NULL,
    rank              INTEGER NOT NULL,
    churn_probability DOUBLE,
    value_at_risk     DOUBLE,
    expected_saved    DOUBLE
  );
  CREATE TABLE uplift_models (
    uplift_id  VARCHAR PRIMARY KEY,
    fitted_at  TIMESTAMP NOT NULL,
    lists      JSON NOT NULL,
    model      JSON NOT NULL,
    evaluation JSON NOT NULL
  );
  `,
];

const VERSION_KEY = 'outreach_schema_version';

/** Creates or upgrades the call-list tables; call inside a write before touching them. */
export async function migrateProgramTables(db: Db): Promise<void> {
  let version = Number(
    (await db.scalar(sql`SELECT value FROM meta WHERE key = ${VERSION_KEY}`, z.string().nullable())) ?? 0,
  );
  if (version > MIGRATIONS.length) {
    throw new Error(
      `This database's call lists were written by a newer Retain (version ${version}; this build knows ${MIGRATIONS.length}). Upgrade Retain.`,
    );
  }
  for (; version < MIGRATIONS.length; version += 1) {
    const step = MIGRATIONS[version];
    if (step === undefined) break;
    await db.run(sql.raw(step));
    await db.run(
      sql`INSERT OR REPLACE INTO meta (key, value) VALUES (${VERSION_KEY}, ${String(version + 1)})`,
    );
  }
}

/** Whether any list was ever saved here: reads answer "none" rather than fail on a new database. */
export async function programTablesExist(db: Db): Promise<boolean> {
  return db.scalar(
    sql`SELECT count(*) > 0 FROM information_schema.tables
        WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = 'call_lists'`,
    z.boolean(),
  );
}

import {
  type Db,
  ensureOwnedTables,
  migrateOwnedTables,
  type OwnedTables,
  ownedTablesExist,
  sql,
  type Warehouse,
} from '@retain/warehouse';

/**
 * The churn model's tables, owned by this package: `models` (one row per version, its files under
 * models/ beside the database), `score_runs` and `scores` (per model and as-of date), and
 * `latest_scores`, the newest ready model's scores at its latest as-of date. Databases made before
 * this package owned them got them from the warehouse's migration 4: every step creates only what
 * is missing.
 */
export const CHURN_TABLES: OwnedTables = {
  owner: 'churn model',
  versionKey: 'churn_schema_version',
  tables: ['models', 'score_runs', 'scores', 'latest_scores'],
  steps: [
    (dialect) => {
      const json = sql.raw(dialect.typeName('json'));
      const texts = sql.raw(dialect.listType('varchar'));
      const numbers = sql.raw(dialect.listType('double'));
      return [
        sql`CREATE TABLE IF NOT EXISTS models (
          model_id      VARCHAR NOT NULL,
          created_at    TIMESTAMP NOT NULL,
          as_of         DATE NOT NULL,
          horizon_days  INTEGER NOT NULL,
          data_version  INTEGER NOT NULL,
          backend       VARCHAR NOT NULL,
          features      ${json} NOT NULL,
          normalisation ${json} NOT NULL,
          metrics       ${json} NOT NULL,
          path          VARCHAR NOT NULL,
          train_seconds DOUBLE NOT NULL,
          status        VARCHAR NOT NULL
        )`,
        sql`CREATE TABLE IF NOT EXISTS score_runs (
          model_id  VARCHAR NOT NULL,
          as_of     DATE NOT NULL,
          scored_at TIMESTAMP NOT NULL,
          customers INTEGER NOT NULL,
          backend   VARCHAR NOT NULL
        )`,
        sql`CREATE TABLE IF NOT EXISTS scores (
          model_id             VARCHAR NOT NULL,
          as_of                DATE NOT NULL,
          customer_id          VARCHAR NOT NULL,
          churn_probability    DOUBLE NOT NULL,
          expected_revenue_12m DOUBLE NOT NULL,
          value_at_risk        DOUBLE NOT NULL,
          segment              VARCHAR NOT NULL,
          rfm                  VARCHAR NOT NULL,
          reasons              ${texts} NOT NULL,
          reason_codes         ${texts} NOT NULL,
          reason_impacts       ${numbers} NOT NULL
        )`,
        sql`CREATE VIEW IF NOT EXISTS latest_scores AS
          WITH newest AS (
            SELECT r.model_id, r.as_of
            FROM score_runs r JOIN models m ON m.model_id = r.model_id
            WHERE m.status = 'ready'
            ORDER BY m.created_at DESC, r.as_of DESC, r.scored_at DESC
            LIMIT 1)
          SELECT s.customer_id, s.churn_probability, s.value_at_risk, s.segment, s.reasons, s.model_id, s.as_of,
                 s.expected_revenue_12m, s.rfm, s.reason_codes
          FROM scores s JOIN newest n ON s.model_id = n.model_id AND s.as_of = n.as_of`,
      ];
    },
  ],
};

/** Creates or upgrades the churn tables inside the caller's write, before it writes to them. */
export function migrateChurnTables(db: Db): Promise<void> {
  return migrateOwnedTables(db, CHURN_TABLES);
}

/** Whether there are churn tables to read: readers answer "no model, no scores" where there are none. */
export function churnTablesExist(db: Db): Promise<boolean> {
  return ownedTablesExist(db, CHURN_TABLES);
}

/**
 * Makes the churn tables ready on a warehouse: created where it is open for writing (so that the
 * SQL console, prepared at start-up, sees them before the first model), looked for where it is
 * read-only. Answers whether they are there.
 */
export function ensureChurnTables(warehouse: Warehouse): Promise<boolean> {
  return ensureOwnedTables(warehouse, CHURN_TABLES);
}

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
 * What came of contacting customers, owned by this package. Databases made before the package
 * owned it got it from the warehouse's migration 3: the step creates it only where it is missing.
 */
export const OUTCOME_TABLES: OwnedTables = {
  owner: 'contact outcome',
  versionKey: 'outreach_outcomes_schema_version',
  tables: ['contact_outcomes'],
  steps: [
    () => [
      sql`CREATE TABLE IF NOT EXISTS contact_outcomes (
        customer_id  VARCHAR NOT NULL,
        contacted_at TIMESTAMP NOT NULL,
        outcome      VARCHAR NOT NULL,
        note         VARCHAR,
        recorded_by  VARCHAR
      )`,
    ],
  ],
};

/** The tables of saved call lists and the uplift model fitted on them, owned by this package. */
export const PROGRAM_TABLES: OwnedTables = {
  owner: 'call list',
  versionKey: 'outreach_schema_version',
  tables: ['call_lists', 'call_list_members', 'uplift_models'],
  steps: [
    (dialect) => {
      const json = sql.raw(dialect.typeName('json'));
      return [
        sql`CREATE TABLE call_lists (
          list_id       VARCHAR PRIMARY KEY,
          kind          VARCHAR NOT NULL,
          list_date     DATE NOT NULL,
          horizon_days  INTEGER NOT NULL,
          control_share DOUBLE NOT NULL,
          model_id      VARCHAR,
          capacity      INTEGER,
          filters       ${json} NOT NULL,
          call_effect   VARCHAR NOT NULL,
          created_at    TIMESTAMP NOT NULL,
          created_by    VARCHAR
        )`,
        sql`CREATE TABLE call_list_members (
          list_id           VARCHAR NOT NULL,
          customer_id       VARCHAR NOT NULL,
          arm               VARCHAR NOT NULL,
          rank              INTEGER NOT NULL,
          churn_probability DOUBLE,
          value_at_risk     DOUBLE,
          expected_saved    DOUBLE
        )`,
        sql`CREATE TABLE uplift_models (
          uplift_id  VARCHAR PRIMARY KEY,
          fitted_at  TIMESTAMP NOT NULL,
          lists      ${json} NOT NULL,
          model      ${json} NOT NULL,
          evaluation ${json} NOT NULL
        )`,
      ];
    },
  ],
};

/** Creates or upgrades the contact outcomes table; call inside a write before writing to it. */
export async function migrateOutcomeTables(db: Db): Promise<void> {
  await migrateOwnedTables(db, OUTCOME_TABLES);
}

/** Whether any outcome can have been recorded: reads answer "none" rather than fail on a new database. */
export async function outcomeTablesExist(db: Db): Promise<boolean> {
  return ownedTablesExist(db, OUTCOME_TABLES);
}

/**
 * Creates or upgrades the call-list tables, and the outcomes their lists are measured by; call
 * inside a write before touching them.
 */
export async function migrateProgramTables(db: Db): Promise<void> {
  await migrateOwnedTables(db, OUTCOME_TABLES);
  await migrateOwnedTables(db, PROGRAM_TABLES);
}

/** Whether any list was ever saved here: reads answer "none" rather than fail on a new database. */
export async function programTablesExist(db: Db): Promise<boolean> {
  return ownedTablesExist(db, PROGRAM_TABLES);
}

/**
 * Makes every table of this package ready on a warehouse: created where it is open for writing
 * (so that the SQL console, prepared at start-up, sees them before the first outcome), looked
 * for where it is read-only. Answers whether they are all there.
 */
export async function ensureOutreachTables(warehouse: Warehouse): Promise<boolean> {
  const outcomes = await ensureOwnedTables(warehouse, OUTCOME_TABLES);
  const lists = await ensureOwnedTables(warehouse, PROGRAM_TABLES);
  return outcomes && lists;
}

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
 * The tables of people who sign in, owned by this package: `users` (a role and a password hash
 * each), `sessions` (a hash of each token, never the token) and the append-only `audit_log`,
 * numbered by the `audit_seq` sequence. Databases made before this package owned them got them
 * from the warehouse's migration 3: the step creates only what is missing.
 */
export const ACCESS_TABLES: OwnedTables = {
  owner: 'sign-in',
  versionKey: 'access_schema_version',
  tables: ['users', 'sessions', 'audit_log'],
  steps: [
    (dialect) => {
      const json = sql.raw(dialect.typeName('json'));
      return [
        sql`CREATE TABLE IF NOT EXISTS users (
          username        VARCHAR PRIMARY KEY,
          role            VARCHAR NOT NULL,
          password_hash   VARCHAR NOT NULL,
          created_at      TIMESTAMP NOT NULL,
          password_set_at TIMESTAMP NOT NULL
        )`,
        sql`CREATE TABLE IF NOT EXISTS sessions (
          token_hash VARCHAR PRIMARY KEY,
          username   VARCHAR NOT NULL,
          created_at TIMESTAMP NOT NULL,
          expires_at TIMESTAMP NOT NULL
        )`,
        sql`CREATE SEQUENCE IF NOT EXISTS audit_seq`,
        sql`CREATE TABLE IF NOT EXISTS audit_log (
          audit_id    BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
          occurred_at TIMESTAMP NOT NULL,
          username    VARCHAR,
          action      VARCHAR NOT NULL,
          detail      ${json} NOT NULL
        )`,
      ];
    },
  ],
};

/** Creates or upgrades the sign-in tables inside the caller's write, before it writes to them. */
export function migrateAccessTables(db: Db): Promise<void> {
  return migrateOwnedTables(db, ACCESS_TABLES);
}

/**
 * Whether there are sign-in tables to read: where there are none (a read-only open of a database
 * they were never created in), there is no user, no session and no audit entry.
 */
export function accessTablesExist(db: Db): Promise<boolean> {
  return ownedTablesExist(db, ACCESS_TABLES);
}

/**
 * Makes the sign-in tables ready on a warehouse: created where it is open for writing (once per
 * process), looked for where it is read-only. Answers whether they are there.
 */
export function ensureAccessTables(warehouse: Warehouse): Promise<boolean> {
  return ensureOwnedTables(warehouse, ACCESS_TABLES);
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { dbNumber } from '../query/columnTypes.ts';
import { sql } from '../query/sql.ts';
import { Warehouse } from '../Warehouse.ts';

/** A fresh folder under the OS temp dir, removed by `cleanup`. */
export function tempDir(prefix = 'retain-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function writeFile(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

export async function openTestWarehouse(dir: string, name = 'test.duckdb'): Promise<Warehouse> {
  return Warehouse.open(path.join(dir, name), { threads: 2 });
}

export interface Snapshot {
  customers: number;
  purchases: number;
  complaints: number;
  returns: number;
  dataVersion: number;
}

/** Row counts and data version: "the database is left exactly as it was" compares two of these. */
export async function snapshot(warehouse: Warehouse): Promise<Snapshot> {
  const row = await warehouse.read((db) =>
    db.first(
      sql`SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM purchases) AS purchases,
        (SELECT count(*) FROM complaints) AS complaints, (SELECT count(*) FROM returns) AS returns,
        (SELECT value FROM meta WHERE key = 'data_version') AS version`,
      z.object({
        customers: dbNumber,
        purchases: dbNumber,
        complaints: dbNumber,
        returns: dbNumber,
        version: z.string(),
      }),
    ),
  );
  return {
    customers: row?.customers ?? 0,
    purchases: row?.purchases ?? 0,
    complaints: row?.complaints ?? 0,
    returns: row?.returns ?? 0,
    dataVersion: Number(row?.version),
  };
}

/**
 * Database files for one test file's cases: `file()` names a new one in a folder of its own,
 * `open(file, readOnly)` opens a warehouse on it, and `cleanup` (give it to afterEach) closes the
 * warehouses, then removes the folders.
 */
export function testDatabases(prefix = 'retain-test-'): {
  file: () => string;
  open: (file: string, readOnly?: boolean) => Promise<Warehouse>;
  cleanup: () => void;
} {
  let cleanups: Array<() => void> = [];
  return {
    file: () => {
      const { dir, cleanup } = tempDir(prefix);
      cleanups.push(cleanup);
      return path.join(dir, 'retain.duckdb');
    },
    open: async (file, readOnly = false) => {
      const warehouse = await Warehouse.open(file, { threads: 2, readOnly });
      cleanups.unshift(() => warehouse.close());
      return warehouse;
    },
    cleanup: () => {
      for (const cleanup of cleanups) cleanup();
      cleanups = [];
    },
  };
}

/** Rows as plain objects: integers as numbers, timestamps as ISO strings. */
export async function query(warehouse: Warehouse, text: string): Promise<Record<string, unknown>[]> {
  const rows = await warehouse.query(sql.raw(text), z.record(z.string(), z.unknown()));
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [
        k,
        typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v,
      ]),
    ),
  );
}

/**
 * The churn tables as the warehouse's migrations 3 and 4 made them, created where missing. Churn
 * makes the same shapes itself now (its CHURN_TABLES, whose test compares the two), so tests that
 * cannot import @retain/churn (analytics, outreach) use these as the churn-shaped tables.
 */
const EARLIER_CHURN_TABLES = `
  CREATE TABLE IF NOT EXISTS models (
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
  CREATE TABLE IF NOT EXISTS score_runs (
    model_id  VARCHAR NOT NULL,
    as_of     DATE NOT NULL,
    scored_at TIMESTAMP NOT NULL,
    customers INTEGER NOT NULL,
    backend   VARCHAR NOT NULL
  );
  CREATE TABLE IF NOT EXISTS scores (
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
  CREATE VIEW IF NOT EXISTS latest_scores AS
  WITH newest AS (
    SELECT r.model_id, r.as_of
    FROM score_runs r JOIN models m ON m.model_id = r.model_id
    WHERE m.status = 'ready'
    ORDER BY m.created_at DESC, r.as_of DESC, r.scored_at DESC
    LIMIT 1)
  SELECT s.customer_id, s.churn_probability, s.value_at_risk, s.segment, s.reasons, s.model_id, s.as_of,
         s.expected_revenue_12m, s.rfm, s.reason_codes
  FROM scores s JOIN newest n ON s.model_id = n.model_id AND s.as_of = n.as_of;`;

/** Creates the churn package's tables, shaped as it makes them, where they are missing. */
export async function createChurnShapedTables(warehouse: Warehouse): Promise<void> {
  await warehouse.write((db) => db.run(sql.raw(EARLIER_CHURN_TABLES)));
}

/**
 * Makes the customers that `select` yields (customer_id, churn_probability, value_at_risk,
 * segment, reasons VARCHAR[]) the latest scores: the scores of one ready model, `model-1`, trained
 * on data to `asOf` (default 2024-06-29) and scoring that day, written to the churn package's tables
 * behind the `latest_scores` view (created as churn makes them where they are missing).
 */
export async function writeScores(
  warehouse: Warehouse,
  select: string,
  { asOf = '2024-06-29' }: { asOf?: string } = {},
): Promise<void> {
  await warehouse.write(async (db) => {
    await db.run(sql.raw(EARLIER_CHURN_TABLES));
    await db.run(sql`DELETE FROM scores; DELETE FROM score_runs; DELETE FROM models;`);
    await db.run(
      sql.named(
        `INSERT INTO models (model_id, created_at, as_of, horizon_days, data_version, backend, features,
                           normalisation, metrics, path, train_seconds, status)
       VALUES ('model-1', CAST($asOf AS DATE) + INTERVAL 1 HOUR, CAST($asOf AS DATE), 90, 1, 'fixture',
               '[]', '{}', '{}', 'models/model-1', 1, 'ready')`,
        { asOf },
      ),
    );
    await db.run(
      sql.named(
        `INSERT INTO score_runs (model_id, as_of, scored_at, customers, backend)
       VALUES ('model-1', CAST($asOf AS DATE), CAST($asOf AS DATE) + INTERVAL 2 HOUR, 0, 'fixture')`,
        { asOf },
      ),
    );
    await db.run(
      sql.named(
        `INSERT INTO scores (model_id, as_of, customer_id, churn_probability, expected_revenue_12m,
                           value_at_risk, segment, rfm, reasons, reason_codes, reason_impacts)
       SELECT 'model-1', CAST($asOf AS DATE), customer_id, churn_probability, value_at_risk,
              value_at_risk, segment, '111', reasons, [], []
       FROM (${select})`,
        { asOf },
      ),
    );
  });
}

/**
 * The tables that the warehouse's migrations 3 and 4 created for churn, outreach and access until
 * those packages owned them, as they were released: databases made then hold them.
 */
export const EARLIER_PACKAGE_TABLES = `
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
${EARLIER_CHURN_TABLES}
`;

/**
 * One scored customer, one recorded outcome, one user with a session (until 2099) and two audit
 * entries, in the tables a database made earlier holds.
 */
export const EARLIER_PACKAGE_ROWS = `
  INSERT INTO users VALUES ('ana', 'retention', 'scrypt$32768$8$1$c2FsdA==$a2V5', TIMESTAMP '2024-06-01 08:00:00',
    TIMESTAMP '2024-06-01 08:00:00');
  INSERT INTO sessions VALUES ('earlier-token-hash', 'ana', TIMESTAMP '2024-07-02 09:00:00',
    TIMESTAMP '2099-01-01 00:00:00');
  INSERT INTO audit_log (occurred_at, username, action, detail)
    VALUES (TIMESTAMP '2024-07-02 09:00:00', 'ana', 'login', '{"ok":true}'),
           (TIMESTAMP '2024-07-02 09:30:00', 'ana', 'outcome', '{"customerId":"C01"}');
  INSERT INTO models VALUES ('m-old', TIMESTAMP '2024-07-01 10:00:00', DATE '2024-06-30', 90, 1, 'cpu',
    '[]', '{}', '{}', 'models/m-old', 12.5, 'ready');
  INSERT INTO score_runs VALUES ('m-old', DATE '2024-06-30', TIMESTAMP '2024-07-01 10:05:00', 1, 'cpu');
  INSERT INTO scores VALUES ('m-old', DATE '2024-06-30', 'C01', 0.75, 400, 300, 'At risk', '231',
    ['Slowing down'], ['slowing'], [0.2]);
  INSERT INTO contact_outcomes VALUES ('C01', TIMESTAMP '2024-07-02 09:30:00', 'reached', 'Called back', 'ana');
`;

/**
 * A database file as Retain left it before churn, outreach and access owned their tables: the
 * warehouse's schema at version 4 with those tables (and `EARLIER_PACKAGE_ROWS`) in it, no package version keys.
 */
export async function createEarlierDatabase(file: string): Promise<void> {
  const warehouse = await Warehouse.open(file, { threads: 2 });
  try {
    await warehouse.transaction(async (db) => {
      await db.run(sql.raw(EARLIER_PACKAGE_TABLES));
      await db.run(sql.raw(EARLIER_PACKAGE_ROWS));
    });
  } finally {
    warehouse.close();
  }
}

/** Each table and view of the warehouse's main schema with its columns and their types, by name. */
export async function tableShapes(warehouse: Warehouse): Promise<Record<string, string[]>> {
  const rows = await warehouse.query(
    sql`SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_catalog = current_database() AND table_schema = 'main'
        ORDER BY table_name, ordinal_position`,
    z.object({ table_name: z.string(), column_name: z.string(), data_type: z.string() }),
  );
  const shapes: Record<string, string[]> = {};
  for (const row of rows) {
    shapes[row.table_name] = [...(shapes[row.table_name] ?? []), `${row.column_name} ${row.data_type}`];
  }
  return shapes;
}

/**
 * The UCI Online Retail export in the shared data sets (absent where they are not checked out)
 * and the mapping that loads it: line items, cancellations as returns, lines without a customer
 * skipped.
 */
export const ONLINE_RETAIL_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../../shared/data/online-retail/online_retail.parquet',
);
export const ONLINE_RETAIL_MAPPING = {
  purchases: {
    file: ONLINE_RETAIL_FILE,
    columns: {
      order_id: 'InvoiceNo',
      customer_id: 'CustomerID',
      order_date: 'InvoiceDate',
      quantity: 'Quantity',
      unit_price: 'UnitPrice',
      product: 'Description',
      region: 'Country',
    },
    negativeLinesAreReturns: true,
    skipRowsWithoutCustomer: true,
  },
};

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
  return warehouse.read(async (conn) => {
    const row = (
      await conn.runAndReadAll(`SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM purchases),
        (SELECT count(*) FROM complaints), (SELECT count(*) FROM returns),
        (SELECT value FROM meta WHERE key = 'data_version')`)
    ).getRows()[0];
    return {
      customers: Number(row?.[0]),
      purchases: Number(row?.[1]),
      complaints: Number(row?.[2]),
      returns: Number(row?.[3]),
      dataVersion: Number(row?.[4]),
    };
  });
}

/** Rows as plain objects: integers as numbers, timestamps as ISO strings. */
export async function query(warehouse: Warehouse, sql: string): Promise<Record<string, unknown>[]> {
  const rows = await warehouse.read(async (conn) => (await conn.runAndReadAll(sql)).getRowObjectsJS());
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
 * Makes the customers that `select` yields (customer_id, churn_probability, value_at_risk,
 * segment, reasons VARCHAR[]) the latest scores: the scores of one ready model, `model-1`, trained
 * on data to `asOf` (default 2024-06-29) and scoring that day, written to the churn package's tables
 * behind the `latest_scores` view.
 */
export async function writeScores(
  warehouse: Warehouse,
  select: string,
  { asOf = '2024-06-29' }: { asOf?: string } = {},
): Promise<void> {
  await warehouse.write(async (conn) => {
    await conn.run('DELETE FROM scores; DELETE FROM score_runs; DELETE FROM models;');
    await conn.run(
      `INSERT INTO models (model_id, created_at, as_of, horizon_days, data_version, backend, features,
                           normalisation, metrics, path, train_seconds, status)
       VALUES ('model-1', CAST($asOf AS DATE) + INTERVAL 1 HOUR, CAST($asOf AS DATE), 90, 1, 'fixture',
               '[]', '{}', '{}', 'models/model-1', 1, 'ready')`,
      { asOf },
    );
    await conn.run(
      `INSERT INTO score_runs (model_id, as_of, scored_at, customers, backend)
       VALUES ('model-1', CAST($asOf AS DATE), CAST($asOf AS DATE) + INTERVAL 2 HOUR, 0, 'fixture')`,
      { asOf },
    );
    await conn.run(
      `INSERT INTO scores (model_id, as_of, customer_id, churn_probability, expected_revenue_12m,
                           value_at_risk, segment, rfm, reasons, reason_codes, reason_impacts)
       SELECT 'model-1', CAST($asOf AS DATE), customer_id, churn_probability, value_at_risk,
              value_at_risk, segment, '111', reasons, [], []
       FROM (${select})`,
      { asOf },
    );
  });
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

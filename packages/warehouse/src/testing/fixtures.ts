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
  await warehouse.write(async (db) => {
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

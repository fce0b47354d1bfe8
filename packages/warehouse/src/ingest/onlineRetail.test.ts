import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ONLINE_RETAIL_FILE,
  ONLINE_RETAIL_MAPPING,
  openTestWarehouse,
  query,
  tempDir,
  writeFile,
} from '../testing/fixtures.ts';
import type { Warehouse } from '../Warehouse.ts';
import { ingest } from './ingest.ts';
import { readMappingFile } from './mappingFile.ts';

const FILE = ONLINE_RETAIL_FILE;
const present = fs.existsSync(FILE);
if (!present)
  console.warn(
    `skipping the Online Retail test: ${FILE} is absent (the shared data sets are not checked out)`,
  );

/**
 * The UCI Online Retail export, loaded the way a retailer would: a mapping file, amounts from
 * quantity × unit price, cancellations (negative lines) as returns, lines without a customer
 * dropped and counted. Expected figures come from plain DuckDB SQL over the same file, written
 * independently of the ingest code, and from the data set's documented counts.
 */
describe.skipIf(!present)('UCI Online Retail through a mapping file', () => {
  let warehouse: Warehouse;
  let cleanup: () => void;
  let mapping: string;

  beforeAll(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    warehouse = await openTestWarehouse(tmp.dir);
    mapping = writeFile(tmp.dir, 'mapping.json', JSON.stringify(ONLINE_RETAIL_MAPPING));
  });
  afterAll(() => {
    warehouse?.close();
    cleanup?.();
  });

  it('loads with the documented counts', async () => {
    const summary = await ingest(warehouse, readMappingFile(mapping, { allowFilesOutsideFolder: true }));
    // Documented: 541,909 lines, 135,080 without a customer id.
    expect(summary.purchases.rows).toBe(541_909);
    expect(summary.purchases.skipped).toBe(135_080);
    const [expected] = await query(
      warehouse,
      `SELECT
         count(*) FILTER (WHERE CustomerID IS NOT NULL AND (Quantity < 0 OR Quantity * UnitPrice < 0)) AS negative_lines,
         count(*) FILTER (WHERE CustomerID IS NOT NULL AND Quantity >= 0 AND Quantity * UnitPrice >= 0) AS kept_lines,
         count(DISTINCT CustomerID) FILTER (WHERE Quantity >= 0 AND Quantity * UnitPrice >= 0) AS buyers,
         count(DISTINCT InvoiceNo) FILTER (WHERE CustomerID IS NOT NULL AND Quantity >= 0 AND Quantity * UnitPrice >= 0) AS invoices,
         count(DISTINCT CustomerID) FILTER (WHERE Quantity < 0) AS cancelling_customers,
         round(sum(Quantity * UnitPrice) FILTER (WHERE CustomerID IS NOT NULL AND Quantity >= 0), 2) AS revenue
       FROM read_parquet('${FILE}')`,
    );
    expect(expected).toMatchObject({ negative_lines: 8_905, cancelling_customers: 1_589 });
    expect(summary.purchases.toReturns).toBe(expected?.negative_lines);
    expect(summary.purchases.inserted).toBe(expected?.kept_lines);
    expect(summary.returns.inserted).toBe(expected?.negative_lines);

    const [loaded] = await query(
      warehouse,
      `SELECT count(*) AS kept_lines, count(DISTINCT customer_id) AS buyers, count(DISTINCT order_id) AS invoices,
              round(sum(amount), 2) AS revenue,
              (SELECT count(DISTINCT customer_id) FROM returns) AS cancelling_customers,
              min(order_date)::DATE::VARCHAR AS first, max(order_date)::DATE::VARCHAR AS last
       FROM purchases`,
    );
    expect(loaded).toEqual({
      ...expected,
      negative_lines: undefined,
      first: '2010-12-01',
      last: '2011-12-09',
    });
    // The 4,372 documented customers include 33 whose only lines are cancellations.
    expect(loaded?.buyers).toBe(4_339);
  });

  it('loads again as a no-op', async () => {
    const again = await ingest(warehouse, readMappingFile(mapping, { allowFilesOutsideFolder: true }));
    expect(again.purchases.inserted).toBe(0);
    expect(again.returns.inserted).toBe(0);
    expect(again.purchases.duplicates).toBe(
      again.purchases.rows - again.purchases.skipped - again.purchases.toReturns,
    );
  });
});

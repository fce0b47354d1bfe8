import fs from 'node:fs';
import { cohortMatrixInputSchema, repeatInputSchema } from '@retain/schemas';
import { ingest, mappingToRequests, type Warehouse } from '@retain/warehouse';
import {
  ONLINE_RETAIL_FILE,
  ONLINE_RETAIL_MAPPING,
  openTestWarehouse,
  query,
  tempDir,
} from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortMatrix } from './cohortMatrix.ts';
import { repeatPurchase } from './repeatPurchase.ts';

const FILE = ONLINE_RETAIL_FILE;
const present = fs.existsSync(FILE);
if (!present) console.warn(`skipping the Online Retail cohort test: ${FILE} is absent`);

/*
 * The UCI Online Retail export (a UK gift wholesaler, 2010-12-01 … 2011-12-09) loaded the way a
 * retailer would, through a mapping: amounts from quantity × unit price, cancellations (negative
 * lines) as returns, lines without a customer dropped. The figures are computed a second way,
 * straight from the Parquet file with plain DuckDB SQL that shares nothing with the engine: an
 * order is an invoice, a customer's cohort the month of their first invoice, activity a distinct
 * (customer, month) pair. They are also pinned as numbers, so a change in either shows.
 */
describe.skipIf(!present)('UCI Online Retail monthly cohorts', () => {
  let warehouse: Warehouse;
  let cleanup: () => void;
  beforeAll(async () => {
    const tmp = tempDir('retain-uci-');
    cleanup = tmp.cleanup;
    warehouse = await openTestWarehouse(tmp.dir);
    await ingest(warehouse, mappingToRequests(ONLINE_RETAIL_MAPPING, tmp.dir));
  });
  afterAll(() => {
    warehouse?.close();
    cleanup?.();
  });

  it('matches plain SQL over the file for the December 2010 cohort', async () => {
    const [expected] = await query(
      warehouse,
      `WITH kept AS (
         SELECT CustomerID AS customer, InvoiceNo AS invoice, InvoiceDate AS ts, Quantity * UnitPrice AS amount
         FROM read_parquet('${FILE}')
         WHERE CustomerID IS NOT NULL AND Quantity >= 0 AND Quantity * UnitPrice >= 0),
       invoices AS (SELECT invoice, min(customer) AS customer, min(ts) AS ts, sum(amount) AS value
                    FROM kept GROUP BY invoice),
       cohort AS (SELECT customer FROM invoices GROUP BY customer
                  HAVING date_trunc('month', min(ts)) = DATE '2010-12-01')
       SELECT (SELECT count(*) FROM cohort) AS size,
              count(DISTINCT customer) FILTER (WHERE date_trunc('month', ts) = DATE '2011-01-01') AS january,
              count(DISTINCT customer) FILTER (WHERE date_trunc('month', ts) = DATE '2011-11-01') AS november,
              count(DISTINCT customer) FILTER (WHERE date_trunc('month', ts) = DATE '2011-12-01') AS december,
              sum(value) FILTER (WHERE date_trunc('month', ts) = DATE '2010-12-01') AS revenue0,
              sum(value) FILTER (WHERE date_trunc('month', ts) = DATE '2011-01-01') AS revenue1
       FROM invoices WHERE customer IN (SELECT customer FROM cohort)`,
    );
    // The often quoted 948 counts customers whose first line was a cancellation; 885 bought.
    expect(expected).toMatchObject({ size: 885, january: 324, november: 445, december: 235 });

    const customers = await cohortMatrix(warehouse, cohortMatrixInputSchema.parse({ period: 'month' }));
    expect(customers.dataEnd).toBe('2011-12-09');
    const dec = customers.cohorts[0];
    expect(dec?.cohort).toBe('2010-12');
    expect(dec?.size).toBe(expected?.size);
    expect(dec?.counts[1]).toBe(expected?.january);
    expect(dec?.counts[11]).toBe(expected?.november);
    expect(dec?.values[11]).toBeCloseTo(445 / 885, 12);
    // December 2011 ends after the data (9 December): a value so far, flagged, not a collapse.
    expect(dec?.counts[12]).toBe(expected?.december);
    expect(dec?.complete.slice(11)).toEqual([true, false]);
    expect(customers.cohorts.map((c) => c.cohort).at(-1)).toBe('2011-12');

    const revenue = await cohortMatrix(
      warehouse,
      cohortMatrixInputSchema.parse({ period: 'month', metric: 'revenue' }),
    );
    expect(revenue.cohorts[0]?.counts[0]).toBeCloseTo(Number(expected?.revenue0), 6);
    expect(revenue.cohorts[0]?.values[1]).toBeCloseTo(
      Number(expected?.revenue1) / Number(expected?.revenue0),
      12,
    );
  });

  it('counts repeat buyers the same way', async () => {
    const [expected] = await query(
      warehouse,
      `SELECT count(*) AS customers, count(*) FILTER (WHERE n >= 2) AS repeaters
       FROM (SELECT CustomerID, count(DISTINCT InvoiceNo) AS n FROM read_parquet('${FILE}')
             WHERE CustomerID IS NOT NULL AND Quantity >= 0 AND Quantity * UnitPrice >= 0 GROUP BY CustomerID)`,
    );
    expect(expected).toEqual({ customers: 4339, repeaters: 2845 });
    const r = await repeatPurchase(warehouse, repeatInputSchema.parse({}));
    expect(r.overall).toMatchObject(expected ?? {});
  });
});

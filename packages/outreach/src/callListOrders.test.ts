import { type CsvValue, csvLine } from '@retain/schemas';
import { dbDay, dbNumber, ingest, ordersRelation, sql, type Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir, writeFile, writeScores } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callListPage } from './callList.ts';
import { FIXTURE_NOW } from './testing/index.ts';

const csv = (rows: CsvValue[][]) => rows.map((row) => csvLine(row, false)).join('');

/*
 * One order (O2) whose lines name two customers, an export error: the warehouse's order gives it
 * to the alphabetically first of them (C-A), as analytics and the churn model count it. Grouping
 * the lines by customer and order, as the call lists once did, gave it to both: C-B then had two
 * orders, the latest 59 days before the scores, rather than one order 545 days before them, which
 * makes C-B lost (a single order more than 365 days ago) and so a win-back call, not an at-risk one.
 */
const CUSTOMERS: CsvValue[][] = [
  ['customer_id', 'name', 'email', 'phone', 'region', 'channel', 'signup_date', 'contact_consent'],
  ['C-A', 'Ann', 'ann@example.com', '+44 20 7946 0001', 'North', 'web', '2022-01-01', 'true'],
  ['C-B', 'Ben', 'ben@example.com', '+44 20 7946 0002', 'North', 'web', '2022-01-01', 'true'],
  ['C-C', 'Cy', 'cy@example.com', '+44 20 7946 0003', 'North', 'web', '2022-01-01', 'true'],
];
const PURCHASES: CsvValue[][] = [
  ['order_id', 'customer_id', 'order_date', 'amount'],
  ['O1', 'C-A', '2024-01-10 10:00:00', 30],
  ['O2', 'C-A', '2024-05-01 10:00:00', 10],
  ['O2', 'C-B', '2024-05-01 10:00:00', 20],
  ['O3', 'C-B', '2023-01-01 10:00:00', 50],
  ['O4', 'C-C', '2022-06-01 10:00:00', 5],
];
const SCORES = `SELECT * FROM (VALUES
    ('C-A', 0.7, 300.0, 'At risk', ['Fewer orders']::VARCHAR[], 'model-1', DATE '2024-06-29'),
    ('C-B', 0.8, 200.0, 'At risk', ['Fewer orders']::VARCHAR[], 'model-1', DATE '2024-06-29'),
    ('C-C', 0.9, 100.0, 'Lost', ['Fewer orders']::VARCHAR[], 'model-1', DATE '2024-06-29'))
  v(customer_id, churn_probability, value_at_risk, segment, reasons, model_id, as_of)`;

describe('the call list reads orders as the warehouse defines them', () => {
  let warehouse: Warehouse;
  let cleanup: () => void;
  beforeAll(async () => {
    const temp = tempDir('retain-outreach-orders-');
    cleanup = temp.cleanup;
    warehouse = await openTestWarehouse(temp.dir);
    await ingest(warehouse, [
      { section: 'customers', file: writeFile(temp.dir, 'customers.csv', csv(CUSTOMERS)) },
      { section: 'purchases', file: writeFile(temp.dir, 'purchases.csv', csv(PURCHASES)) },
    ]);
    await writeScores(warehouse, SCORES);
  });
  afterAll(() => {
    warehouse.close();
    cleanup();
  });

  const page = (kind: 'at-risk' | 'win-back') =>
    callListPage(warehouse, { kind }, { offset: 0, limit: 50 }, { now: FIXTURE_NOW });

  it('gives an order whose lines name two customers to one of them, as analytics does', async () => {
    const atRisk = await page('at-risk');
    const winBack = await page('win-back');
    expect(atRisk.rows.map((r) => [r.customerId, r.orders, r.lastOrderDate])).toEqual([
      ['C-A', 2, '2024-05-01'],
    ]);
    expect(atRisk.summary.onOtherList).toBe(2);
    expect(winBack.rows.map((r) => [r.customerId, r.orders, r.lastOrderDate])).toEqual([
      ['C-B', 1, '2023-01-01'],
      ['C-C', 1, '2022-06-01'],
    ]);
    // The same counts and dates as the canonical orders that the analytics rollup aggregates.
    const canonical = await warehouse.query(
      sql`SELECT customer_id, count(*) AS orders, CAST(max(last_line_at) AS DATE) AS last_order
          FROM ${ordersRelation()} o GROUP BY customer_id ORDER BY customer_id`,
      z.object({ customer_id: z.string(), orders: dbNumber, last_order: dbDay }),
    );
    expect([...atRisk.rows, ...winBack.rows].map((r) => [r.customerId, r.orders, r.lastOrderDate])).toEqual(
      canonical.map((c) => [c.customer_id, c.orders, c.last_order]),
    );
  });

  it('counts the order once for one customer on a short page too (facts of the listed only)', async () => {
    const first = await callListPage(
      warehouse,
      { kind: 'win-back' },
      { offset: 0, limit: 1 },
      { now: FIXTURE_NOW },
    );
    expect(first.rows.map((r) => [r.customerId, r.orders])).toEqual([['C-B', 1]]);
  });
});

import {
  cohortCustomersInputSchema,
  cohortMatrixInputSchema,
  impactInputSchema,
  kpisInputSchema,
  repeatInputSchema,
} from '@retain/schemas';
import { dbRecord, sql, type Warehouse } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsOn } from './analyticsOn.ts';
import { cohortCustomers } from './cohortCustomers.ts';
import { cohortMatrix } from './cohortMatrix.ts';
import { complaintImpact } from './complaintImpact.ts';
import type { AnalyticsTarget } from './readAnalytics.ts';
import { repeatPurchase } from './repeatPurchase.ts';
import { retentionKpis } from './retentionKpis.ts';
import { HAND_FIXTURE } from './testing/handFixture.ts';
import { openFixture } from './testing/openFixture.ts';

// The engine path (no transaction, no temporary tables, a fingerprint instead of data_version) run
// on DuckDB's writer: the figures are the warehouse path's. packages/trino runs it on Trino.

let warehouse: Warehouse;
let close: () => void;
beforeAll(async () => {
  ({ warehouse, close } = await openFixture(HAND_FIXTURE));
});
afterAll(() => close?.());

const reads = {
  matrix: (on: AnalyticsTarget) =>
    cohortMatrix(
      on,
      cohortMatrixInputSchema.parse({ metric: 'revenue', mode: 'onOrAfter', minCohortSize: 1 }),
    ),
  weeks: (on: AnalyticsTarget) =>
    cohortMatrix(on, cohortMatrixInputSchema.parse({ period: 'week', by: 'channel', minCohortSize: 1 })),
  repeat: (on: AnalyticsTarget) => repeatPurchase(on, repeatInputSchema.parse({ withinDays: 60 })),
  impact: (on: AnalyticsTarget) => complaintImpact(on, impactInputSchema.parse({ minCohortSize: 1 })),
  kpis: (on: AnalyticsTarget) => retentionKpis(on, kpisInputSchema.parse({ asOf: '2021-02-20' })),
  customers: (on: AnalyticsTarget) =>
    cohortCustomers(
      on,
      cohortCustomersInputSchema.parse({ cohort: '2020-12', offset: 1, page: 1, pageSize: 1 }),
    ),
};

describe('analytics on any engine', () => {
  it('gives the warehouse’s figures, builds without leaving working tables, and rebuilds when the facts move', async () => {
    const expected = Object.fromEntries(
      await Promise.all(
        Object.entries(reads).map(async ([name, read]) => [name, await read(warehouse)] as const),
      ),
    );
    await warehouse.write(async (db) => {
      const source = analyticsOn(db);
      for (const [name, read] of Object.entries(reads)) {
        expect(await read(source), name).toEqual(expected[name]);
      }
      const tables = await db.query(
        sql`SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'analytics_build_%'`,
        dbRecord,
      );
      expect(tables).toEqual([]);

      const size = async () =>
        (await cohortMatrix(source, cohortMatrixInputSchema.parse({ minCohortSize: 1 }))).cohorts.find(
          (row) => row.cohort === '2021-03',
        )?.size;
      expect(await size()).toBe(2);
      await db.run(
        sql`INSERT INTO purchases (order_id, customer_id, order_date, amount, line_key, batch_id)
            VALUES ('X-1', 'X', TIMESTAMP '2021-03-14 10:00:00', 5, 1, 1)`,
      );
      expect(await size()).toBe(3);
    });
  });
});

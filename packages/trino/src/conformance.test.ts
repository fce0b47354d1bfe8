import {
  type AnalyticsTarget,
  analyticsOn,
  cohortCustomers,
  cohortMatrix,
  cohortTrend,
  complaintImpact,
  repeatPurchase,
  retentionKpis,
} from '@retain/analytics';
import {
  type CohortAttribute,
  type CohortMatrixInput,
  cohortCustomersInputSchema,
  cohortMatrixInputSchema,
  impactInputSchema,
  kpisInputSchema,
  repeatInputSchema,
  trendInputSchema,
} from '@retain/schemas';
import { sql, type Warehouse } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TrinoDb } from './TrinoDb.ts';
import { testCluster } from './testing/cluster.ts';
import { figureDifferences } from './testing/figureDifferences.ts';
import { FACT_SECTIONS, type MappedDemo, mapDemo } from './testing/mappedDemo.ts';

/*
 * The analytics on Trino give exactly DuckDB's figures: one seeded demo history is ingested into an
 * embedded warehouse, its facts tables are written to Parquet in the cluster's lake and mapped there
 * as external tables, the rollup is built on the cluster, and every figure of both engines is
 * compared: counts exactly, rates and money to 1e-9 relative.
 */

const cluster = testCluster();

/** What was compared: cohort cells (one offset of one cohort), and every figure in all. */
const tally = { cells: 0, figures: 0, reads: 0 };

describe.skipIf(cluster === null)('analytics on Trino against DuckDB, figure for figure', () => {
  let demo: MappedDemo | null = null;
  let warehouse: Warehouse;
  let trino: TrinoDb;
  let schema = '';
  let source: AnalyticsTarget;

  /** Runs one read on both engines and lists where they differ. */
  async function compare<T>(name: string, read: (on: AnalyticsTarget) => Promise<T>): Promise<T> {
    const expected = await read(warehouse);
    const actual = await read(source);
    const out: string[] = [];
    tally.figures += figureDifferences(expected, actual, name, out);
    tally.reads += 1;
    expect(out.slice(0, 20), `${out.length} differences`).toEqual([]);
    return expected;
  }

  beforeAll(async () => {
    if (!cluster) return;
    demo = await mapDemo(cluster, {
      prefix: 'conformance',
      customers: 3000,
      seed: 14,
      years: 2,
      end: '2025-12-31',
    });
    ({ warehouse, trino, schema } = demo);
    source = analyticsOn(trino);
  }, 600_000);

  afterAll(async () => {
    await demo?.drop();
    if (tally.reads > 0) {
      console.log(
        `Trino conformance: ${tally.cells} cohort cells and ${tally.figures} values (counts, rates, money, labels) in ${tally.reads} reads equal to DuckDB's`,
      );
    }
  });

  it('maps the same facts on both engines', async () => {
    if (!demo) return;
    const counts = (db: { count: (s: ReturnType<typeof sql>) => Promise<number> }) =>
      Promise.all(FACT_SECTIONS.map((table) => db.count(sql`SELECT count(*) FROM ${sql.ident(table)}`)));
    const expected = await warehouse.read((db) => counts(db));
    expect(await counts(trino)).toEqual(expected);
    expect(expected[1]).toBeGreaterThan(5000);
  });

  const periods = ['day', 'week', 'month', 'quarter'] as const;
  const groupings: Array<CohortAttribute | undefined> = [undefined, 'channel', 'region', 'category'];

  it('gives every cohort cell: day, week, month, quarter × customers, orders, revenue × on, on or after, by period and attribute', async () => {
    for (const period of periods) {
      for (const by of groupings) {
        for (const metric of ['customers', 'orders', 'revenue'] as const) {
          for (const mode of ['on', 'onOrAfter'] as const) {
            const input: CohortMatrixInput = {
              period,
              metric,
              mode,
              minCohortSize: 1,
              ...(by ? { by } : {}),
              ...(period === 'day' ? { maxOffset: 45 } : {}),
            };
            const matrix = await compare(`${period}/${by ?? 'period'}/${metric}/${mode}`, (on) =>
              cohortMatrix(on, cohortMatrixInputSchema.parse(input)),
            );
            tally.cells += matrix.cohorts.reduce((sum, row) => sum + row.values.length, 0);
          }
        }
      }
    }
  });

  it('gives the same cells with filters, net revenue and forecasts', async () => {
    const inputs: CohortMatrixInput[] = [
      { period: 'month', metric: 'revenue', net: true, minCohortSize: 1 },
      { period: 'week', metric: 'revenue', net: true, mode: 'onOrAfter', by: 'channel', minCohortSize: 1 },
      {
        period: 'month',
        metric: 'orders',
        minCohortSize: 1,
        filters: { from: '2024-03-01', to: '2025-06-30', channel: ['web', 'app'], region: undefined },
      },
      { period: 'month', forecast: true, minCohortSize: 20 },
      { period: 'quarter', metric: 'revenue', forecast: true, minCohortSize: 20 },
    ];
    for (const [i, input] of inputs.entries()) {
      const matrix = await compare(`filtered ${i}`, (on) =>
        cohortMatrix(on, cohortMatrixInputSchema.parse(input)),
      );
      tally.cells += matrix.cohorts.reduce((sum, row) => sum + row.values.length, 0);
    }
  });

  it('gives the same repeat rates, with and without a window', async () => {
    for (const by of groupings) {
      for (const withinDays of [undefined, 30, 90]) {
        await compare(`repeat/${by ?? 'period'}/${withinDays ?? 'all'}`, (on) =>
          repeatPurchase(
            on,
            repeatInputSchema.parse({ ...(by ? { by } : {}), ...(withinDays ? { withinDays } : {}) }),
          ),
        );
      }
    }
    await compare('repeat/week', (on) => repeatPurchase(on, repeatInputSchema.parse({ period: 'week' })));
  });

  it('gives the same complaint and return impact', async () => {
    for (const period of ['month', 'week'] as const) {
      for (const mode of ['on', 'onOrAfter'] as const) {
        for (const withinDays of [undefined, 90]) {
          await compare(`impact/${period}/${mode}/${withinDays ?? 'all'}`, (on) =>
            complaintImpact(
              on,
              impactInputSchema.parse({
                period,
                mode,
                minCohortSize: 5,
                ...(withinDays ? { withinDays } : {}),
              }),
            ),
          );
        }
      }
    }
  });

  it('gives the same KPIs at the data’s end and on an earlier day', async () => {
    // The median resolution (the dialect's median) is among the figures compared.
    const latest = await retentionKpis(warehouse, kpisInputSchema.parse({}));
    expect(latest.kpis.medianResolutionDays.value).not.toBeNull();
    for (const input of [
      {},
      { asOf: '2025-06-15' },
      { asOf: '2025-03-31', filters: { channel: ['store'] } },
      { filters: { region: ['North', 'South'] } },
    ]) {
      await compare(`kpis ${JSON.stringify(input)}`, (on) => retentionKpis(on, kpisInputSchema.parse(input)));
    }
  });

  it('gives the same cohort trend', async () => {
    for (const input of [{}, { period: 'week', age: 4, mode: 'onOrAfter' }, { period: 'quarter', age: 1 }]) {
      await compare(`trend ${JSON.stringify(input)}`, (on) => cohortTrend(on, trendInputSchema.parse(input)));
    }
  });

  it('lists the same customers on a drill-down page', async () => {
    for (const input of [
      { cohort: '2024-06', offset: 1 },
      {
        cohort: '2024-06',
        offset: 2,
        status: 'inactive',
        sort: 'customerId',
        direction: 'asc',
        page: 2,
        pageSize: 20,
      },
      { cohort: 'web', by: 'channel', offset: 3, mode: 'onOrAfter', sort: 'orders' },
      { cohort: '2024-W30', period: 'week', pageSize: 100 },
    ] as const) {
      const page = await compare(`customers ${JSON.stringify(input)}`, (on) =>
        cohortCustomers(on, cohortCustomersInputSchema.parse(input)),
      );
      expect(page.rows.length).toBeGreaterThan(0);
    }
  });

  it('drops its working tables, and rebuilds the rollup when the facts change', async () => {
    if (!demo) return;
    const tables = async () =>
      (
        await trino.query(
          sql`SELECT table_name FROM information_schema.tables WHERE table_schema = ${schema} ORDER BY 1`,
          z.object({ table_name: z.string() }),
        )
      ).map((row) => row.table_name);
    const before = await tables();
    expect(before).toContain('analytics_engine_state');
    expect(before.filter((name) => name.startsWith('analytics_build_'))).toEqual([]);

    const december = async () => {
      const matrix = await cohortMatrix(source, cohortMatrixInputSchema.parse({ minCohortSize: 1 }));
      return matrix.cohorts.find((row) => row.cohort === '2025-12')?.size ?? 0;
    };
    const size = await december();
    await trino.run(
      sql`INSERT INTO purchases (order_id, customer_id, order_date, amount, category, channel, region)
          VALUES ('conformance-new-order', 'conformance-new-customer', TIMESTAMP '2025-12-30 12:00:00', 42.0, 'Books', 'web', 'North')`,
    );
    expect(await december()).toBe(size + 1);
  });
});

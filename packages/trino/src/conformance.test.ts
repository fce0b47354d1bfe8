import fs from 'node:fs';
import path from 'node:path';
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
import { generateDemo } from '@retain/demo-data';
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
import { ingest, sql, type Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseTrinoUrl } from './engineUrl.ts';
import { TrinoDb } from './TrinoDb.ts';
import { testCluster } from './testing/cluster.ts';

/*
 * The analytics on Trino give exactly DuckDB's figures: one seeded demo history is ingested into an
 * embedded warehouse, its facts tables are written to Parquet in the cluster's lake and mapped there
 * as external tables, the rollup is built on the cluster, and every figure of both engines is
 * compared: counts exactly, rates and money to 1e-9 relative.
 */

const cluster = testCluster();
const SECTIONS = ['customers', 'purchases', 'complaints', 'returns'] as const;

/** The columns mapped on the cluster: the warehouse's, less its own bookkeeping (batch, line key). */
const FACT_COLUMNS: Record<(typeof SECTIONS)[number], ReadonlyArray<readonly [string, string]>> = {
  customers: [
    ['customer_id', 'varchar'],
    ['name', 'varchar'],
    ['email', 'varchar'],
    ['phone', 'varchar'],
    ['region', 'varchar'],
    ['channel', 'varchar'],
    ['signup_date', 'date'],
    ['contact_consent', 'boolean'],
  ],
  purchases: [
    ['order_id', 'varchar'],
    ['customer_id', 'varchar'],
    ['order_date', 'timestamp(6)'],
    ['amount', 'double'],
    ['quantity', 'double'],
    ['unit_price', 'double'],
    ['product', 'varchar'],
    ['category', 'varchar'],
    ['channel', 'varchar'],
    ['region', 'varchar'],
  ],
  complaints: [
    ['complaint_id', 'varchar'],
    ['customer_id', 'varchar'],
    ['opened_at', 'timestamp(6)'],
    ['resolved_at', 'timestamp(6)'],
    ['category', 'varchar'],
    ['severity', 'integer'],
  ],
  returns: [
    ['return_id', 'varchar'],
    ['order_id', 'varchar'],
    ['customer_id', 'varchar'],
    ['returned_at', 'timestamp(6)'],
    ['amount', 'double'],
  ],
};

/** What was compared: cohort cells (one offset of one cohort), and every figure in all. */
const tally = { cells: 0, figures: 0, reads: 0 };

/**
 * Differences between DuckDB's answer and Trino's, by path: integers exactly, other numbers to
 * 1e-9 relative (absolute below 1), everything else equal. Counts what it compares.
 */
function differences(expected: unknown, actual: unknown, where: string, out: string[]): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    tally.figures += 1;
    const same =
      Number.isInteger(expected) && Number.isInteger(actual)
        ? expected === actual
        : Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
    if (!same) out.push(`${where}: DuckDB ${expected}, Trino ${actual}`);
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      out.push(`${where}: DuckDB ${expected.length} items, Trino ${actual.length}`);
      return;
    }
    expected.forEach((item, i) => {
      differences(item, actual[i], `${where}[${i}]`, out);
    });
    return;
  }
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object') {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const key of keys) {
      differences(
        (expected as Record<string, unknown>)[key],
        (actual as Record<string, unknown>)[key],
        `${where}.${key}`,
        out,
      );
    }
    return;
  }
  tally.figures += 1;
  if (expected !== actual)
    out.push(`${where}: DuckDB ${JSON.stringify(expected)}, Trino ${JSON.stringify(actual)}`);
}

describe.skipIf(cluster === null)('analytics on Trino against DuckDB, figure for figure', () => {
  const schema = `conformance_${process.pid}_${Date.now().toString(36)}`;
  const target = cluster ? { ...parseTrinoUrl(cluster.url), schema } : null;
  const admin = cluster ? new TrinoDb(parseTrinoUrl(cluster.url)) : null;
  const trino = target ? new TrinoDb(target) : null;
  const folder = cluster ? path.join(cluster.lake, 'conformance', schema) : '';
  let warehouse: Warehouse;
  let source: AnalyticsTarget;
  let cleanup = () => {};

  /** Runs one read on both engines and lists where they differ. */
  async function compare<T>(name: string, read: (on: AnalyticsTarget) => Promise<T>): Promise<T> {
    const expected = await read(warehouse);
    const actual = await read(source);
    const out: string[] = [];
    differences(expected, actual, name, out);
    tally.reads += 1;
    expect(out.slice(0, 20), `${out.length} differences`).toEqual([]);
    return expected;
  }

  beforeAll(async () => {
    if (!cluster || !trino || !admin) return;
    const temp = tempDir('retain-conformance-');
    const files = path.join(temp.dir, 'demo');
    await generateDemo({
      outDir: files,
      customers: 3000,
      seed: 14,
      years: 2,
      end: '2025-12-31',
      posterior: false,
      program: false,
    });
    warehouse = await openTestWarehouse(temp.dir);
    cleanup = () => {
      warehouse.close();
      temp.cleanup();
    };
    await ingest(
      warehouse,
      SECTIONS.map((section) => ({ section, file: path.join(files, `${section}.csv`) })),
    );
    fs.rmSync(folder, { recursive: true, force: true });
    // The schema gets the file metastore's own folder (where it keeps managed tables, the rollup's);
    // the facts are external tables over the Parquet files.
    await admin.run(sql`CREATE SCHEMA ${sql.ident(schema)}`);
    for (const table of SECTIONS) {
      const columns = FACT_COLUMNS[table];
      const dir = path.join(folder, table);
      fs.mkdirSync(dir, { recursive: true });
      await warehouse.read((db) =>
        db.run(
          db.dialect.copyToParquet(
            sql`SELECT ${sql.raw(columns.map(([name]) => name).join(', '))} FROM ${sql.ident(table)}`,
            path.join(dir, 'part-0.parquet'),
          ),
        ),
      );
      await trino.run(
        sql`CREATE TABLE ${sql.ident(table)} (${sql.raw(columns.map(([name, type]) => `${name} ${type}`).join(', '))})
            WITH (external_location = ${`local:///conformance/${schema}/${table}`}, format = 'PARQUET')`,
      );
    }
    source = analyticsOn(trino);
  }, 600_000);

  afterAll(async () => {
    if (trino && admin) {
      const tables = await trino
        .query(
          sql`SELECT table_name FROM information_schema.tables WHERE table_schema = ${schema}`,
          z.object({ table_name: z.string() }),
        )
        .catch(() => []);
      for (const { table_name } of tables) {
        await trino.run(sql`DROP TABLE IF EXISTS ${sql.ident(table_name)}`).catch(() => {});
      }
      await admin.run(sql`DROP SCHEMA IF EXISTS ${sql.ident(schema)}`).catch(() => {});
    }
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
    cleanup();
    if (tally.reads > 0) {
      console.log(
        `Trino conformance: ${tally.cells} cohort cells and ${tally.figures} values (counts, rates, money, labels) in ${tally.reads} reads equal to DuckDB's`,
      );
    }
  });

  it('maps the same facts on both engines', async () => {
    if (!trino) return;
    const counts = (db: { count: (s: ReturnType<typeof sql>) => Promise<number> }) =>
      Promise.all(SECTIONS.map((table) => db.count(sql`SELECT count(*) FROM ${sql.ident(table)}`)));
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
    if (!trino) return;
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

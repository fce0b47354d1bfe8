import fs from 'node:fs';
import path from 'node:path';
import { generateDemo } from '@retain/demo-data';
import { ingest, sql, type Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { z } from 'zod';
import { parseTrinoUrl } from '../engineUrl.ts';
import { TrinoDb } from '../TrinoDb.ts';
import type { TestCluster } from './cluster.ts';

/*
 * One seeded demo history on both engines, for the suites that compare them: ingested into an
 * embedded warehouse, its facts tables written to Parquet in the cluster's lake and mapped there
 * as external tables, in a schema of its own.
 */

export const FACT_SECTIONS = ['customers', 'purchases', 'complaints', 'returns'] as const;
export type FactSection = (typeof FACT_SECTIONS)[number];

/** The columns mapped on the cluster: the warehouse's, less its own bookkeeping (batch, line key). */
export const FACT_COLUMNS: Record<FactSection, ReadonlyArray<readonly [string, string]>> = {
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

/** Drops a schema of the lake and every table in it; nothing happens where there is none. */
export async function dropMappedSchema(admin: TrinoDb, trino: TrinoDb, schema: string): Promise<void> {
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

/**
 * Writes the warehouse's facts tables to Parquet under `folder` (a folder inside the cluster's
 * lake, `lake`) and maps each as an external table in `trino`'s schema, which must exist.
 */
export async function mapFacts(
  warehouse: Warehouse,
  trino: TrinoDb,
  lake: string,
  folder: string,
  tables: readonly FactSection[] = FACT_SECTIONS,
): Promise<void> {
  for (const table of tables) {
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
    const location = `local:///${path.relative(lake, dir).split(path.sep).join('/')}`;
    await trino.run(
      sql`CREATE TABLE ${sql.ident(table)} (${sql.raw(columns.map(([name, type]) => `${name} ${type}`).join(', '))})
          WITH (external_location = ${location}, format = 'PARQUET')`,
    );
  }
}

export interface MappedDemoOptions {
  /** The schema's name starts with it (the process id and time follow). */
  prefix: string;
  customers: number;
  seed: number;
  years: number;
  /** The data's last day (YYYY-MM-DD). */
  end: string;
  /** Sections left unmapped on the cluster (the warehouse has them all). */
  skip?: readonly FactSection[];
}

export interface MappedDemo {
  /** The embedded warehouse holding the demo; close it before another process opens `dbFile`. */
  warehouse: Warehouse;
  dbFile: string;
  /** The cluster's schema holding the mapped facts (and, once built, the rollup). */
  schema: string;
  /** The engine URL of that schema. */
  engineUrl: string;
  /** A connection to that schema. */
  trino: TrinoDb;
  /** Drops every table of the schema, the schema and its lake folder, and the warehouse's files. */
  drop(): Promise<void>;
}

/** Generates, ingests and maps one seeded demo history (see the top of this file). */
export async function mapDemo(cluster: TestCluster, options: MappedDemoOptions): Promise<MappedDemo> {
  const schema = `${options.prefix}_${process.pid}_${Date.now().toString(36)}`;
  const base = parseTrinoUrl(cluster.url);
  const admin = new TrinoDb(base);
  const trino = new TrinoDb({ ...base, schema });
  const folder = path.join(cluster.lake, options.prefix, schema);
  const temp = tempDir(`retain-${options.prefix}-`);
  const files = path.join(temp.dir, 'demo');
  await generateDemo({
    outDir: files,
    customers: options.customers,
    seed: options.seed,
    years: options.years,
    end: options.end,
    posterior: false,
    program: false,
  });
  const dbFile = path.join(temp.dir, 'test.duckdb');
  const warehouse = await openTestWarehouse(temp.dir);

  const drop = async () => {
    await dropMappedSchema(admin, trino, schema);
    fs.rmSync(folder, { recursive: true, force: true });
    warehouse.close();
    temp.cleanup();
  };

  try {
    await ingest(
      warehouse,
      FACT_SECTIONS.map((section) => ({ section, file: path.join(files, `${section}.csv`) })),
    );
    fs.rmSync(folder, { recursive: true, force: true });
    // The schema gets the file metastore's own folder (where it keeps managed tables, the rollup's);
    // the facts are external tables over the Parquet files.
    await admin.run(sql`CREATE SCHEMA ${sql.ident(schema)}`);
    const tables = FACT_SECTIONS.filter((table) => !options.skip?.includes(table));
    await mapFacts(warehouse, trino, cluster.lake, folder, tables);
  } catch (error) {
    await drop();
    throw error;
  }
  const engineUrl = `trino://${encodeURIComponent(base.user)}@${base.host}:${base.port}/${base.catalog}/${schema}${base.ssl ? '?ssl=true' : ''}`;
  return { warehouse, dbFile, schema, engineUrl, trino, drop };
}

import { type Db, ordersRelation, type Sql, sql, type Warehouse } from '@retain/warehouse';
import { z } from 'zod';
import { readScoresSource } from './callListSql.ts';
import { countryOfCallingCode, inferCallingCodeSql } from './phoneNumbers.ts';

/*
 * The call list on a cluster's facts. The ranking stays on the local scores (Retain owns them);
 * the facts the list shows and filters on are read from the cluster for every scored customer, in
 * batches of ids, into an in-memory database attached to the local one (nothing lands in the
 * file). While a list is planned and read, temporary views named like the facts tables point at
 * it, so that the call list's SQL runs unchanged over them: the same code and the same figures as
 * on an embedded file.
 */

/** Ids per query on the cluster: a statement of about 100 KB, far under Trino's limits. */
export const FACT_BATCH = 5_000;

/** Facts of the scored customers, staged from a cluster; `release` detaches them. */
export interface StagedFacts {
  /** The attached in-memory database holding them. */
  database: string;
  /** The country most customers' international numbers are from, read over all customers there. */
  phoneCountry: string | null;
  customers: number;
  orders: number;
  complaints: number;
  release(): Promise<void>;
}

export interface StageOptions {
  batchSize?: number;
  /** Called after each batch with the customers staged so far and of how many. */
  onBatch?: (done: number, of: number) => void;
}

/** The staged tables: exactly the columns the call list reads from the facts. */
const TABLES = {
  customers: `customer_id VARCHAR NOT NULL, name VARCHAR, email VARCHAR, phone VARCHAR, region VARCHAR,
    contact_consent BOOLEAN`,
  // One row per order as ordersRelation makes it; the view gives back its first and last line.
  orders: `order_id VARCHAR NOT NULL, customer_id VARCHAR NOT NULL, ordered_at TIMESTAMP NOT NULL,
    last_line_at TIMESTAMP NOT NULL, value DOUBLE NOT NULL`,
  complaints: `customer_id VARCHAR NOT NULL, opened_at TIMESTAMP NOT NULL, resolved_at TIMESTAMP`,
} as const;

/** How the facts tables read over the staging (`f`: the attached database's name). */
function viewSql(table: 'customers' | 'purchases' | 'complaints', f: string): string {
  switch (table) {
    case 'customers':
      return `SELECT * FROM ${f}.customers`;
    // ordersRelation takes an order's first line for its date and its last for last_line_at.
    case 'purchases':
      return `SELECT order_id, customer_id, ordered_at AS order_date, value AS amount FROM ${f}.orders
        UNION ALL
        SELECT order_id, customer_id, last_line_at, 0 FROM ${f}.orders WHERE last_line_at > ordered_at`;
    case 'complaints':
      return `SELECT * FROM ${f}.complaints`;
  }
}

const VIEWS = ['customers', 'purchases', 'complaints'] as const;

const when = z.date();
const customerRow = z.object({
  customer_id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  region: z.string().nullable(),
  contact_consent: z.boolean().nullable(),
});
const orderRow = z.object({
  order_id: z.string(),
  customer_id: z.string(),
  ordered_at: when,
  last_line_at: when,
  value: z.number(),
});
const complaintRow = z.object({
  customer_id: z.string(),
  opened_at: when,
  resolved_at: when.nullable(),
});

let staged = 0;

/**
 * Reads from `engine` (a cluster whose schema holds the facts tables) the facts of every customer
 * in the local `latest_scores`, `batchSize` ids per query, into an in-memory database attached to
 * the warehouse. Every scored customer, not only a page's: the list's counts (eligible, left out
 * for consent, lost…) and its filters on facts (region, open complaints) need them all. On a
 * failure the attachment is dropped and the error thrown on: nothing is left half staged.
 */
export async function stageEngineFacts(
  warehouse: Warehouse,
  engine: Db,
  options: StageOptions = {},
): Promise<StagedFacts> {
  const batchSize = options.batchSize ?? FACT_BATCH;
  await warehouse.read((db) => readScoresSource(db)); // NoScoresError before the cluster is asked
  const ids = (
    await warehouse.query(
      sql`SELECT DISTINCT CAST(customer_id AS VARCHAR) AS id FROM latest_scores ORDER BY id`,
      z.object({ id: z.string() }),
    )
  ).map((r) => r.id);
  staged += 1;
  const database = `retain_engine_facts_${process.pid}_${staged}`;
  await warehouse.write((db) => db.run(sql.raw(`ATTACH ':memory:' AS ${database}`)));
  const release = () => warehouse.write((db) => db.run(sql.raw(`DETACH DATABASE IF EXISTS ${database}`)));
  try {
    await warehouse.write(async (db) => {
      for (const [table, columns] of Object.entries(TABLES)) {
        await db.run(sql.raw(`CREATE TABLE ${database}.${table} (${columns})`));
      }
    });
    const code = await engine.scalar(sql.raw(inferCallingCodeSql(engine.dialect)), z.unknown());
    const counts = { customers: 0, orders: 0, complaints: 0 };
    for (let start = 0; start < ids.length; start += batchSize) {
      const batch = ids.slice(start, start + batchSize);
      const rows = await readFactsBatch(engine, batch);
      await warehouse.write(async (db) => {
        await insertJson(db, `${database}.customers`, rows.customers, {
          customer_id: 'VARCHAR',
          name: 'VARCHAR',
          email: 'VARCHAR',
          phone: 'VARCHAR',
          region: 'VARCHAR',
          contact_consent: 'BOOLEAN',
        });
        await insertJson(db, `${database}.orders`, rows.orders, {
          order_id: 'VARCHAR',
          customer_id: 'VARCHAR',
          ordered_at: 'TIMESTAMP',
          last_line_at: 'TIMESTAMP',
          value: 'DOUBLE',
        });
        await insertJson(db, `${database}.complaints`, rows.complaints, {
          customer_id: 'VARCHAR',
          opened_at: 'TIMESTAMP',
          resolved_at: 'TIMESTAMP',
        });
      });
      counts.customers += rows.customers.length;
      counts.orders += rows.orders.length;
      counts.complaints += rows.complaints.length;
      options.onBatch?.(Math.min(start + batchSize, ids.length), ids.length);
    }
    return {
      database,
      phoneCountry: typeof code === 'string' ? countryOfCallingCode(code) : null,
      ...counts,
      release,
    };
  } catch (error) {
    await release().catch(() => undefined); // the first error is the one worth reporting
    throw error;
  }
}

/** One batch's facts from the cluster: three queries, each bounded by the batch's ids. */
async function readFactsBatch(engine: Db, ids: readonly string[]) {
  const within = (column: Sql) => sql`${column} IN (${sql.join(ids.map((id) => sql`${id}`))})`;
  // Whole orders, each of the customer it belongs to (as the call list's own 'few' path reads them).
  const orders = ordersRelation({
    orderIds: sql`order_id IN (SELECT order_id FROM purchases WHERE ${within(sql`customer_id`)})`,
  });
  const [customers, orderRows, complaints] = await Promise.all([
    engine.query(
      sql`SELECT CAST(customer_id AS VARCHAR) AS customer_id, name, email, phone, region, contact_consent
          FROM customers WHERE ${within(sql`customer_id`)}`,
      customerRow,
    ),
    engine.query(
      sql`SELECT order_id, customer_id, ordered_at, last_line_at, ${engine.dialect.cast(sql`value`, 'double')} AS value
          FROM ${orders} o WHERE ${within(sql`customer_id`)}`,
      orderRow,
    ),
    engine.query(
      sql`SELECT customer_id, opened_at, resolved_at FROM complaints WHERE ${within(sql`customer_id`)}`,
      complaintRow,
    ),
  ]);
  return { customers, orders: orderRows, complaints };
}

/** Rows into `table` as one bound JSON text (instants as UTC text), typed by `types`. */
async function insertJson(
  db: Db,
  table: string,
  rows: readonly object[],
  types: Record<string, string>,
): Promise<void> {
  if (rows.length === 0) return;
  // Dates become ISO text in JSON; DuckDB reads a TIMESTAMP without the T and the Z.
  const text = JSON.stringify(rows).replaceAll(
    /"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}\.\d{3})Z"/g,
    '"$1 $2"',
  );
  const structure = JSON.stringify([types]);
  const columns = Object.keys(types).join(', ');
  await db.run(
    sql`INSERT INTO ${sql.raw(table)} (${sql.raw(columns)})
        SELECT ${sql.raw(columns)} FROM (SELECT unnest(from_json(CAST(${text} AS JSON), ${structure}), recursive := true))`,
  );
}

/**
 * Runs `task` with the facts tables read from `facts` on this handle (temporary views, dropped
 * after); without staged facts, on the warehouse's own tables.
 */
export async function withStagedFacts<T>(
  db: Db,
  facts: StagedFacts | null | undefined,
  task: () => Promise<T>,
): Promise<T> {
  if (!facts) return task();
  for (const view of VIEWS) {
    await db.run(sql.raw(`CREATE OR REPLACE TEMP VIEW ${view} AS ${viewSql(view, facts.database)}`));
  }
  try {
    return await task();
  } finally {
    // In a transaction that failed the views go with its rollback, and dropping them fails too.
    for (const view of VIEWS)
      await db.run(sql.raw(`DROP VIEW IF EXISTS temp.main.${view}`)).catch(() => undefined);
  }
}

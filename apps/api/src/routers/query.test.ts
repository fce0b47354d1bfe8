import type { Warehouse } from '@retain/warehouse';
import { ingest, secureForConsole } from '@retain/warehouse';
import { openTestWarehouse, tempDir, writeFile } from '@retain/warehouse/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor } from '../testing/callerFor.ts';

describe('query router', () => {
  let warehouse: Warehouse;
  let cleanup: () => void;
  let caller: ReturnType<typeof callerFor>;
  beforeAll(async () => {
    const tmp = tempDir('retain-api-query-');
    cleanup = tmp.cleanup;
    warehouse = await openTestWarehouse(tmp.dir);
    const file = writeFile(tmp.dir, 'p.csv', 'order_id,customer_id,order_date,amount\nO1,C1,2024-01-01,10\n');
    await ingest(warehouse, [{ section: 'purchases', file }]);
    await secureForConsole(warehouse);
    caller = callerFor(warehouse);
  });
  afterAll(() => {
    warehouse.close();
    cleanup();
  });

  it('runs a read and lists the schema without internal columns', async () => {
    expect((await caller.query.run({ sql: 'SELECT sum(amount) AS s FROM purchases' })).rows).toEqual([[10]]);
    const schema = await caller.query.schema();
    const purchases = schema.find((t) => t.name === 'purchases');
    expect(purchases?.columns.map((c) => c.name)).toEqual([
      'order_id',
      'customer_id',
      'order_date',
      'amount',
      'quantity',
      'unit_price',
      'product',
      'category',
      'channel',
      'region',
    ]);
    expect(schema.map((t) => t.name)).not.toContain('meta');
  });

  it("offers an example the console runs as it is on the warehouse's engine", async () => {
    const { sql } = await caller.query.example();
    const result = await caller.query.run({ sql });
    expect(result.columns.map((c) => c.name)).toEqual(['month', 'customers', 'revenue']);
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]?.slice(1)).toEqual([1, 10]);
  });

  it('refuses a write as BAD_REQUEST with the reason and no position', async () => {
    const error = await caller.query.run({ sql: 'DROP TABLE purchases' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
    expect((error as TRPCError).message).toContain('DROP statement');
  });

  it("judges an analyst's query by what it reads: a CTE named like a table does not open the table", async () => {
    const analyst = callerFor(warehouse, 'analyst');
    const error = await analyst.query
      .run({ sql: 'SELECT * FROM (WITH users AS (SELECT 1 AS x) SELECT * FROM users) a, users' })
      .catch((e: unknown) => e);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
    expect((error as TRPCError).message).toMatch(/There is no table "users"|does not offer \(users\)/);
    const cast = await analyst.query
      .run({ sql: "SELECT CAST(string_agg(order_id, ';') AS INTEGER) FROM purchases" })
      .catch((e: unknown) => e);
    expect((cast as TRPCError).message).toMatch(/^Conversion Error/);
    expect((cast as TRPCError).message).not.toContain('O1');
  });

  it('saves and deletes queries', async () => {
    const saved = await caller.query.save({ name: 'All', sql: 'SELECT * FROM purchases' });
    expect((await caller.query.saved()).map((q) => q.name)).toEqual(['All']);
    expect(await caller.query.remove({ queryId: saved.queryId })).toBe(true);
    expect(await caller.query.saved()).toEqual([]);
  });
});

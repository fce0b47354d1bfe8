import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryError } from '../errors.ts';
import { ingest } from '../ingest/ingest.ts';
import { openTestWarehouse, snapshot, tempDir, writeFile } from '../testing/fixtures.ts';
import type { Warehouse } from '../Warehouse.ts';
import { prepareConsoleSchemas } from './consoleSchemas.ts';
import { readOnlyQuery } from './readOnlyQuery.ts';

let warehouse: Warehouse;
let cleanup: () => void;

beforeAll(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  warehouse = await openTestWarehouse(tmp.dir);
  const file = writeFile(
    tmp.dir,
    'p.csv',
    'order_id,customer_id,order_date,amount\nO1,C1,2024-01-01,10\nO2,C2,2024-01-02,20.5\nO3,C1,2024-02-01,7\n',
  );
  await ingest(warehouse, [{ section: 'purchases', file }]);
  await warehouse.writeEngine(({ connection }) => prepareConsoleSchemas(connection));
});
afterAll(() => {
  warehouse.close();
  cleanup();
});

const refusal = (sql: string) =>
  readOnlyQuery(warehouse, sql).then(
    () => null,
    (e: unknown) => e as QueryError,
  );

describe('readOnlyQuery', () => {
  it('runs a SELECT and returns typed columns with JSON-safe values', async () => {
    const result = await readOnlyQuery(
      warehouse,
      'SELECT customer_id, count(*) AS orders, sum(amount) AS revenue FROM purchases GROUP BY 1 ORDER BY 1',
    );
    expect(result.columns).toEqual([
      { name: 'customer_id', type: 'VARCHAR' },
      { name: 'orders', type: 'BIGINT' },
      { name: 'revenue', type: 'DOUBLE' },
    ]);
    expect(result.rows).toEqual([
      ['C1', 2, 17],
      ['C2', 1, 20.5],
    ]);
    expect(result.truncated).toBe(false);
  });

  it('caps the rows and says so', async () => {
    const result = await readOnlyQuery(warehouse, 'SELECT * FROM range(100)', { rowCap: 10 });
    expect(result.rows).toHaveLength(10);
    expect(result.truncated).toBe(true);
  });

  it.each([
    'DESCRIBE purchases',
    'SUMMARIZE purchases',
    'SHOW TABLES',
    'EXPLAIN SELECT 1',
    'WITH x AS (SELECT 1 AS a) SELECT a FROM x',
  ])('allows %s', async (sql) => {
    const result = await readOnlyQuery(warehouse, sql);
    expect(result.columns.length).toBeGreaterThan(0);
  });

  it.each([
    ['DELETE FROM purchases', /DELETE statement/],
    ['INSERT INTO purchases SELECT * FROM purchases', /INSERT statement/],
    ['CREATE TABLE x (a INT)', /CREATE statement/],
    ['SET threads = 1', /SET statement/],
    ['SELECT 1; DROP TABLE purchases', /one statement at a time/],
  ])('refuses %s', async (sql, reason) => {
    const before = await snapshot(warehouse);
    const error = await refusal(sql);
    expect(error).toBeInstanceOf(QueryError);
    expect(error?.kind).toBe('refused');
    expect(error?.message).toMatch(reason);
    expect(await snapshot(warehouse)).toEqual(before);
  });

  it('gives DuckDB’s message and the position of a syntax error', async () => {
    const sql = 'SELECT customer_id,\n  count(* AS n FROM purchases';
    const error = await refusal(sql);
    expect(error?.kind).toBe('syntax');
    expect(error?.message).toMatch(/Parser Error/);
    expect(error?.position).not.toBeNull();
    expect(sql.slice(error?.position ?? 0)).toMatch(/^(AS|n|FROM)/);
  });

  it('reports an unknown column with DuckDB’s hint', async () => {
    const error = await refusal('SELECT amout FROM purchases');
    expect(error?.kind).toBe('runtime');
    expect(error?.message).toMatch(/amout/);
    expect(error?.position).toBe(7);
  });

  it('stops a query at the timeout and keeps serving', async () => {
    const started = Date.now();
    const error = await readOnlyQuery(
      warehouse,
      'SELECT count(*) FROM range(100000000) a, range(100000000) b',
      { timeoutMs: 300 },
    ).then(
      () => null,
      (e: unknown) => e as QueryError,
    );
    expect(error?.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await readOnlyQuery(warehouse, 'SELECT 42 AS answer')).rows).toEqual([[42]]);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryError } from '../errors.ts';
import { ingest } from '../ingest/ingest.ts';
import { openTestWarehouse, type Snapshot, snapshot, tempDir, writeFile } from '../testing/fixtures.ts';
import type { Warehouse } from '../Warehouse.ts';
import { readOnlyQuery } from './readOnlyQuery.ts';
import { secureForConsole } from './secureForConsole.ts';

/**
 * Queries an attacker (or a careless analyst) might type into the SQL console. Each must be refused
 * or stopped; the database must be unchanged, nothing written outside it, and the next query served.
 */
let warehouse: Warehouse;
let dir: string;
let cleanup: () => void;
let before: Snapshot;
const SECRET = 'top-secret-line';

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('retain-hostile-'));
  warehouse = await openTestWarehouse(dir);
  const customers = writeFile(
    dir,
    'c.csv',
    'customer_id,name,email,phone\nC1,Ann Example,ann@example.com,+30 1\n',
  );
  const purchases = writeFile(dir, 'p.csv', 'order_id,customer_id,order_date,amount\nO1,C1,2024-01-01,10\n');
  await ingest(warehouse, [
    { section: 'customers', file: customers },
    { section: 'purchases', file: purchases },
  ]);
  writeFile(dir, 'secret.csv', `a\n${SECRET}\n`);
  await secureForConsole(warehouse, { allowedDirectories: [path.join(dir, 'uploads')], memoryLimit: '2GB' });
  before = await snapshot(warehouse);
});
afterAll(() => {
  warehouse.close();
  cleanup();
});

const secret = () => path.join(dir, 'secret.csv');
const outside = (name: string) => path.join(dir, name);

const REFUSED: Array<[string, () => string]> = [
  // Reading local files, by every door DuckDB has.
  ['read_csv', () => `SELECT * FROM read_csv('${secret()}')`],
  ['read_csv_auto', () => `SELECT * FROM read_csv_auto('${secret()}')`],
  ['read_csv of a list', () => `SELECT * FROM read_csv(['${secret()}', '/etc/hosts'])`],
  ['read_parquet', () => `SELECT * FROM read_parquet('${outside('x.parquet')}')`],
  ['parquet_scan', () => `SELECT * FROM parquet_scan('${outside('x.parquet')}')`],
  ['read_json', () => `SELECT * FROM read_json('${secret()}')`],
  ['read_text', () => `SELECT * FROM read_text('${secret()}')`],
  ['read_blob', () => `SELECT * FROM read_blob('/etc/passwd')`],
  ['glob', () => `SELECT * FROM glob('${dir}/*')`],
  ['sniff_csv', () => `SELECT * FROM sniff_csv('${secret()}')`],
  ['a file named as a table', () => `SELECT * FROM '/etc/passwd'`],
  ['FROM-first file', () => `FROM '${secret()}'`],
  ['the database file itself', () => `SELECT * FROM '${path.join(dir, 'test.duckdb')}'`],
  ['a file in a subquery', () => `SELECT (SELECT count(*) FROM '${secret()}') AS n`],
  ['a file in a CTE', () => `WITH x AS (SELECT * FROM read_csv('${secret()}')) SELECT * FROM x`],
  [
    'a file in a lambda subquery',
    () => `SELECT list_transform([1], x -> (SELECT count(*) FROM read_text('${secret()}')))`,
  ],
  // Writing or exporting.
  ['COPY TO a file', () => `COPY purchases TO '${outside('leak.csv')}'`],
  ['COPY a query to parquet', () => `COPY (SELECT 1) TO '${outside('leak.parquet')}' (FORMAT parquet)`],
  ['EXPORT DATABASE', () => `EXPORT DATABASE '${outside('dump')}'`],
  ['ATTACH another file', () => `ATTACH '${outside('other.duckdb')}' AS other`],
  ['ATTACH memory', () => `ATTACH ':memory:' AS scratch`],
  ['DETACH', () => 'DETACH scratch'],
  ['INSTALL', () => 'INSTALL httpfs'],
  ['LOAD', () => 'LOAD httpfs'],
  ['SET external access', () => 'SET enable_external_access = true'],
  ['RESET', () => 'RESET enable_external_access'],
  ['SET memory', () => "SET memory_limit = '100GB'"],
  ['PRAGMA', () => 'PRAGMA enable_profiling'],
  ['CREATE TABLE', () => 'CREATE TABLE x AS SELECT 1 AS a'],
  ['CREATE VIEW', () => 'CREATE VIEW v AS SELECT 1 AS a'],
  ['CREATE MACRO', () => 'CREATE MACRO m(a) AS a + 1'],
  ['INSERT', () => 'INSERT INTO purchases SELECT * FROM purchases'],
  ['UPDATE', () => 'UPDATE purchases SET amount = 0'],
  ['DELETE', () => 'DELETE FROM purchases'],
  ['DROP', () => 'DROP TABLE purchases'],
  ['ALTER', () => 'ALTER TABLE purchases RENAME TO gone'],
  ['CALL', () => 'CALL pragma_version()'],
  ['CHECKPOINT', () => 'CHECKPOINT'],
  ['BEGIN', () => 'BEGIN TRANSACTION'],
  ['USE', () => 'USE main'],
  ['VACUUM', () => 'VACUUM'],
  ['dynamic PIVOT (creates a type)', () => 'PIVOT purchases ON customer_id USING sum(amount)'],
  // More than one statement, however hidden.
  ['two statements', () => 'SELECT 1; DROP TABLE purchases'],
  ['two reads', () => 'SELECT 1; SELECT 2'],
  ['a write behind a comment', () => '/* just a select */ DROP TABLE purchases'],
  ['a statement after a line comment', () => 'SELECT 1 -- harmless\n; DELETE FROM purchases'],
  [
    'a semicolon inside a comment, then another statement',
    () => 'SELECT 1 /*; DROP TABLE purchases */ ; DELETE FROM purchases',
  ],
  [
    'a semicolon inside a string, then another statement',
    () => "SELECT ';DROP TABLE purchases' AS s; DROP TABLE purchases",
  ],
  ['dollar-quoted string tricks', () => 'SELECT $$;$$ AS s; DROP TABLE purchases'],
  // Functions that run SQL or read the machine.
  ['query()', () => "SELECT * FROM query('DROP TABLE purchases')"],
  ['query_table()', () => "SELECT * FROM query_table('purchases')"],
  ['getenv()', () => "SELECT getenv('HOME')"],
  ['current_setting()', () => "SELECT current_setting('allowed_directories')"],
  ['duckdb_secrets()', () => 'SELECT * FROM duckdb_secrets()'],
  ['duckdb_settings()', () => 'SELECT * FROM duckdb_settings()'],
  // Around the console's views.
  ['the warehouse table behind the view', () => 'SELECT name FROM main.customers'],
  ['an internal table', () => 'SELECT * FROM meta'],
  ['the full view from a masked session', () => 'SELECT name FROM console_full.customers'],
  ['another catalog', () => 'SELECT * FROM system.main.duckdb_tables'],
];

const BOMBS: Array<[string, string]> = [
  ['a huge cross join', 'SELECT count(*) FROM range(1000000000) a, range(1000000000) b'],
  [
    'an endless recursive CTE',
    'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t',
  ],
  ['ten billion rows', 'SELECT sum(x) FROM range(10000000000) t(x)'],
  ['a sort of a billion rows', 'SELECT x FROM range(1000000000) t(x) ORDER BY random() LIMIT 1'],
];

async function outcome(sql: string, timeoutMs = 2_000): Promise<QueryError | null> {
  return readOnlyQuery(warehouse, sql, { access: 'masked', timeoutMs }).then(
    () => null,
    (e: unknown) => (e instanceof QueryError ? e : new QueryError('runtime', String(e))),
  );
}

async function stillServing(): Promise<void> {
  expect((await readOnlyQuery(warehouse, 'SELECT 42 AS answer', { access: 'masked' })).rows).toEqual([[42]]);
  expect(await snapshot(warehouse)).toEqual(before);
}

describe(`the SQL console refuses ${REFUSED.length} hostile queries and stops ${BOMBS.length} resource bombs`, () => {
  it('has at least 40 hostile queries', () => {
    expect(REFUSED.length + BOMBS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(REFUSED)('refuses %s', async (_name, sql) => {
    const error = await outcome(sql());
    expect(error, 'the query ran').toBeInstanceOf(QueryError);
    expect(error?.message).not.toContain(SECRET);
    await stillServing();
  });

  it.each(BOMBS)('stops %s at the timeout', async (_name, sql) => {
    const started = Date.now();
    const error = await outcome(sql, 1_500);
    expect(error?.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(15_000);
    await stillServing();
  });

  it('wrote no file outside the database', () => {
    for (const name of ['leak.csv', 'leak.parquet', 'dump', 'other.duckdb'])
      expect(fs.existsSync(outside(name))).toBe(false);
  });

  it('leaves personal fields out of the masked console but keeps the rest', async () => {
    const result = await readOnlyQuery(warehouse, 'SELECT * FROM customers', { access: 'masked' });
    expect(result.columns.map((c) => c.name)).not.toEqual(expect.arrayContaining(['name']));
    expect(result.rows[0]?.[0]).toBe('C1');
    expect(JSON.stringify(result.rows)).not.toMatch(/Ann Example|ann@example.com/);
    const full = await readOnlyQuery(warehouse, 'SELECT name FROM customers', { access: 'full' });
    expect(full.rows).toEqual([['Ann Example']]);
  });
});

import path from 'node:path';
import { tempDir, writeFile } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRetain } from '../testing/runRetain.ts';

describe('retain query', () => {
  let cleanup: () => void;
  let db: string;
  beforeAll(() => {
    const tmp = tempDir('retain-cli-query-');
    cleanup = tmp.cleanup;
    db = path.join(tmp.dir, 'q.duckdb');
    const file = writeFile(
      tmp.dir,
      'p.csv',
      'order_id,customer_id,order_date,amount,product\nO1,C1,2024-01-01,10,"=cmd|x"\nO2,C2,2024-01-02,5,"a, b"\n',
    );
    expect(runRetain(['ingest', '--db', db, '--purchases', file]).code).toBe(0);
  });
  afterAll(() => cleanup());

  it('prints JSON rows', () => {
    const result = runRetain([
      'query',
      '--db',
      db,
      'SELECT customer_id, amount FROM purchases ORDER BY 1',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      columns: [
        { name: 'customer_id', type: 'VARCHAR' },
        { name: 'amount', type: 'DOUBLE' },
      ],
      rows: [
        ['C1', 10],
        ['C2', 5],
      ],
      truncated: false,
    });
  });

  it('prints safe CSV', () => {
    const result = runRetain([
      'query',
      '--db',
      db,
      'SELECT order_id, product FROM purchases ORDER BY 1',
      '--csv',
    ]);
    expect(result.stdout).toBe('order_id,product\r\nO1,\'=cmd|x\r\nO2,"a, b"\r\n');
  });

  it('refuses a write with exit code 2 and leaves the data alone', () => {
    const result = runRetain(['query', '--db', db, 'DELETE FROM purchases']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DELETE statement');
    expect(
      JSON.parse(runRetain(['query', '--db', db, 'SELECT count(*) AS n FROM purchases', '--json']).stdout)
        .rows,
    ).toEqual([[2]]);
  });

  it('audits every query it ran or refused, with its text, rows and outcome', () => {
    const audit = runRetain(['audit', '--db', db, '--action', 'sql', '--json']);
    expect(audit.code, audit.stderr).toBe(0);
    const entries = (JSON.parse(audit.stdout) as { detail: Record<string, unknown> }[]).map((e) => e.detail);
    expect(entries[0]).toMatchObject({ via: 'cli', sql: 'SELECT count(*) AS n FROM purchases', rows: 1 });
    expect(entries[1]).toMatchObject({
      via: 'cli',
      sql: 'DELETE FROM purchases',
      rows: 0,
      outcome: 'refused',
    });
    expect(entries).toHaveLength(4);
    const [load] = JSON.parse(runRetain(['audit', '--db', db, '--action', 'ingest', '--json']).stdout) as {
      detail: Record<string, unknown>;
    }[];
    expect(load?.detail).toMatchObject({ via: 'cli', dataVersion: 1, inserted: { purchases: 2 } });
  });

  it('refuses a read of the users table hidden behind a CTE of the same name, printing no hash', () => {
    expect(
      runRetain(['users', 'add', 'ops', '--role', 'admin', '--db', db], {}, 'a long passphrase\n').code,
    ).toBe(0);
    const result = runRetain([
      'query',
      '--db',
      db,
      '--json',
      'SELECT * FROM (WITH users AS (SELECT 1 AS x) SELECT * FROM users) a, users',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/There is no table "users"|does not offer \(users\)/);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/scrypt|password_hash.*\$/);
  });
});

describe('retain query --engine, before any cluster answers', () => {
  let cleanup: () => void;
  let db: string;
  /** Nothing listens on port 1 of the loopback: a cluster that cannot be reached. */
  const engine = 'trino://analyst@127.0.0.1:1/lake/sales';
  beforeAll(() => {
    const tmp = tempDir('retain-cli-query-engine-');
    cleanup = tmp.cleanup;
    db = path.join(tmp.dir, 'q.duckdb');
    const file = writeFile(tmp.dir, 'p.csv', 'order_id,customer_id,order_date,amount\nO1,C1,2024-01-01,10\n');
    expect(runRetain(['ingest', '--db', db, '--purchases', file]).code).toBe(0);
  });
  afterAll(() => cleanup());

  it('refuses more than one statement, or one that is not a query, with exit code 2', () => {
    const two = runRetain(['query', '--db', db, '--engine', engine, 'SELECT 1; DROP TABLE purchases']);
    expect(two.code).toBe(2);
    expect(two.stderr.trim()).toBe('error: Run one statement at a time (found 2).');
    const write = runRetain(['query', '--db', db, '--engine', engine, 'INSERT INTO purchases VALUES (1)']);
    expect(write.code).toBe(2);
    expect(write.stderr.trim()).toBe(
      'error: Only queries can run on an engine (SELECT, WITH, VALUES, TABLE); this statement starts with INSERT.',
    );
  });

  it('names --engine for a URL it cannot use (exit code 2), and the engine when it cannot be reached (1)', () => {
    const bad = runRetain(['query', '--db', db, '--engine', 'trino://nobody', 'SELECT 1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --engine: trino:\/\/nobody is not a Trino engine URL/);
    const down = runRetain(['query', '--db', db, '--engine', engine, 'SELECT 1']);
    expect(down.code).toBe(1);
    expect(down.stderr.trim().split('\n')).toEqual([
      "error: Trino at 127.0.0.1:1 cannot be reached (ECONNREFUSED): is the cluster running, and is this the coordinator's address?",
    ]);
  });

  it('takes RETAIN_ENGINE when no --engine is given', () => {
    const result = runRetain(['query', '--db', db, 'SELECT 1'], { RETAIN_ENGINE: engine });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Trino at 127\.0\.0\.1:1 cannot be reached/);
  });
});

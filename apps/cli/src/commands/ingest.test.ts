import path from 'node:path';
import { tempDir, writeFile } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRetain } from '../testing/runRetain.ts';

describe('retain ingest', () => {
  let dir: string;
  let cleanup: () => void;
  let db: string;
  beforeAll(() => {
    ({ dir, cleanup } = tempDir('retain-cli-'));
    db = path.join(dir, 'cli.duckdb');
  });
  afterAll(() => cleanup());

  it('loads canonical files and prints the JSON summary', () => {
    const file = writeFile(
      dir,
      'p.csv',
      'order_id,customer_id,order_date,amount\nO1,C1,2024-01-01,10\nO2,C1,2024-02-01,12\n',
    );
    const result = runRetain(['ingest', '--db', db, '--purchases', file, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.purchases).toMatchObject({ rows: 2, inserted: 2, duplicates: 0, skipped: 0 });
    for (const section of ['complaints', 'returns', 'customers']) {
      expect(summary[section]).toMatchObject({ rows: 0, inserted: 0, duplicates: 0 });
    }
    expect(summary.dataVersion).toBe(1);
  });

  it('prints a readable table on a terminal-less run without --json', () => {
    const file = writeFile(dir, 'p2.csv', 'order_id,customer_id,order_date,amount\nO3,C2,2024-03-01,7\n');
    const result = runRetain(['ingest', '--db', db, '--purchases', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/purchases\s+1\s+1\s+0\s+0\s+0/);
    expect(result.stdout).toContain('data version 2');
  });

  it('exits 2 naming file, line, column, value and reason, and writes nothing', () => {
    const file = writeFile(
      dir,
      'bad.csv',
      'order_id,customer_id,order_date,amount\nO9,C1,2024-01-01,1\nO10,C1,2024-13-45,2\n',
    );
    const result = runRetain(['ingest', '--db', db, '--purchases', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('1 problem in 1 file; nothing was loaded.');
    expect(result.stderr).toContain('bad.csv:3  column "order_date" = "2024-13-45": not an ISO 8601 date');
    const info = JSON.parse(runRetain(['info', '--db', db, '--json']).stdout);
    expect(info.purchases.rows).toBe(3);
    expect(info.dataVersion).toBe(2);
  });

  it('with --json also prints the problems as JSON', () => {
    const file = writeFile(dir, 'bad2.csv', 'order_id,customer_id,order_date,amount\nO11,,2024-01-01,1\n');
    const result = runRetain(['ingest', '--db', db, '--purchases', file, '--json']);
    expect(result.code).toBe(2);
    const body = JSON.parse(result.stdout);
    expect(body.error.total).toBe(1);
    expect(body.error.issues[0]).toMatchObject({
      line: 2,
      column: 'customer_id',
      reason: 'required value is empty',
    });
  });

  it('refuses a missing file and a missing option with exit code 2', () => {
    expect(runRetain(['ingest', '--db', db, '--purchases', path.join(dir, 'nope.csv')]).code).toBe(2);
    const none = runRetain(['ingest', '--db', db]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('nothing to load');
  });
});

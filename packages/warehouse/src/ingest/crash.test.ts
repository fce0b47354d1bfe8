import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../query/sql.ts';
import { openTestWarehouse, snapshot, tempDir, writeFile } from '../testing/fixtures.ts';
import { Warehouse } from '../Warehouse.ts';
import { ingest } from './ingest.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '../testing/ingestChild.ts');
const LINES = 3_000_000;

function runChild(
  db: string,
  file: string,
  killWhenLoading: boolean,
): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db, file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // Let the load run a moment so that part of it has reached the database file.
      if (killWhenLoading && out.includes('loading')) setTimeout(() => child.kill('SIGKILL'), 1200);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

describe('a load killed with SIGKILL half way', () => {
  let dir: string;
  let cleanup: () => void;
  let db: string;
  let big: string;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('retain-crash-'));
    db = path.join(dir, 'crash.duckdb');
    big = path.join(dir, 'big.csv');
    const warehouse = await openTestWarehouse(dir, 'crash.duckdb');
    const seed = writeFile(
      dir,
      'seed.csv',
      'order_id,customer_id,order_date,amount\nS1,C1,2024-01-01,5\nS2,C2,2024-01-02,6\n',
    );
    await ingest(warehouse, [{ section: 'purchases', file: seed }]);
    await warehouse.write((db) =>
      db.run(
        sql.raw(`COPY (SELECT 'O' || i AS order_id, 'C' || (i % 50000) AS customer_id,
          TIMESTAMP '2022-01-01' + to_seconds(i * 7) AS order_date, (i % 997) / 10 AS amount,
          'product ' || (i % 3000) AS product
        FROM range(${LINES}) t(i)) TO '${big}' (HEADER)`),
      ),
    );
    warehouse.close();
  }, 120_000);
  afterAll(() => cleanup());

  it('leaves a database that opens, holds none of that load, and takes the load again', async () => {
    const before = await Warehouse.open(db).then(async (w) => {
      const s = await snapshot(w);
      w.close();
      return s;
    });
    const killed = await runChild(db, big, true);
    expect(killed.signal, killed.out).toBe('SIGKILL');
    expect(killed.out).not.toContain('done');

    const reopened = await Warehouse.open(db);
    expect(await snapshot(reopened)).toEqual(before);
    reopened.close();

    const rerun = await runChild(db, big, false);
    expect(rerun.code, rerun.out).toBe(0);
    const after = await Warehouse.open(db);
    expect(await snapshot(after)).toEqual({
      ...before,
      purchases: before.purchases + LINES,
      dataVersion: before.dataVersion + 1,
    });
    after.close();
  }, 180_000);
});

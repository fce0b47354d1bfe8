import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScoredCustomers } from './testing/index.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing/exportChild.ts');
const CUSTOMERS = 500_000;
const CONSENTING = 450_000; // every tenth customer has no consent

function runChild(db: string, out: string, killAfterReports: number | null) {
  return new Promise<{ code: number | null; signal: string | null; out: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db, out], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const reports = text.match(/^progress /gm)?.length ?? 0;
      if (killAfterReports !== null && reports >= killAfterReports) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, out: text.slice(-2000) }));
  });
}

describe('an export killed with SIGKILL half way', () => {
  let dir: string;
  let cleanup: () => void;
  let db: string;
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('retain-outreach-crash-'));
    db = path.join(dir, 'crash.duckdb');
    const warehouse = await openTestWarehouse(dir, 'crash.duckdb');
    await generateScoredCustomers(warehouse, CUSTOMERS);
    warehouse.close();
  }, 120_000);
  afterAll(() => cleanup());

  it('leaves no file under the final name, and the next export writes it whole', async () => {
    const file = path.join(dir, 'calls.csv');
    const killed = await runChild(db, file, 3); // half a second into DuckDB's COPY
    expect(killed.signal, killed.out).toBe('SIGKILL');
    expect(killed.out).not.toContain('done');
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(dir).some((f) => f.endsWith('.partial'))).toBe(true); // named as partial

    const rerun = await runChild(db, file, null);
    expect(rerun.code, rerun.out).toBe(0);
    expect(rerun.out).toContain(`done ${CONSENTING}`);
    const lines = fs.readFileSync(file, 'utf8').split('\r\n');
    expect(lines).toHaveLength(CONSENTING + 2); // header, rows, and the empty string after the last CRLF
    expect(lines.at(-2)?.startsWith(`${CONSENTING},`)).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]); // the dead one's too
  }, 180_000);
});

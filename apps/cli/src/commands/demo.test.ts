import fs from 'node:fs';
import path from 'node:path';
import { tempDir, writeFile } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_ERROR, runRetain } from '../testing/runRetain.ts';

interface AuditJson {
  username: string | null;
  action: string;
  detail: Record<string, unknown>;
}

describe('retain demo', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = tempDir('retain-cli-demo-'));
  });
  afterAll(() => cleanup());

  it('--ingest loads the files and records the load in the audit log as demo data', () => {
    const db = path.join(dir, 'demo.duckdb');
    const out = path.join(dir, 'demo');
    const result = runRetain([
      'demo',
      '--out',
      out,
      '--customers',
      '200',
      '--seed',
      '7',
      '--ingest',
      '--db',
      db,
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    const audit = runRetain(['audit', '--db', db, '--action', 'ingest', '--json']);
    expect(audit.code, audit.stderr).toBe(0);
    const entries = JSON.parse(audit.stdout) as AuditJson[];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      username: null,
      action: 'ingest',
      detail: {
        via: 'cli',
        command: 'demo --ingest',
        demo: { customers: 200, seed: 7, start: summary.start, end: summary.end },
        dataVersion: summary.ingest.dataVersion,
        inserted: { purchases: summary.ingest.purchases.inserted, customers: 200 },
        files: ['customers', 'purchases', 'complaints', 'returns'].map((section) => ({
          section,
          name: path.join(out, `${section}.csv`),
        })),
      },
    });
    expect(entries[0]?.detail).toHaveProperty('osUser');
  });

  it('exits 2 when --out names a file, or a folder under a file, before writing anything', () => {
    const file = writeFile(dir, 'taken.csv', 'already here\n');
    const cases: Array<[string, string]> = [
      [file, `error: --out ${file} is a file: name a folder`],
      [path.join(file, 'demo'), `error: --out ${path.join(file, 'demo')}: ${file} is a file, not a folder`],
    ];
    for (const [out, message] of cases) {
      const result = runRetain(['demo', '--out', out, '--customers', '50']);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(INTERNAL_ERROR);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('already here\n');
  });
});

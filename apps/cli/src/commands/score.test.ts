import fs from 'node:fs';
import path from 'node:path';
import { tempDir, writeFile } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_ERROR, runRetain } from '../testing/runRetain.ts';

/**
 * `--out` is checked before the database is opened: each case names a database file that must
 * still not exist afterwards, so no work was done. Scoring itself is tested in train.test.ts.
 */
describe('retain score --out that cannot be written', () => {
  let dir: string;
  let cleanup: () => void;
  let db: string;
  beforeAll(() => {
    ({ dir, cleanup } = tempDir('retain-cli-score-out-'));
    db = path.join(dir, 'never-opened.duckdb');
  });
  afterAll(() => cleanup());

  const refused = (out: string, message: string) => {
    const result = runRetain(['score', '--db', db, '--out', out]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`error: ${message}`);
    expect(result.stderr).not.toMatch(INTERNAL_ERROR);
    expect(fs.existsSync(db)).toBe(false);
  };

  it('exits 2 on a folder, naming it, and writes nothing into it', () => {
    const folder = path.join(dir, 'exports.csv');
    fs.mkdirSync(folder);
    refused(folder, `--out ${folder} is a folder: name a file`);
    expect(fs.readdirSync(folder)).toEqual([]);
  });

  it('exits 2 on a file in a folder that does not exist, and creates no folder', () => {
    const missing = path.join(dir, 'no-such-folder');
    const out = path.join(missing, 'scores.csv');
    refused(out, `--out ${out}: the folder ${missing} does not exist`);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('exits 2 on a path through a file, and on a relative path resolves it in the message', () => {
    const file = writeFile(dir, 'notes.txt', 'not a folder');
    refused(
      path.join(file, 'scores.parquet'),
      `--out ${path.join(file, 'scores.parquet')}: ${file} is not a folder`,
    );
    const relative = path.join('no-such-folder-either', 'scores.csv');
    refused(relative, `--out ${path.resolve(relative)}: the folder ${path.resolve('no-such-folder-either')}`);
  });

  it('exits 2 on a file name that is neither .csv nor .parquet, naming it', () => {
    const out = path.join(dir, 'scores.xlsx');
    refused(out, `--out ${out} must end in .csv or .parquet`);
    expect(fs.existsSync(out)).toBe(false);
  });
});

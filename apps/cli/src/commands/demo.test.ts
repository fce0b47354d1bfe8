import fs from 'node:fs';
import path from 'node:path';
import { tempDir, writeFile } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_ERROR, runRetain } from '../testing/runRetain.ts';

describe('retain demo', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = tempDir('retain-cli-demo-'));
  });
  afterAll(() => cleanup());

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

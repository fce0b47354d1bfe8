import path from 'node:path';
import { tempDir, writeFile } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsFixture } from '../testing/analyticsFixture.ts';
import { runRetain } from '../testing/runRetain.ts';

let db: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ db, cleanup } = await analyticsFixture());
});
afterAll(() => cleanup?.());

describe('retain info', () => {
  it('says which currency amounts are in and where that comes from', () => {
    const plain = runRetain(['info', '--db', db], { RETAIN_CURRENCY: '' });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/^Currency {6}USD \(the default; set RETAIN_CURRENCY to change it\)$/m);

    const set = runRetain(['info', '--db', db, '--json'], { RETAIN_CURRENCY: 'eur' });
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout).currency).toEqual({ code: 'EUR', source: 'setting' });
  });

  it('refuses a currency that is not an ISO 4217 code, naming the variable', () => {
    const result = runRetain(['info', '--db', db], { RETAIN_CURRENCY: 'euro' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('RETAIN_CURRENCY: "euro" is not an ISO 4217 currency code');
  });

  it('reports the currency a load named with --currency, and refuses one that is not a code', () => {
    const tmp = tempDir('retain-cli-currency-');
    try {
      const file = writeFile(
        tmp.dir,
        'p.csv',
        'order_id,customer_id,order_date,amount\nO1,C1,2024-01-01,10\n',
      );
      const loadDb = path.join(tmp.dir, 'c.duckdb');
      const refused = runRetain(['ingest', '--db', loadDb, '--purchases', file, '--currency', 'euro']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/--currency must be an ISO 4217 code/);
      const loaded = runRetain(['ingest', '--db', loadDb, '--purchases', file, '--currency', 'eur']);
      expect(loaded.code, loaded.stderr).toBe(0);
      const info = runRetain(['info', '--db', loadDb, '--json'], { RETAIN_CURRENCY: '' });
      expect(JSON.parse(info.stdout).currency).toEqual({ code: 'EUR', source: 'data' });
    } finally {
      tmp.cleanup();
    }
  });
});

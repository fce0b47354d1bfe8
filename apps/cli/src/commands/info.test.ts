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
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsFixture } from '../testing/analyticsFixture.ts';
import { runRetain } from '../testing/runRetain.ts';

let db: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ db, cleanup } = await analyticsFixture());
});
afterAll(() => cleanup?.());

describe('retain repeat', () => {
  it('prints overall and per-cohort repeat rates as JSON', () => {
    const result = runRetain(['repeat', '--db', db, '--within', '31', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const repeat = JSON.parse(result.stdout);
    // C3 (2024-02-10) is less than 31 days before the end; C1 came back after 31 days, C2 never.
    expect(repeat.overall).toEqual({ customers: 2, repeaters: 1, rate: 0.5, tooRecent: 1 });
    expect(repeat.cohorts.map((c: { cohort: string }) => c.cohort)).toEqual(['2024-01', '2024-02']);
  });
});

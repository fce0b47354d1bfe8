import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsFixture } from '../testing/analyticsFixture.ts';
import { runRetain } from '../testing/runRetain.ts';

let db: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ db, cleanup } = await analyticsFixture());
});
afterAll(() => cleanup?.());

describe('retain cohorts', () => {
  it('prints the matrix as JSON in the documented shape', () => {
    const result = runRetain(['cohorts', '--db', db, '--period', 'month', '--metric', 'customers', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const matrix = JSON.parse(result.stdout);
    expect(matrix).toMatchObject({ period: 'month', metric: 'customers', mode: 'on', dataEnd: '2024-03-10' });
    // January: C1 (again in February) and C2; February: C3 (again in March, not yet over).
    expect(matrix.cohorts).toMatchObject([
      { cohort: '2024-01', size: 2, values: [1, 0.5, 0], complete: [true, true, false] },
      { cohort: '2024-02', size: 1, values: [1, 1], complete: [true, false] },
    ]);
    expect(matrix.cohorts[0].low).toHaveLength(3);
  });

  it('prints one CSV row per cell, filtered by first-order channel', () => {
    const result = runRetain([
      'cohorts',
      '--db',
      db,
      '--metric',
      'revenue',
      '--net',
      '--channel',
      'web',
      '--csv',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\r\n')).toEqual([
      'cohort,size,small,offset,value,complete,count,base,low,high',
      // C1: 100 in January, 50 in February less the 20 returned.
      '2024-01,1,true,0,1,true,100,1,,',
      '2024-01,1,true,1,0.3,true,30,1,,',
      '2024-01,1,true,2,0,false,0,1,,',
      '2024-02,1,true,0,1,true,40,1,,',
      '2024-02,1,true,1,1,false,40,1,,',
      '',
    ]);
  });

  it('prints a table marking cells still in progress, and exits 2 on a bad flag', () => {
    const table = runRetain(['cohorts', '--db', db, '--by', 'channel']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('Monthly cohorts by channel');
    // Web: C1 (January) and C3 (February); offset 2 is observed so far only for C1.
    expect(table.stdout).toMatch(/web\s+2\*\s+100\.0%\s+100\.0%\s+0\.0%~/);
    const bad = runRetain(['cohorts', '--db', db, '--period', 'year']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--period');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsFixture } from '../testing/analyticsFixture.ts';
import { INTERNAL_ERROR, runRetain } from '../testing/runRetain.ts';

// Three customers, January to March 2024 (data ends 2024-03-10): every cohort is small, so every
// forecast borrows the pooled level. The figures are tested in packages/analytics.
let db: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ db, cleanup } = await analyticsFixture());
});
afterAll(() => cleanup?.());

describe('retain cohorts --forecast', () => {
  it('keeps the matrix and adds cells with kinds and 80 % intervals, up to --through', () => {
    const plain = JSON.parse(runRetain(['cohorts', '--db', db, '--json']).stdout);
    const result = runRetain(['cohorts', '--db', db, '--forecast', '--through', '2024-06-30', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const matrix = JSON.parse(result.stdout);
    expect(matrix.cohorts.map(({ cells, forecastBasis, ...row }: Record<string, unknown>) => row)).toEqual(
      plain.cohorts,
    );
    expect(matrix.forecast).toMatchObject({
      model: 'activity',
      through: '2024-06-30',
      oldestAge: 1,
      horizon: 2,
    });
    // January: months 0 and 1 observed, March (2) under way; the horizon (2) ends it.
    expect(matrix.cohorts[0].cells.map((c: { k: number; kind: string }) => [c.k, c.kind])).toEqual([
      [0, 'observed'],
      [1, 'observed'],
      [2, 'incomplete'],
    ]);
    // February: month 1 (March) under way, month 2 (April) forecast.
    const feb = matrix.cohorts[1];
    expect(feb.forecastBasis).toBe('pooled');
    expect(feb.cells.map((c: { k: number; kind: string }) => [c.k, c.kind])).toEqual([
      [0, 'observed'],
      [1, 'incomplete'],
      [2, 'forecast'],
    ]);
    for (const cell of feb.cells) {
      expect(Object.keys(cell).sort()).toEqual(['k', 'kind', 'lower', 'upper', 'value']);
      expect(cell.lower).toBeLessThanOrEqual(cell.value);
      expect(cell.upper).toBeGreaterThanOrEqual(cell.value);
    }
  });

  it('marks forecasts in their own CSV columns and in brackets in the table', () => {
    const csv = runRetain(['cohorts', '--db', db, '--forecast', '--csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.split('\r\n');
    expect(lines[0]).toBe(
      'cohort,size,small,offset,value,complete,count,base,low,high,kind,forecast,lower80,upper80',
    );
    const april = lines.find((line) => line.startsWith('2024-02,1,true,2,'));
    expect(april).toMatch(/^2024-02,1,true,2,,false,,,,,forecast,0\.\d+,0\.\d+,0\.\d+$/);
    const table = runRetain(['cohorts', '--db', db, '--forecast']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/2024-02\s+1\*ᵖ\s+100\.0%\s+100\.0%~\s+\(\d+\.\d%\)/);
    expect(table.stdout).toContain('forecast to 2025-03-31');
  });

  it('refuses --through without --forecast, before the data ends, or not a date (exit 2, no trace)', () => {
    for (const [args, message] of [
      [['--through', '2024-06-30'], '--through: add --forecast'],
      [['--forecast', '--through', '2024-01-31'], "through 2024-01-31 is before the data's end (2024-03-10)"],
      [['--forecast', '--through', '30/06/2024'], '--through: dates are YYYY-MM-DD'],
    ] as const) {
      const result = runRetain(['cohorts', '--db', db, ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(INTERNAL_ERROR);
      expect(result.stdout).toBe('');
    }
  });
});

describe('retain trend', () => {
  it('--age 1 --period month --json: points with kinds and intervals, the latest against the ones before', () => {
    const result = runRetain(['trend', '--db', db, '--age', '1', '--period', 'month', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const trend = JSON.parse(result.stdout);
    expect(trend).toMatchObject({ period: 'month', age: 1, mode: 'on', dataEnd: '2024-03-10' });
    expect(trend.points.map((p: { cohort: string; kind: string }) => [p.cohort, p.kind])).toEqual([
      ['2024-01', 'observed'],
      ['2024-02', 'incomplete'],
    ]);
    expect(trend.points[1].value).toBeGreaterThanOrEqual(1);
    expect(trend.points[0]).toMatchObject({ cohort: '2024-01', size: 2, value: 0.5 });
    expect(trend.latest).toMatchObject({
      cohort: '2024-01',
      value: 0.5,
      previousMean: null,
      previousCohorts: [],
    });
  });

  it('prints a table and a CSV, and refuses a bad age or period', () => {
    const table = runRetain(['trend', '--db', db]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('Month-1 retention across monthly cohorts');
    expect(table.stdout).toMatch(/2024-01\s+2\s+50\.0%/);
    expect(table.stdout).toContain(
      'Latest complete cohort 2024-01: 50.0% (no earlier cohort to compare with).',
    );
    const csv = runRetain(['trend', '--db', db, '--csv']);
    expect(csv.stdout.split('\r\n')[0]).toBe('cohort,size,age,kind,value,lower80,upper80,trend');
    for (const args of [
      ['--age', 'x'],
      ['--age', '-1'],
      ['--period', 'year'],
    ]) {
      const bad = runRetain(['trend', '--db', db, ...args]);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr).toContain(args[0]);
      expect(bad.stderr).not.toMatch(INTERNAL_ERROR);
    }
  });
});

import path from 'node:path';
import { type CsvValue, csvField, csvLine } from '@retain/schemas';
import { tempDir, writeFile } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRetain } from '../testing/runRetain.ts';

/**
 * `--csv` output of the verbs that print CSV, with text a spreadsheet would run as a formula or
 * that needs quotes: byte for byte what csvLine (csvField per cell) makes of the values the same
 * verb prints with `--json`. Numbers stay numbers.
 */
describe('CSV printed by the CLI', () => {
  let dir: string;
  let cleanup: () => void;
  let db: string;
  /** Channels of the purchases: each first order's channel names a cohort with `--by channel`. */
  const CHANNELS = ['=cmd|x', '+web', '-store', '@app', 'a,b', 'say "hi"', 'two\nlines', 'Zoë'];
  beforeAll(() => {
    ({ dir, cleanup } = tempDir('retain-cli-csv-'));
    db = path.join(dir, 'csv.duckdb');
    const rows: CsvValue[][] = [['order_id', 'customer_id', 'order_date', 'amount', 'channel']];
    CHANNELS.forEach((channel, i) => {
      rows.push([`O${i}a`, `C${i}`, '2024-01-05 10:00:00', 10 + i, channel]);
      rows.push([`O${i}b`, `C${i}`, '2024-02-05 10:00:00', 5, channel]);
    });
    const file = writeFile(dir, 'purchases.csv', rows.map((row) => csvLine(row, false)).join(''));
    const loaded = runRetain(['ingest', '--db', db, '--purchases', file]);
    expect(loaded.code, loaded.stderr).toBe(0);
  });
  afterAll(() => cleanup());

  it('retain query --csv: hostile names and cells neutralised and quoted, numbers as numbers', () => {
    const sql = `SELECT * FROM (VALUES
        ('+C777', -1.5, '=1+1'),
        (chr(9) || 'tab', 2, 'say "hi", twice'),
        (chr(13) || 'cr', 0.25, 'two' || chr(10) || 'lines'),
        ('@home', -3, '-5551234')
      ) t("=id", amount, note)`;
    const csv = runRetain(['query', '--db', db, '--csv', sql]);
    expect(csv.code, csv.stderr).toBe(0);
    const json = runRetain(['query', '--db', db, '--json', sql]);
    const result = JSON.parse(json.stdout) as { columns: { name: string }[]; rows: CsvValue[][] };
    expect(result.rows.map((row) => row[1])).toEqual([-1.5, 2, 0.25, -3]);
    expect(csv.stdout).toBe(
      csvLine(result.columns.map((c) => c.name)) + result.rows.map((row) => csvLine(row)).join(''),
    );
    expect(csv.stdout).toBe(
      '\'=id,amount,note\r\n\'+C777,-1.5,\'=1+1\r\n\'\ttab,2,"say ""hi"", twice"\r\n' +
        '"\'\rcr",0.25,"two\nlines"\r\n\'@home,-3,\'-5551234\r\n',
    );
    // The audit log says where each run's rows went.
    const audit = JSON.parse(runRetain(['audit', '--db', db, '--action', 'sql', '--json']).stdout);
    expect(audit.slice(0, 2)).toMatchObject([
      { detail: { via: 'cli', sql, rows: 4, output: 'json' } },
      { detail: { via: 'cli', sql, rows: 4, output: 'csv' } },
    ]);
  });

  it('retain cohorts --by channel --csv: cohorts named after hostile values are neutralised', () => {
    const csv = runRetain(['cohorts', '--db', db, '--by', 'channel', '--csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const json = runRetain(['cohorts', '--db', db, '--by', 'channel', '--json']);
    const matrix = JSON.parse(json.stdout) as {
      cohorts: {
        cohort: string;
        size: number;
        small: boolean;
        values: (number | null)[];
        complete: boolean[];
        counts: number[];
        bases: number[];
        low: (number | null)[] | null;
        high: (number | null)[] | null;
      }[];
    };
    expect(matrix.cohorts.map((c) => c.cohort).sort()).toEqual([...CHANNELS].sort());
    const lines = matrix.cohorts.flatMap((c) =>
      c.values.map((value, k) =>
        csvLine([
          c.cohort,
          c.size,
          c.small,
          k,
          value,
          c.complete[k],
          c.counts[k],
          c.bases[k],
          c.low?.[k],
          c.high?.[k],
        ]),
      ),
    );
    expect(csv.stdout).toBe(
      csvLine(['cohort', 'size', 'small', 'offset', 'value', 'complete', 'count', 'base', 'low', 'high']) +
        lines.join(''),
    );
    for (const channel of ['=cmd|x', '+web', '-store', '@app']) {
      expect(csv.stdout).toContain(`\r\n'${channel},1,true,0,1,`);
    }
    expect(csv.stdout).toContain(`\r\n${csvField('two\nlines')},1,true,0,1,`);
  });
});

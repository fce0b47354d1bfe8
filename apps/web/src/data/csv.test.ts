import { csvField } from '@retain/schemas';
import { describe, expect, it } from 'vitest';
import { formatMoney, formatPercent } from '../format.ts';
import { type CohortMatrix, matrixTable } from './cohortSeries.ts';
import { csvNumber, downloadName, tableToCsv } from './csv.ts';
import { numberColumn, tableCsvRows, textColumn } from './table.ts';

/** Text a spreadsheet would run as a formula, or that needs quotes. */
const HOSTILE = [
  '=HYPERLINK("http://evil.example","click")',
  '+C777',
  '-5551234',
  '@SUM(A1)',
  '\tindented',
  '\rreturn',
  'a,b',
  'say "hi"',
  'two\nlines',
  'crlf\r\nline',
  'Zoë 你好',
];

/** The file as the shared writer spells it: BOM, then each line's fields through csvField, CRLF. */
const expectedFile = (lines: readonly (readonly (string | number | null)[])[]) =>
  `\uFEFF${lines.map((line) => `${line.map((v) => csvField(v)).join(',')}\r\n`).join('')}`;

describe('tableToCsv', () => {
  it('writes a BOM, a header and CRLF rows, quoting per RFC 4180', () => {
    const text = tableToCsv(
      ['cohort', 'rate'],
      [
        ['2024-01', 0.25],
        ['a "b", c', null],
      ],
    );
    expect(text).toBe('\uFEFFcohort,rate\r\n2024-01,0.25\r\n"a ""b"", c",\r\n');
  });

  it('neutralises text that a spreadsheet would run as a formula, but not numbers', () => {
    expect(tableToCsv(['x'], [['=1+1'], ['@SUM(A1)'], [-3]])).toBe("\uFEFFx\r\n'=1+1\r\n'@SUM(A1)\r\n-3\r\n");
  });
});

describe('downloads of hostile values', () => {
  it('SQL page: column names and cells neutralised and quoted as csvField does, numbers untouched', () => {
    const names = ['=id', 'name', 'amount'];
    const rows = HOSTILE.map((text, i) => [`+${i}`, text, i % 2 ? -i - 0.5 : i]);
    const text = tableToCsv(names, rows);
    expect(text).toBe(expectedFile([names, ...rows]));
    expect(text).toContain(`\r\n'+1,'+C777,-1.5\r\n`);
    expect(text).toContain(`\r\n'+4,'\tindented,4\r\n`);
    expect(text).toContain(`\r\n'+8,"two\nlines",8\r\n`);
  });

  it('chart tables: text columns neutralised, number columns written as numbers', () => {
    type Row = { label: string; value: number | null };
    const columns = [
      textColumn<Row, 'label'>('label', '@label'),
      numberColumn<Row, 'value'>('value', 'Value', String),
    ];
    const rows: Row[] = HOSTILE.map((label, i) => ({ label, value: i === 0 ? null : -i / 4 }));
    const text = tableToCsv(
      columns.map((c) => c.label),
      tableCsvRows(columns, rows),
    );
    expect(text).toBe(expectedFile([['@label', 'Value'], ...rows.map((r) => [r.label, r.value])]));
    expect(text).toContain(`\r\n'-5551234,-0.5\r\n`);
  });

  it('cohort matrix: cohorts named after hostile attribute values are neutralised', () => {
    const matrix: CohortMatrix = {
      period: 'month',
      by: 'channel',
      metric: 'customers',
      mode: 'on',
      net: false,
      dataEnd: '2024-03-31',
      minCohortSize: 30,
      cohorts: HOSTILE.map((cohort, i) => ({
        cohort,
        size: i + 1,
        small: true,
        values: [1, 0.25],
        complete: [true, true],
        counts: [i + 1, 0],
        bases: [i + 1, i + 1],
        low: null,
        high: null,
      })),
    };
    const table = matrixTable(matrix);
    expect(tableToCsv(table.columns, table.rows)).toBe(expectedFile([table.columns, ...table.rows]));
  });
});

describe('numbers in chart CSVs', () => {
  it('are rounded as the table shows them, the way the formatters round', () => {
    expect(csvNumber(0.12345678901234566, 3)).toBe(0.123);
    expect(csvNumber(0.1235, 3)).toBe(0.124);
    expect(csvNumber(-0.0001, 3)).toBe(0);
    expect(csvNumber(8918.4999, 0)).toBe(8918);
    expect(csvNumber(1234.5678, 2)).toBe(1234.57);
    type Row = { rate: number; revenue: number };
    const columns = [
      numberColumn<Row, 'rate'>('rate', 'Rate', formatPercent),
      numberColumn<Row, 'revenue'>('revenue', 'Revenue', formatMoney),
    ];
    const rows = [{ rate: 0.30000000000000004, revenue: 12345.678 }];
    expect(tableCsvRows(columns, rows)).toEqual([[0.3, 12346]]);
    expect(tableToCsv(['Rate', 'Revenue'], tableCsvRows(columns, rows))).toBe(
      '\uFEFFRate,Revenue\r\n0.3,12346\r\n',
    );
  });
});

describe('downloadName', () => {
  it('turns a title into a safe file name', () => {
    expect(downloadName('Retention by cohort (Zoë)', 'csv')).toBe('retention-by-cohort-zoe.csv');
    expect(downloadName('***', 'png')).toBe('retain.png');
  });
});

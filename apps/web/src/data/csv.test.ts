import { describe, expect, it } from 'vitest';
import { downloadName, tableToCsv } from './csv.ts';

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

describe('downloadName', () => {
  it('turns a title into a safe file name', () => {
    expect(downloadName('Retention by cohort (Zoë)', 'csv')).toBe('retention-by-cohort-zoe.csv');
    expect(downloadName('***', 'png')).toBe('retain.png');
  });
});

import type { IngestIssue, LoadError } from '@retain/schemas';
import { describe, expect, it } from 'vitest';
import { describeLoadError, loadErrorOf } from './loadErrors.ts';

/** A failed tRPC call as the client gets it. */
const failed = (load: Partial<LoadError> | null, issues: IngestIssue[] = []) => ({
  message: 'the server’s own words',
  data: {
    code: 'BAD_REQUEST',
    load: load && { code: 'other', field: null, section: null, file: null, params: {}, total: 0, ...load },
    issues,
  },
});

const ISSUE: IngestIssue = {
  file: 'Bestellungen.csv',
  line: 2,
  lineKind: 'line',
  column: 'Betrag',
  value: '1.234,50',
  reason: 'not a number (digits and a decimal point, e.g. 1234.50)',
  code: 'number',
  field: 'decimalSeparator',
};

describe('describeLoadError', () => {
  it('words problems by file and line, pointing at the page’s controls, once', () => {
    const text = describeLoadError(failed({ code: 'problems', total: 31 }, [ISSUE]), 'x');
    expect(text.summary).toBe('31 problems in Bestellungen.csv (the first 1 below).');
    expect(text.issues).toEqual([
      'Bestellungen.csv, line 2, column Betrag (“1.234,50”): not a number (digits and a decimal point, e.g. 1234.50); choose the Decimal and Thousands separators above',
    ]);
    for (const line of [text.summary, ...text.issues]) {
      expect(line).not.toMatch(/nothing was loaded|mapping file|--|\/tmp|uploads/i);
    }
  });

  it('words errors about the whole file for the page', () => {
    const say = (load: Partial<LoadError>) => describeLoadError(failed(load), 'x').summary;
    expect(
      say({
        code: 'repeatedHeader',
        file: 'orders.csv',
        params: { header: 'Kunde', column: 'customer_id', positions: [2, 5] },
      }),
    ).toBe(
      '“Kunde” appears twice in the header of orders.csv (columns 2 and 5); choose one of them by its column number for customer_id in the mapping table above.',
    );
    expect(say({ code: 'unmappedColumn', file: 'orders.csv', params: { column: 'amount' } })).toBe(
      'orders.csv: choose the column for amount in the mapping table above.',
    );
    expect(say({ code: 'invalidSetting', field: 'dateFormat', file: 'a.csv', params: { value: '%Q' } })).toBe(
      'a.csv: the date format “%Q” cannot be used; choose another Date format above.',
    );
    expect(say({ code: 'notGzip', file: 'a.csv.gz' })).toContain('upload it without .gz');
    expect(
      say({ code: 'loadFailed', params: { files: ['a.csv', 'b.csv'], why: 'implausible purchase values' } }),
    ).toBe(
      'a.csv and b.csv could not be loaded (implausible purchase values), and no single line is to blame.',
    );
  });

  it('falls back to the server’s message for errors it has no words for', () => {
    expect(describeLoadError(failed({ code: 'mapping' }), 'mapping.json: bad').summary).toBe(
      'mapping.json: bad',
    );
    expect(
      describeLoadError(new Error('An upload is gone; upload the file again.'), 'An upload is gone').summary,
    ).toBe('An upload is gone');
    expect(loadErrorOf('nope')).toEqual({ load: null, issues: [] });
  });
});

import type { SourceInspection } from '@retain/schemas';
import { describe, expect, it } from 'vitest';
import {
  choicesLeft,
  dateFormatLabel,
  describeIssue,
  headerIndex,
  headerOptions,
  mappingRows,
  missingRequired,
  numberFormatLabel,
  remapForSection,
  setMapping,
  settingsFromProposal,
} from './columnMapping.ts';

describe('column mapping', () => {
  it('lists the section’s columns, required first, with their headers', () => {
    const rows = mappingRows('returns', { return_id: 'RMA', amount: 'Refund' });
    expect(rows.map((r) => [r.canonical, r.required, r.header])).toEqual([
      ['return_id', true, 'RMA'],
      ['customer_id', true, null],
      ['returned_at', true, null],
      ['amount', true, 'Refund'],
      ['order_id', false, null],
    ]);
    expect(missingRequired('returns', { return_id: 'RMA', amount: 'Refund' })).toEqual([
      'customer_id',
      'returned_at',
    ]);
  });

  it('gives each header to one column only', () => {
    expect(setMapping({ order_id: 'Invoice', amount: 'Total' }, 'customer_id', 'Invoice')).toEqual({
      amount: 'Total',
      customer_id: 'Invoice',
    });
    expect(setMapping({ order_id: 'Invoice' }, 'order_id', null)).toEqual({});
  });

  it('re-maps for another section, keeping what applies', () => {
    expect(
      remapForSection('returns', ['Customer', 'Return ID', 'amount', 'order_id'], {
        customer_id: 'Customer',
        order_date: 'x',
      }),
    ).toEqual({
      customer_id: 'Customer',
      return_id: 'Return ID',
      amount: 'amount',
      order_id: 'order_id',
    });
  });

  it('re-maps with the server’s proposal for the new section', () => {
    expect(
      remapForSection(
        'returns',
        ['Rückgabe', 'Kunde', 'Datum', 'Betrag'],
        { customer_id: 'Kunde', order_date: 'Datum' },
        { return_id: 'Rückgabe', customer_id: 'Kunde', returned_at: 'Datum', amount: 'Betrag' },
      ),
    ).toEqual({ customer_id: 'Kunde', return_id: 'Rückgabe', returned_at: 'Datum', amount: 'Betrag' });
  });

  it('offers a header that appears twice by its column number', () => {
    const headers = ['Beleg', 'Kunde', 'Betrag', 'Kunde'];
    expect(headerOptions(headers)).toEqual([
      { value: 'Beleg', label: 'Beleg' },
      { value: '#2', label: 'Kunde (column 2)' },
      { value: 'Betrag', label: 'Betrag' },
      { value: '#4', label: 'Kunde (column 4)' },
    ]);
    expect(headerIndex(headers, '#4')).toBe(3);
    expect(headerIndex(headers, 'Betrag')).toBe(2);
    expect(headerIndex(headers, null)).toBe(-1);
  });

  it('leaves undecided what the values could not decide, and says what is left to choose', () => {
    const proposal: SourceInspection['proposal'] = {
      section: 'purchases',
      columns: { order_id: 'Beleg', customer_id: 'Kunde', order_date: 'Datum' },
      confidence: 0.75,
      sections: {} as SourceInspection['proposal']['sections'],
      dateFormat: null,
      dateFormatChoices: ['%d/%m/%Y', '%m/%d/%Y'],
      decimalSeparator: '.',
      thousandsSeparator: null,
      numberFormatChoices: [
        { decimalSeparator: '.', thousandsSeparator: null },
        { decimalSeparator: ',', thousandsSeparator: '.' },
      ],
    };
    const settings = settingsFromProposal(proposal);
    expect(settings).toMatchObject({
      dateFormat: undefined,
      decimalSeparator: undefined,
      thousandsSeparator: undefined,
    });
    expect(choicesLeft(settings)).toEqual([
      'Choose the date format: day first or month first.',
      'Choose the decimal and thousands separators.',
      'Map the required column amount.',
    ]);
    expect(
      choicesLeft({
        ...settings,
        columns: { ...settings.columns, amount: 'Betrag' },
        dateFormat: '%d/%m/%Y',
        decimalSeparator: ',',
        thousandsSeparator: ',',
      }),
    ).toEqual(['Choose a thousands separator other than the decimal separator.']);
    expect(
      settingsFromProposal({
        ...proposal,
        dateFormatChoices: [],
        dateFormat: '%d.%m.%Y',
        numberFormatChoices: [],
      }),
    ).toMatchObject({ dateFormat: '%d.%m.%Y', decimalSeparator: '.', thousandsSeparator: null });
  });

  it('labels date formats and number formats by example', () => {
    expect(dateFormatLabel('%d/%m/%Y %H:%M')).toBe('31/01/2024 14:05 (%d/%m/%Y %H:%M, day first)');
    expect(dateFormatLabel('%m/%d/%Y')).toBe('01/31/2024 (%m/%d/%Y, month first)');
    expect(dateFormatLabel('%Y%m%d')).toBe('20240131 (%Y%m%d)');
    expect(dateFormatLabel(null)).toBe('ISO 8601 (2024-01-31)');
    expect(numberFormatLabel(',', '.')).toBe('1.234,50');
    expect(numberFormatLabel('.', null)).toBe('1234.50');
  });

  it('describes an issue with its line number, and the control that may fix it', () => {
    expect(
      describeIssue({
        file: 'orders.csv',
        line: 3,
        lineKind: 'line',
        column: 'order_date',
        value: '2024-02-30',
        reason: 'not a date',
        code: 'date',
        field: null,
      }),
    ).toBe('orders.csv, line 3, column order_date (“2024-02-30”): not a date');
    const unread = {
      file: 'Bestellungen.csv',
      line: 2,
      lineKind: 'line' as const,
      column: 'Datum',
      value: '03/01/2025 10:15',
      reason:
        'not an ISO 8601 date (e.g. 2024-01-31 or 2024-01-31 14:05:00), with a year between 1900 and 2200',
      code: 'date' as const,
      field: 'dateFormat' as const,
    };
    expect(describeIssue(unread)).toBe(
      'Bestellungen.csv, line 2, column Datum (“03/01/2025 10:15”): not an ISO 8601 date (e.g. 2024-01-31 or 2024-01-31 14:05:00), with a year between 1900 and 2200; choose the Date format above',
    );
    expect(
      describeIssue({ ...unread, field: 'thousandsSeparator', reason: 'not a number' }, { withFile: false }),
    ).toBe(
      'Line 2, column Datum (“03/01/2025 10:15”): not a number; choose the Decimal and Thousands separators above',
    );
    expect(
      describeIssue(
        { ...unread, line: null, column: null, value: null, field: null, reason: 'not UTF-8' },
        { withFile: false },
      ),
    ).toBe('Not UTF-8');
  });
});

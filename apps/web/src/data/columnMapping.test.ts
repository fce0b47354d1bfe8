import { describe, expect, it } from 'vitest';
import { describeIssue, mappingRows, missingRequired, remapForSection, setMapping } from './columnMapping.ts';

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

  it('describes an issue with its line number', () => {
    expect(
      describeIssue({
        file: 'orders.csv',
        line: 3,
        lineKind: 'line',
        column: 'order_date',
        value: '2024-02-30',
        reason: 'not a date',
      }),
    ).toBe('orders.csv, line 3, column order_date (“2024-02-30”): not a date');
  });
});

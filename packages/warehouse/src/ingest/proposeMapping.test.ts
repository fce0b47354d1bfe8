import { describe, expect, it } from 'vitest';
import { proposeMapping } from './proposeMapping.ts';

describe('proposeMapping', () => {
  it('recognises an ERP order export', () => {
    expect(
      proposeMapping(['Invoice', 'Customer ID', 'InvoiceDate', 'Revenue', 'Channel'], 'orders.csv'),
    ).toEqual({
      section: 'purchases',
      columns: {
        order_id: 'Invoice',
        customer_id: 'Customer ID',
        order_date: 'InvoiceDate',
        amount: 'Revenue',
        channel: 'Channel',
      },
      confidence: 1,
    });
  });

  it('recognises a line-item export where amount is quantity × unit price', () => {
    const proposal = proposeMapping([
      'InvoiceNo',
      'StockCode',
      'Description',
      'Quantity',
      'InvoiceDate',
      'UnitPrice',
      'CustomerID',
      'Country',
    ]);
    expect(proposal.section).toBe('purchases');
    expect(proposal.columns).toMatchObject({
      order_id: 'InvoiceNo',
      customer_id: 'CustomerID',
      order_date: 'InvoiceDate',
      quantity: 'Quantity',
      unit_price: 'UnitPrice',
      region: 'Country',
    });
    expect(proposal.columns.amount).toBeUndefined();
    expect(proposal.confidence).toBe(1);
  });

  it('recognises help-desk tickets, returns and a CRM customer list', () => {
    expect(
      proposeMapping(['Ticket', 'Customer ID', 'Opened', 'Closed', 'Category', 'Severity']),
    ).toMatchObject({
      section: 'complaints',
      columns: {
        complaint_id: 'Ticket',
        customer_id: 'Customer ID',
        opened_at: 'Opened',
        resolved_at: 'Closed',
        severity: 'Severity',
      },
    });
    expect(proposeMapping(['Return ID', 'Invoice', 'Customer ID', 'Returned', 'Refund'])).toMatchObject({
      section: 'returns',
      columns: {
        return_id: 'Return ID',
        order_id: 'Invoice',
        customer_id: 'Customer ID',
        returned_at: 'Returned',
      },
    });
    expect(
      proposeMapping(['Customer ID', 'Full Name', 'E-mail', 'Telephone', 'Region', 'Signup', 'May Call']),
    ).toMatchObject({
      section: 'customers',
      columns: {
        customer_id: 'Customer ID',
        name: 'Full Name',
        email: 'E-mail',
        phone: 'Telephone',
        signup_date: 'Signup',
        contact_consent: 'May Call',
      },
    });
  });

  it('uses each header once and says how sure it is', () => {
    const proposal = proposeMapping(['Date', 'Total']);
    expect(new Set(Object.values(proposal.columns)).size).toBe(Object.values(proposal.columns).length);
    expect(proposal.confidence).toBeLessThan(1);
  });
});

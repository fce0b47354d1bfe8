import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestWarehouse, query, snapshot, tempDir, writeFile } from '../testing/fixtures.ts';
import type { Warehouse } from '../Warehouse.ts';
import { ingest } from './ingest.ts';
import { mappingToRequests } from './mappingFile.ts';

let dir: string;
let cleanup: () => void;
let warehouse: Warehouse;

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  warehouse = await openTestWarehouse(dir);
});
afterEach(() => {
  warehouse.close();
  cleanup();
});

const ERP_ORDERS = [
  'Invoice;Customer ID;InvoiceDate;Revenue;Shop',
  '1001;C1;05/01/2024 09:30;12,50;web',
  '1002;C2;31/01/2024 23:59;7,00;store',
  '1003;C1;29/02/2024 12:00;100,00;web',
].join('\r\n');

const ERP_TICKETS = [
  'Ticket;Customer ID;Opened;Closed;Severity',
  'T1;C1;06/01/2024 10:00;08/01/2024 10:00;high',
  'T2;C2;01/02/2024 08:00;;2',
].join('\r\n');

function erpMapping() {
  writeFile(dir, 'exports/orders.csv', `\uFEFF${ERP_ORDERS}\r\n`);
  writeFile(dir, 'exports/tickets.csv', `${ERP_TICKETS}\r\n`);
  return mappingToRequests(
    {
      purchases: {
        file: 'orders.csv',
        columns: {
          order_id: 'Invoice',
          customer_id: 'Customer ID',
          order_date: 'InvoiceDate',
          amount: 'Revenue',
          channel: 'Shop',
        },
        dateFormat: '%d/%m/%Y %H:%M',
        decimalSeparator: ',',
      },
      complaints: {
        file: 'tickets.csv',
        columns: {
          complaint_id: 'Ticket',
          customer_id: 'Customer ID',
          opened_at: 'Opened',
          resolved_at: 'Closed',
          severity: 'Severity',
        },
        dateFormat: '%d/%m/%Y %H:%M',
      },
    },
    path.join(dir, 'exports'),
  );
}

describe('ingest through a mapping file', () => {
  it('loads foreign headers, day-first dates, decimal commas, BOM, CRLF and ; delimiters', async () => {
    const summary = await ingest(warehouse, erpMapping());
    expect(summary.purchases).toMatchObject({ rows: 3, inserted: 3, duplicates: 0, skipped: 0 });
    expect(summary.complaints).toMatchObject({ rows: 2, inserted: 2, duplicates: 0 });
    expect(summary.dataVersion).toBe(1);
    const rows = await query(
      warehouse,
      `SELECT order_id, customer_id, strftime(order_date, '%Y-%m-%d %H:%M') AS d, amount, channel FROM purchases ORDER BY order_id`,
    );
    expect(rows).toEqual([
      { order_id: '1001', customer_id: 'C1', d: '2024-01-05 09:30', amount: 12.5, channel: 'web' },
      { order_id: '1002', customer_id: 'C2', d: '2024-01-31 23:59', amount: 7, channel: 'store' },
      { order_id: '1003', customer_id: 'C1', d: '2024-02-29 12:00', amount: 100, channel: 'web' },
    ]);
    const tickets = await query(
      warehouse,
      'SELECT complaint_id, severity, resolved_at IS NULL AS open FROM complaints ORDER BY 1',
    );
    expect(tickets).toEqual([
      { complaint_id: 'T1', severity: 3, open: false },
      { complaint_id: 'T2', severity: 2, open: true },
    ]);
  });

  it('is idempotent: the same files again insert nothing, report duplicates and keep the data version', async () => {
    await ingest(warehouse, erpMapping());
    const before = await snapshot(warehouse);
    const again = await ingest(warehouse, erpMapping());
    expect(again.purchases).toMatchObject({ rows: 3, inserted: 0, duplicates: 3 });
    expect(again.complaints).toMatchObject({ rows: 2, inserted: 0, duplicates: 2, updated: 0 });
    expect(again.dataVersion).toBe(before.dataVersion);
    expect(await snapshot(warehouse)).toEqual(before);
  });

  it('appends the new rows of an overlapping daily export and updates a ticket closed since', async () => {
    await ingest(warehouse, erpMapping());
    writeFile(dir, 'exports/orders.csv', `${ERP_ORDERS}\r\n1004;C3;01/03/2024 08:00;5,00;app\r\n`);
    writeFile(
      dir,
      'exports/tickets.csv',
      `${ERP_TICKETS.replace('T2;C2;01/02/2024 08:00;;2', 'T2;C2;01/02/2024 08:00;09/02/2024 08:00;2')}\r\n`,
    );
    const next = await ingest(
      warehouse,
      mappingToRequests(
        {
          purchases: {
            file: 'orders.csv',
            columns: {
              order_id: 'Invoice',
              customer_id: 'Customer ID',
              order_date: 'InvoiceDate',
              amount: 'Revenue',
              channel: 'Shop',
            },
            dateFormat: '%d/%m/%Y %H:%M',
            decimalSeparator: ',',
          },
          complaints: {
            file: 'tickets.csv',
            columns: {
              complaint_id: 'Ticket',
              customer_id: 'Customer ID',
              opened_at: 'Opened',
              resolved_at: 'Closed',
              severity: 'Severity',
            },
            dateFormat: '%d/%m/%Y %H:%M',
          },
        },
        path.join(dir, 'exports'),
      ),
    );
    expect(next.purchases).toMatchObject({ rows: 4, inserted: 1, duplicates: 3 });
    expect(next.complaints).toMatchObject({ rows: 2, inserted: 0, updated: 1, duplicates: 1 });
    expect(
      await query(
        warehouse,
        "SELECT strftime(resolved_at, '%Y-%m-%d') AS r FROM complaints WHERE complaint_id = 'T2'",
      ),
    ).toEqual([{ r: '2024-02-09' }]);
    expect((await snapshot(warehouse)).purchases).toBe(4);
  });
});

describe('line-item exports', () => {
  const LINES = [
    'InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID',
    '536365,85123A,6,2010-12-01 08:26:00,2.55,17850',
    '536365,71053,6,2010-12-01 08:26:00,3.39,17850',
    '536365,71053,6,2010-12-01 08:26:00,3.39,17850',
    'C536379,D,-1,2010-12-01 09:41:00,27.50,14527',
    '536414,22139,56,2010-12-01 11:52:00,0.00,',
    '536415,22140,-10,2010-12-01 11:53:00,0.00,',
  ].join('\n');
  const mapping = {
    purchases: {
      file: 'lines.csv',
      columns: {
        order_id: 'InvoiceNo',
        customer_id: 'CustomerID',
        order_date: 'InvoiceDate',
        quantity: 'Quantity',
        unit_price: 'UnitPrice',
        product: 'StockCode',
      },
      negativeLinesAreReturns: true,
      skipRowsWithoutCustomer: true,
    },
  };

  it('derives amount from quantity × unit price, sends negative lines to returns, skips lines without customer', async () => {
    writeFile(dir, 'lines.csv', `${LINES}\n`);
    const summary = await ingest(warehouse, mappingToRequests(mapping, dir));
    expect(summary.purchases).toMatchObject({
      rows: 6,
      inserted: 3,
      skipped: 2,
      toReturns: 1,
      duplicates: 0,
    });
    expect(summary.returns).toMatchObject({ rows: 1, inserted: 1 });
    const lines = await query(warehouse, 'SELECT order_id, amount FROM purchases ORDER BY amount');
    // Identical lines within one file are both kept: real invoices repeat items.
    expect(lines).toEqual([
      { order_id: '536365', amount: 15.3 },
      { order_id: '536365', amount: 20.34 },
      { order_id: '536365', amount: 20.34 },
    ]);
    const returns = await query(
      warehouse,
      "SELECT order_id, customer_id, amount, strftime(returned_at, '%Y-%m-%d %H:%M') AS at, return_id FROM returns",
    );
    expect(returns).toHaveLength(1);
    expect(returns[0]).toMatchObject({
      order_id: 'C536379',
      customer_id: '14527',
      amount: 27.5,
      at: '2010-12-01 09:41',
    });
    const again = await ingest(warehouse, mappingToRequests(mapping, dir));
    expect(again.purchases).toMatchObject({ inserted: 0, duplicates: 3 });
    expect(again.returns).toMatchObject({ inserted: 0, duplicates: 1 });
    // The derived return id is a pure function of the line: the same on every load.
    expect(await query(warehouse, 'SELECT return_id FROM returns')).toEqual([
      { return_id: returns[0]?.return_id },
    ]);
  });
});

describe('negative lines of several purchase files', () => {
  const HEADER = 'Invoice,Customer,Date,Qty,Price';
  const columns = {
    order_id: 'Invoice',
    customer_id: 'Customer',
    order_date: 'Date',
    quantity: 'Qty',
    unit_price: 'Price',
  };

  it('all reach the returns, with a returns file loaded beside them', async () => {
    writeFile(dir, 'jan.csv', `${HEADER}\nA1,C1,2024-01-05,2,5\nCA1,C1,2024-01-09,-1,5\n`);
    writeFile(dir, 'feb.csv', `${HEADER}\nB1,C2,2024-02-05,1,8\nCB1,C2,2024-02-07,-1,8\n`);
    writeFile(dir, 'mar.csv', `${HEADER}\nD1,C3,2024-03-05,3,2\n`);
    writeFile(dir, 'rma.csv', 'return_id,customer_id,returned_at,amount\nRMA-1,C3,2024-03-10,2\n');
    const purchases = (file: string, negativeLinesAreReturns: boolean) =>
      mappingToRequests({ purchases: { file, columns, negativeLinesAreReturns } }, dir);
    const requests = [
      ...purchases('jan.csv', true),
      ...purchases('feb.csv', true),
      ...purchases('mar.csv', false),
      ...mappingToRequests({ returns: { file: 'rma.csv' } }, dir),
    ];
    const summary = await ingest(warehouse, requests);
    expect(summary.purchases).toMatchObject({ rows: 5, inserted: 3, toReturns: 2, duplicates: 0 });
    expect(summary.returns).toMatchObject({ rows: 3, inserted: 3, duplicates: 0 });
    expect(summary.warnings).toEqual([]);
    expect(
      await query(
        warehouse,
        "SELECT order_id, customer_id, amount, return_id LIKE 'R%' AS id FROM returns ORDER BY 2",
      ),
    ).toEqual([
      { order_id: 'CA1', customer_id: 'C1', amount: 5, id: true },
      { order_id: 'CB1', customer_id: 'C2', amount: 8, id: true },
      { order_id: null, customer_id: 'C3', amount: 2, id: true },
    ]);
    expect(await query(warehouse, "SELECT return_id FROM returns WHERE customer_id = 'C3'")).toEqual([
      { return_id: 'RMA-1' },
    ]);
    const again = await ingest(warehouse, requests);
    expect(again.returns).toMatchObject({ rows: 3, inserted: 0, duplicates: 3 });
    expect(again.dataVersion).toBe(summary.dataVersion);
  });

  it('all reach the returns without a returns file', async () => {
    writeFile(dir, 'jan.csv', `${HEADER}\nA1,C1,2024-01-05,2,5\nCA1,C1,2024-01-09,-1,5\n`);
    writeFile(dir, 'feb.csv', `${HEADER}\nB1,C2,2024-02-05,1,8\nCB1,C2,2024-02-07,-2,8\n`);
    const requests = ['jan.csv', 'feb.csv'].flatMap((file) =>
      mappingToRequests({ purchases: { file, columns, negativeLinesAreReturns: true } }, dir),
    );
    const summary = await ingest(warehouse, requests);
    expect(summary.purchases).toMatchObject({ rows: 4, inserted: 2, toReturns: 2 });
    expect(summary.returns).toMatchObject({ rows: 2, inserted: 2 });
    expect(await query(warehouse, 'SELECT order_id, amount FROM returns ORDER BY 1')).toEqual([
      { order_id: 'CA1', amount: 5 },
      { order_id: 'CB1', amount: 16 },
    ]);
  });
});

describe('a mapping section without columns', () => {
  it('reads the canonical headers of its file', async () => {
    writeFile(dir, 'exports/p.csv', 'order_id,Customer_ID,order_date,amount\nO1,C1,2024-01-01,10\n');
    const summary = await ingest(
      warehouse,
      mappingToRequests({ purchases: { file: 'p.csv' } }, path.join(dir, 'exports')),
    );
    expect(summary.purchases).toMatchObject({ rows: 1, inserted: 1 });
    expect(await query(warehouse, 'SELECT customer_id FROM purchases')).toEqual([{ customer_id: 'C1' }]);
  });

  it('says which header is missing and how to map it', async () => {
    writeFile(dir, 'exports/p.csv', 'Invoice,customer_id,order_date,amount\nO1,C1,2024-01-01,10\n');
    const requests = mappingToRequests({ purchases: { file: 'p.csv' } }, path.join(dir, 'exports')).map(
      (r) => ({ ...r, origin: path.join(dir, 'exports', 'mapping.json') }),
    );
    const error = await ingest(warehouse, requests).catch((e: unknown) => e);
    expect(error).toMatchObject({
      message: expect.stringContaining(
        'p.csv has no "order_id" header (its headers: Invoice, customer_id, order_date, amount); add "columns" to the purchases section of mapping.json',
      ),
      detail: { code: 'unmappedColumn', field: 'columns', params: { column: 'order_id' } },
    });
  });
});

describe('canonical headers', () => {
  it('loads quoted fields with commas, quotes and newlines, non-ASCII names, tabs and booleans', async () => {
    const customers = writeFile(
      dir,
      'customers.tsv',
      [
        'customer_id\tname\temail\tcontact_consent\tsignup_date',
        'C1\t"Müller, Björn"\tb@example.com\tyes\t2023-05-01',
        'C2\t"Zoë ""Zee"" Ångström"\tz@example.com\tN\t2023-06-01',
        'C3\t"José\nNúñez"\t\t\t',
      ].join('\n'),
    );
    const summary = await ingest(warehouse, [{ section: 'customers', file: customers }]);
    expect(summary.customers).toMatchObject({ rows: 3, inserted: 3 });
    expect(
      await query(warehouse, 'SELECT customer_id, name, contact_consent, email FROM customers ORDER BY 1'),
    ).toEqual([
      { customer_id: 'C1', name: 'Müller, Björn', contact_consent: true, email: 'b@example.com' },
      { customer_id: 'C2', name: 'Zoë "Zee" Ångström', contact_consent: false, email: 'z@example.com' },
      { customer_id: 'C3', name: 'José\nNúñez', contact_consent: null, email: null },
    ]);
  });

  it('reads ISO timestamps with offsets as UTC', async () => {
    const purchases = writeFile(
      dir,
      'p.csv',
      'order_id,customer_id,order_date,amount\nA,C1,2024-03-01T10:00:00+02:00,1\nB,C1,2024-03-01T10:00:00Z,1\nC,C1,2024-03-01,1\n',
    );
    await ingest(warehouse, [{ section: 'purchases', file: purchases }]);
    expect(
      await query(
        warehouse,
        "SELECT order_id, strftime(order_date, '%Y-%m-%d %H:%M') AS d FROM purchases ORDER BY 1",
      ),
    ).toEqual([
      { order_id: 'A', d: '2024-03-01 08:00' },
      { order_id: 'B', d: '2024-03-01 10:00' },
      { order_id: 'C', d: '2024-03-01 00:00' },
    ]);
  });

  it('loads all sections atomically and warns about complaints of unknown customers', async () => {
    const files = {
      customers: writeFile(dir, 'c.csv', 'customer_id,name\nC1,Ann\n'),
      purchases: writeFile(dir, 'p.csv', 'order_id,customer_id,order_date,amount\nO1,C1,2024-01-01,10\n'),
      complaints: writeFile(
        dir,
        't.csv',
        'complaint_id,customer_id,opened_at\nT1,C1,2024-01-02\nT2,GHOST,2024-01-03\n',
      ),
      returns: writeFile(
        dir,
        'r.csv',
        'return_id,order_id,customer_id,returned_at,amount\nR1,O1,C1,2024-01-05,4\n',
      ),
    };
    const summary = await ingest(
      warehouse,
      (Object.keys(files) as Array<keyof typeof files>).map((section) => ({ section, file: files[section] })),
    );
    expect(summary.warnings).toEqual([
      '1 complaints belong to 1 customers with no customer record and no purchase; they are kept.',
    ]);
    expect(await snapshot(warehouse)).toEqual({
      customers: 1,
      purchases: 1,
      complaints: 2,
      returns: 1,
      dataVersion: 1,
    });
  });
});

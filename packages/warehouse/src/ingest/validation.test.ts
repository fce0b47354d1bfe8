import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../errors.ts';
import { openTestWarehouse, snapshot, tempDir, writeFile } from '../testing/fixtures.ts';
import type { Warehouse } from '../Warehouse.ts';
import { ingest } from './ingest.ts';
import { mappingToRequests, readMappingFile } from './mappingFile.ts';
import type { SectionRequest } from './plan.ts';

let dir: string;
let cleanup: () => void;
let warehouse: Warehouse;

// One warehouse with data in it: every failing load below must leave it exactly as it is.
beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  warehouse = await openTestWarehouse(dir);
  const seed = writeFile(dir, 'seed.csv', 'order_id,customer_id,order_date,amount\nS1,C1,2024-01-01,5\n');
  await ingest(warehouse, [{ section: 'purchases', file: seed }]);
});
afterAll(() => {
  warehouse.close();
  cleanup();
});

async function rejection(requests: SectionRequest[]): Promise<BadInputError> {
  const before = await snapshot(warehouse);
  const error = await ingest(warehouse, requests).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BadInputError);
  expect(await snapshot(warehouse)).toEqual(before);
  return error as BadInputError;
}

const purchases = (name: string, content: string): SectionRequest[] => [
  { section: 'purchases', file: writeFile(dir, name, content) },
];
const HEADER = 'order_id,customer_id,order_date,amount';

describe('bad values are reported by file, line, column and value, and nothing is written', () => {
  it('a date that does not parse', async () => {
    const error = await rejection(
      purchases('bad-date.csv', `${HEADER}\nO1,C1,2024-01-01,1\nO2,C1,2024-13-45,2\n`),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({
        line: 3,
        column: 'order_date',
        value: '2024-13-45',
        reason: expect.stringContaining('ISO 8601'),
      }),
    ]);
    expect(error.issues[0]?.file).toMatch(/bad-date\.csv$/);
  });

  it('an amount that is not a number', async () => {
    const error = await rejection(
      purchases('bad-amount.csv', `${HEADER}\nO1,C1,2024-01-01,12.5\nO2,C1,2024-01-02,12€\n`),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({
        line: 3,
        column: 'amount',
        value: '12€',
        reason: expect.stringContaining('not a number'),
      }),
    ]);
  });

  it('an empty required field', async () => {
    const error = await rejection(purchases('empty-customer.csv', `${HEADER}\nO1, ,2024-01-01,1\n`));
    expect(error.issues).toEqual([
      expect.objectContaining({ line: 2, column: 'customer_id', reason: 'required value is empty' }),
    ]);
  });

  it('counts lines as an editor does when quoted fields span lines', async () => {
    const content = `order_id,customer_id,order_date,amount,product\nO1,C1,2024-01-01,1,"two\nlines"\nO2,C1,2024-01-01,1,"three\r\nlines\nhere"\nO3,C1,yesterday,1,x\n`;
    const error = await rejection(purchases('multiline.csv', content));
    expect(error.issues).toEqual([
      expect.objectContaining({ line: 7, column: 'order_date', value: 'yesterday' }),
    ]);
  });

  it('lists up to 20 problems, then the count', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `O${i},C1,not-a-date,${i}`).join('\n');
    const error = await rejection(purchases('many.csv', `${HEADER}\n${rows}\n`));
    expect(error.issues).toHaveLength(20);
    expect(error.totalIssues).toBe(30);
    expect(error.issues.map((i) => i.line)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    expect(error.message).toContain('30 problems');
  });

  it('a bad value in one file of several rolls back the others', async () => {
    const good = writeFile(dir, 'good.csv', `${HEADER}\nG1,C9,2024-02-01,3\n`);
    const bad = writeFile(
      dir,
      'bad-tickets.csv',
      'complaint_id,customer_id,opened_at,severity\nT1,C9,2024-02-02,extreme\n',
    );
    const error = await rejection([
      { section: 'purchases', file: good },
      { section: 'complaints', file: bad },
    ]);
    expect(error.issues).toEqual([
      expect.objectContaining({ line: 2, column: 'severity', value: 'extreme' }),
    ]);
  });

  it('a day-first date without the mapping’s format', async () => {
    writeFile(
      dir,
      'm1/orders.csv',
      'Invoice,Customer,Date,Total\n1,C1,31/12/2024 10:00,5\n2,C1,31/12/2024 10:61,5\n',
    );
    const requests = mappingToRequests(
      {
        purchases: {
          file: 'orders.csv',
          columns: { order_id: 'Invoice', customer_id: 'Customer', order_date: 'Date', amount: 'Total' },
          dateFormat: '%d/%m/%Y %H:%M',
        },
      },
      path.join(dir, 'm1'),
    );
    const error = await rejection(requests);
    expect(error.issues).toEqual([
      expect.objectContaining({
        line: 3,
        column: 'Date',
        value: '31/12/2024 10:61',
        reason: expect.stringContaining('%d/%m/%Y %H:%M'),
      }),
    ]);
  });

  it('a boolean that is not yes/no', async () => {
    const file = writeFile(dir, 'consent.csv', 'customer_id,contact_consent\nC1,yes\nC2,maybe\n');
    const error = await rejection([{ section: 'customers', file }]);
    expect(error.issues).toEqual([
      expect.objectContaining({ line: 3, column: 'contact_consent', value: 'maybe' }),
    ]);
  });

  it('the same id twice with different values', async () => {
    const file = writeFile(dir, 'dupe-ids.csv', 'customer_id,name\nC1,Ann\nC2,Bob\nC1,Anne\n');
    const error = await rejection([{ section: 'customers', file }]);
    expect(error.issues).toEqual([
      expect.objectContaining({
        line: 4,
        column: 'customer_id',
        value: 'C1',
        reason: expect.stringContaining('line 2'),
      }),
    ]);
  });

  it('a row with too many fields', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `O${i},C1,2024-01-01,1`);
    rows.splice(2500, 0, 'X,C1,2024-01-01,1,surplus');
    const error = await rejection(purchases('ragged.csv', `${HEADER}\n${rows.join('\n')}\n`));
    expect(error.issues).toEqual([
      expect.objectContaining({ line: 2502, reason: expect.stringContaining('expected 4 fields') }),
    ]);
  });

  it('a quote that never closes', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `O${i},C1,2024-01-01,1`);
    rows.push('Z,"C1,2024-01-01,1', 'Y,C1,2024-01-01,1');
    const error = await rejection(purchases('unterminated.csv', `${HEADER}\n${rows.join('\n')}\n`));
    expect(error.issues[0]).toMatchObject({ line: 3002, reason: expect.stringContaining('never closed') });
  });
});

describe('bad files and mappings are refused before anything moves', () => {
  it('a missing file', async () => {
    const error = await rejection([{ section: 'purchases', file: path.join(dir, 'nope.csv') }]);
    expect(error.message).toMatch(/file not found: .*nope\.csv/);
  });

  it('an empty file', async () => {
    const error = await rejection(purchases('empty.csv', ''));
    expect(error.message).toMatch(/file is empty: .*empty\.csv/);
  });

  it('a mapped column that is not in the file: lists headers and suggests the closest', async () => {
    writeFile(dir, 'm2/orders.csv', 'Invoice,Customer ID,InvoiceDate,Revenue\n1,C1,2024-01-01,5\n');
    const requests = mappingToRequests(
      {
        purchases: {
          file: 'orders.csv',
          columns: {
            order_id: 'Invoice',
            customer_id: 'CustomerID',
            order_date: 'InvoiceDate',
            amount: 'Revenue',
          },
        },
      },
      path.join(dir, 'm2'),
    );
    const error = await rejection(requests);
    expect(error.message).toContain('"CustomerID"');
    expect(error.message).toContain('"Invoice", "Customer ID", "InvoiceDate", "Revenue"');
    expect(error.message).toContain('Did you mean "Customer ID"?');
  });

  it('an unknown section or canonical name in the mapping', () => {
    expect(() => mappingToRequests({ purchase: { file: 'x.csv', columns: {} } }, dir)).toThrow(
      /unknown section "purchase".*did you mean "purchases"/,
    );
    writeFile(dir, 'm3/orders.csv', 'a,b,c,d\n1,2,2024-01-01,4\n');
    const requests = mappingToRequests(
      {
        purchases: {
          file: 'orders.csv',
          columns: { order_id: 'a', customer_id: 'b', order_date: 'c', amout: 'd' },
        },
      },
      path.join(dir, 'm3'),
    );
    return expect(rejection(requests)).resolves.toHaveProperty(
      'message',
      expect.stringMatching(/unknown canonical column "amout".*did you mean "amount"/),
    );
  });

  it('a required column not mapped', async () => {
    const error = await rejection(
      purchases('no-amount.csv', 'order_id,customer_id,order_date\nO1,C1,2024-01-01\n'),
    );
    expect(error.message).toMatch(/required column amount is not mapped/);
  });

  it('a mapping file that is not JSON', () => {
    const file = writeFile(dir, 'broken.json', '{ "purchases": ');
    expect(() => readMappingFile(file)).toThrow(/not valid JSON/);
  });
});

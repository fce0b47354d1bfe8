import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestWarehouse, query, tempDir, writeFile } from '../testing/fixtures.ts';
import type { Warehouse } from '../Warehouse.ts';
import { ingest } from './ingest.ts';

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

describe('ids', () => {
  it('surrounding spaces never count: " C1", "C1 " and "C1" are one customer', async () => {
    const customers = writeFile(dir, 'customers.csv', 'customer_id,name\n" C1",Ann\n');
    const orders = writeFile(
      dir,
      'orders.ndjson',
      [
        { order_id: ' O1', customer_id: 'C1 ', order_date: '2024-01-01', amount: 1 },
        { order_id: 'O2', customer_id: '  C1', order_date: '2024-01-02', amount: 2 },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const summary = await ingest(warehouse, [
      { section: 'customers', file: customers },
      { section: 'purchases', file: orders },
    ]);
    expect(summary.warnings).toEqual([]);
    expect(await query(warehouse, 'SELECT DISTINCT customer_id FROM purchases')).toEqual([
      { customer_id: 'C1' },
    ]);
    expect(await query(warehouse, 'SELECT customer_id FROM customers')).toEqual([{ customer_id: 'C1' }]);
  });

  it('case is significant, and ids that differ only in case are pointed out', async () => {
    const first = writeFile(
      dir,
      'first.csv',
      'order_id,customer_id,order_date,amount\nO1,C1,2024-01-01,1\nO2,D7,2024-01-01,1\n',
    );
    expect((await ingest(warehouse, [{ section: 'purchases', file: first }])).warnings).toEqual([]);
    const second = writeFile(dir, 'second.csv', 'customer_id,name\nc1,Ann\nd7,Dan\nE1,Eve\n');
    const summary = await ingest(warehouse, [{ section: 'customers', file: second }]);
    expect(summary.customers.inserted).toBe(3);
    expect(summary.warnings).toEqual([
      '2 customer ids have twins that differ only in letter case (e.g. "C1" and "c1"); ids are case-sensitive, so they are kept as different customers.',
    ]);
    expect(
      await query(
        warehouse,
        'SELECT count(DISTINCT customer_id) AS n FROM (SELECT customer_id FROM purchases UNION ALL SELECT customer_id FROM customers)',
      ),
    ).toEqual([{ n: 5 }]);
  });

  it('a later load that brings no such pair says nothing', async () => {
    writeFile(dir, 'a.csv', 'customer_id,name\nC1,Ann\nc1,Ann\n');
    await ingest(warehouse, [{ section: 'customers', file: `${dir}/a.csv` }]);
    const next = writeFile(dir, 'b.csv', 'customer_id,name\nZ9,Zoe\n');
    expect((await ingest(warehouse, [{ section: 'customers', file: next }])).warnings).toEqual([]);
  });
});

import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from '../query/sql.ts';
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

const CSV =
  'order_id,customer_id,order_date,amount,product\nO1,C1,2024-01-05 10:00:00,9.99,"Mug, blue"\nO2,C2,2024-02-06,20,Tea\n';
const EXPECTED = [
  { order_id: 'O1', customer_id: 'C1', d: '2024-01-05 10:00', amount: 9.99, product: 'Mug, blue' },
  { order_id: 'O2', customer_id: 'C2', d: '2024-02-06 00:00', amount: 20, product: 'Tea' },
];
const loaded = () =>
  query(
    warehouse,
    "SELECT order_id, customer_id, strftime(order_date, '%Y-%m-%d %H:%M') AS d, amount, product FROM purchases ORDER BY 1",
  );

describe('every supported format loads to the same rows', () => {
  it('gzipped CSV', async () => {
    const file = writeFile(dir, 'p.csv.gz', zlib.gzipSync(CSV));
    await ingest(warehouse, [{ section: 'purchases', file }]);
    expect(await loaded()).toEqual(EXPECTED);
  });

  it('newline-delimited JSON', async () => {
    const lines = [
      {
        order_id: 'O1',
        customer_id: 'C1',
        order_date: '2024-01-05 10:00:00',
        amount: 9.99,
        product: 'Mug, blue',
      },
      { order_id: 'O2', customer_id: 'C2', order_date: '2024-02-06', amount: '20', product: 'Tea' },
    ];
    const file = writeFile(dir, 'p.ndjson', lines.map((l) => JSON.stringify(l)).join('\n'));
    await ingest(warehouse, [{ section: 'purchases', file }]);
    expect(await loaded()).toEqual(EXPECTED);
  });

  it('a JSON array', async () => {
    const rows = [
      {
        order_id: 'O1',
        customer_id: 'C1',
        order_date: '2024-01-05T10:00:00Z',
        amount: 9.99,
        product: 'Mug, blue',
      },
      { order_id: 'O2', customer_id: 'C2', order_date: '2024-02-06', amount: 20, product: 'Tea' },
    ];
    const file = writeFile(dir, 'p.json', JSON.stringify(rows));
    await ingest(warehouse, [{ section: 'purchases', file }]);
    expect(await loaded()).toEqual(EXPECTED);
  });

  it('Parquet with native types (numeric ids read as 17850, not 17850.0)', async () => {
    const file = `${dir}/p.parquet`;
    await warehouse.write((db) =>
      db.run(
        sql.raw(`COPY (SELECT * FROM (VALUES
          ('O1', 1.0::DOUBLE, TIMESTAMP '2024-01-05 10:00:00', 9.99, 'Mug, blue'),
          ('O2', 2.0::DOUBLE, TIMESTAMP '2024-02-06 00:00:00', 20.0, 'Tea'))
        t(order_id, customer_id, order_date, amount, product)) TO '${file}' (FORMAT parquet)`),
      ),
    );
    await ingest(warehouse, [{ section: 'purchases', file }]);
    expect(await loaded()).toEqual(EXPECTED.map((r, i) => ({ ...r, customer_id: String(i + 1) })));
  });

  it('reports a bad JSON record by its record number', async () => {
    const file = writeFile(
      dir,
      'bad.json',
      JSON.stringify([
        { order_id: 'O1', customer_id: 'C1', order_date: '2024-01-05', amount: 1 },
        { order_id: 'O2', customer_id: 'C1', order_date: 'soon', amount: 1 },
      ]),
    );
    const error = await ingest(warehouse, [{ section: 'purchases', file }]).catch((e: unknown) => e);
    expect(error).toMatchObject({
      issues: [expect.objectContaining({ line: 2, lineKind: 'record', column: 'order_date', value: 'soon' })],
    });
  });
});

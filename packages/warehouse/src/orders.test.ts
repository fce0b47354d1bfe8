import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from './ingest/ingest.ts';
import { ordersRelation } from './orders.ts';
import { dbDay, dbNumber, dbRow, dbText } from './query/columnTypes.ts';
import { sql } from './query/sql.ts';
import { openTestWarehouse, tempDir, writeFile } from './testing/fixtures.ts';
import type { Warehouse } from './Warehouse.ts';

describe('the canonical orders relation', () => {
  const { dir, cleanup } = tempDir();
  let warehouse: Warehouse;
  beforeAll(async () => {
    warehouse = await openTestWarehouse(dir);
    const file = writeFile(
      dir,
      'purchases.csv',
      [
        'order_id,customer_id,order_date,amount,channel',
        'O1,C2,2024-01-02,10,web',
        // the same order, its second line naming another customer (an export error)
        'O1,C1,2024-01-03,5,store',
        'O2,C2,2024-02-01,7.5,',
      ].join('\n'),
    );
    await ingest(warehouse, [{ section: 'purchases', file }]);
  });
  afterAll(() => {
    warehouse.close();
    cleanup();
  });

  const row = dbRow({
    order_id: dbText,
    customer_id: dbText,
    ordered_at: dbDay,
    last_line_at: dbDay,
    value: dbNumber,
    lines: dbNumber,
  });

  it('is one row per order: its earliest line’s time, its lines’ total, the alphabetically first customer', async () => {
    expect(await warehouse.query(sql`SELECT * FROM ${ordersRelation()} ORDER BY order_id`, row)).toEqual([
      {
        order_id: 'O1',
        customer_id: 'C1',
        ordered_at: '2024-01-02',
        last_line_at: '2024-01-03',
        value: 15,
        lines: 2,
      },
      {
        order_id: 'O2',
        customer_id: 'C2',
        ordered_at: '2024-02-01',
        last_line_at: '2024-02-01',
        value: 7.5,
        lines: 1,
      },
    ]);
  });

  it('takes further per-order aggregates, and keeps whole orders when asked for some', async () => {
    const orders = await warehouse.query(
      sql`SELECT order_id, customer_id, channel FROM ${ordersRelation({
        extra: sql`arg_min(channel, order_date) AS channel`,
        orderIds: sql`order_id IN (SELECT order_id FROM purchases WHERE customer_id = ${'C2'})`,
      })} WHERE customer_id = ${'C2'}`,
      dbRow({ order_id: dbText, customer_id: dbText, channel: dbText.nullable() }),
    );
    // O1 has a line of C2's but is C1's order; O2's only line names no channel.
    expect(orders).toEqual([{ order_id: 'O2', customer_id: 'C2', channel: null }]);
  });
});

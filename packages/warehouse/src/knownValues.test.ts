import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from './ingest/ingest.ts';
import { unknownValues } from './knownValues.ts';
import { sql } from './query/sql.ts';
import { openTestWarehouse, tempDir, writeFile } from './testing/fixtures.ts';
import type { Warehouse } from './Warehouse.ts';

let warehouse: Warehouse;
let dir: string;
let cleanup: () => void;
beforeAll(async () => {
  const tmp = tempDir('retain-known-values-');
  ({ dir, cleanup } = tmp);
  warehouse = await openTestWarehouse(tmp.dir);
  const purchases = writeFile(
    tmp.dir,
    'purchases.csv',
    [
      'order_id,customer_id,order_date,amount,channel,region,category',
      'o1,c1,2024-01-01 10:00:00,10,web,North,Toys',
      'o2,c2,2024-01-02 10:00:00,10,web,South,Home',
      'o3,c3,2024-01-03 10:00:00,10,store,North,',
    ].join('\n'),
  );
  const customers = writeFile(
    tmp.dir,
    'customers.csv',
    ['customer_id,region', 'c1,Nord', 'c2,Süd'].join('\n'),
  );
  await ingest(warehouse, [
    { section: 'purchases', file: purchases },
    { section: 'customers', file: customers },
  ]);
  // The audit log, as @retain/access makes and writes it.
  await warehouse.write((db) =>
    db.run(
      sql`CREATE TABLE audit_log (audit_id BIGINT PRIMARY KEY, occurred_at TIMESTAMP NOT NULL, username VARCHAR,
            action VARCHAR NOT NULL, detail JSON NOT NULL);
          INSERT INTO audit_log VALUES (1, TIMESTAMP '2024-02-01 10:00:00', 'maria', 'login', '{}')`,
    ),
  );
});
afterAll(() => {
  warehouse?.close();
  cleanup?.();
});

describe('unknownValues', () => {
  it('finds nothing unknown, and lists nothing, when every value is held', async () => {
    expect(await unknownValues(warehouse, 'channel', ['web', 'store', 'web'])).toEqual({
      unknown: [],
      known: [],
    });
    expect(await unknownValues(warehouse, 'category', [])).toEqual({ unknown: [], known: [] });
  });

  it('matches exactly, as the filters do, and lists the held values most frequent first', async () => {
    expect(await unknownValues(warehouse, 'region', ['north', 'North'])).toEqual({
      unknown: ['north'],
      known: ['North', 'South'],
    });
    expect(await unknownValues(warehouse, 'category', ['Books'])).toEqual({
      unknown: ['Books'],
      known: ['Home', 'Toys'],
    });
  });

  it('reads each filter’s own column: the call list’s region is the customer’s', async () => {
    expect((await unknownValues(warehouse, 'customerRegion', ['North'])).known).toEqual(['Nord', 'Süd']);
    expect((await unknownValues(warehouse, 'auditUser', ['Maria'])).known).toEqual(['maria']);
    expect((await unknownValues(warehouse, 'auditAction', ['login'])).unknown).toEqual([]);
    // No model has scored: no segment is held.
    expect(await unknownValues(warehouse, 'scoreSegment', ['Loyal'])).toEqual({
      unknown: ['Loyal'],
      known: [],
    });
  });

  it('holds no audit user or action where the audit log was never made', async () => {
    const empty = await openTestWarehouse(dir, 'empty.duckdb');
    try {
      expect(await unknownValues(empty, 'auditUser', ['maria'])).toEqual({ unknown: ['maria'], known: [] });
      expect(await unknownValues(empty, 'auditAction', ['login'])).toEqual({ unknown: ['login'], known: [] });
    } finally {
      empty.close();
    }
  });
});

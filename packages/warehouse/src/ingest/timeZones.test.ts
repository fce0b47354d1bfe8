import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestWarehouse, query, tempDir, writeFile } from '../testing/fixtures.ts';
import type { Warehouse } from '../Warehouse.ts';
import { ingest } from './ingest.ts';
import { inspectSource } from './inspectSource.ts';

let dir: string;
let cleanup: () => void;
let warehouse: Warehouse;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  warehouse = await openTestWarehouse(dir);
});
afterAll(() => {
  warehouse.close();
  cleanup();
});

// Written as SAP and other ERPs write them; stored in UTC.
const CASES: Array<[string, string]> = [
  ['2024-01-31 14:05:00 CET', '2024-01-31 13:05:00'],
  ['2024-07-31 14:05:00 CEST', '2024-07-31 12:05:00'],
  // CET is a zone with summer time (the tz database's and SAP's CET), CEST a fixed +02:00.
  ['2024-07-31 14:05:00 CET', '2024-07-31 12:05:00'],
  ['2024-07-31 14:05:00 EET', '2024-07-31 11:05:00'],
  ['2024-01-31 14:05:00 cet', '2024-01-31 13:05:00'],
  ['2024-01-31 09:05:00 EST', '2024-01-31 14:05:00'],
  ['2024-07-31 10:05:00 EDT', '2024-07-31 14:05:00'],
  ['2024-01-31 06:05:00 PST', '2024-01-31 14:05:00'],
  ['2024-01-31 14:05 GMT', '2024-01-31 14:05:00'],
  ['2024-01-31 14:05:00 UTC', '2024-01-31 14:05:00'],
  ['2024-01-31T14:05:00 Z', '2024-01-31 14:05:00'],
  ['2024-07-31T14:05:00 Europe/Berlin', '2024-07-31 12:05:00'],
  ['2024-01-31 14:05:00.250 Europe/Berlin', '2024-01-31 13:05:00.25'],
  ['2024-07-31 10:05:00 America/New_York', '2024-07-31 14:05:00'],
  ['2024-01-31 14:05:00+01:00', '2024-01-31 13:05:00'],
  ['2024-01-31T14:05:00Z', '2024-01-31 14:05:00'],
  ['2024-01-31 14:05:00', '2024-01-31 14:05:00'],
];

describe('timestamps with a named zone', () => {
  it('are read in their zone and stored in UTC', async () => {
    const lines = CASES.map(([value], i) => `Z${i},C1,${value},1`);
    const file = writeFile(dir, 'zones.csv', `order_id,customer_id,order_date,amount\n${lines.join('\n')}\n`);
    const summary = await ingest(warehouse, [{ section: 'purchases', file }]);
    expect(summary.purchases.inserted).toBe(CASES.length);
    const stored = await query(
      warehouse,
      `SELECT CAST(order_date AS VARCHAR) AS d FROM purchases WHERE order_id LIKE 'Z%' ORDER BY CAST(substr(order_id, 2) AS INTEGER)`,
    );
    expect(stored.map((r) => r.d)).toEqual(CASES.map(([, utc]) => utc));
  });

  it('resolved before opened is decided in UTC, not on the wall clock', async () => {
    const file = writeFile(
      dir,
      'tickets.csv',
      // T1 reads "resolved earlier" on the wall clock but is 10 minutes later in UTC; T2 the reverse.
      'complaint_id,customer_id,opened_at,resolved_at\n' +
        'T1,C1,2024-03-31 03:10:00 CEST,2024-03-31 02:20:00 CET\n' +
        'T2,C1,2024-03-31 02:20:00 CET,2024-03-31 03:10:00 CEST\n',
    );
    const error = await ingest(warehouse, [{ section: 'complaints', file }]).catch((e: unknown) => e);
    expect(error).toMatchObject({
      issues: [
        expect.objectContaining({
          line: 3,
          column: 'resolved_at',
          reason: expect.stringContaining('resolved before it was opened'),
        }),
      ],
    });
  });

  it('the Data page proposes ISO dates for them (no date format needed)', async () => {
    const file = writeFile(
      dir,
      'sap.csv',
      'Order,Customer,Created,Value\n1,C1,2024-07-31 14:05:00 CEST,5\n2,C2,2024-01-31 14:05:00 CET,6\n',
    );
    const found = await inspectSource(warehouse, file);
    expect(found.proposal.dateFormat).toBeNull();
    expect(found.notes).toEqual([]);
  });
});

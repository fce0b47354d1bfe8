import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestWarehouse, query, snapshot, tempDir, writeFile } from '../testing/fixtures.ts';
import type { Warehouse } from '../Warehouse.ts';
import { ingest } from './ingest.ts';

/* A load that changes nothing keeps the data version and writes no ingest batch. */

let dir: string;
let cleanup: () => void;
let warehouse: Warehouse;

const HEADER = 'order_id,customer_id,order_date,amount';

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  warehouse = await openTestWarehouse(dir);
  const seed = writeFile(dir, 'seed.csv', `${HEADER}\nS1,C1,2024-01-01,5\n`);
  await ingest(warehouse, [{ section: 'purchases', file: seed }]);
});
afterEach(() => {
  warehouse.close();
  cleanup();
});

const batches = async () => (await query(warehouse, 'SELECT count(*) AS n FROM ingest_batches'))[0]?.n;

describe('a load that changes nothing', () => {
  it.each([
    [
      'a CSV with only a header',
      'orders.csv',
      `${HEADER}\n`,
      'orders.csv: no data rows (only a header); nothing to load from it.',
    ],
    [
      'a gzipped header',
      'orders.csv.gz',
      zlib.gzipSync(`${HEADER}\r\n`),
      'orders.csv.gz: no data rows (only a header); nothing to load from it.',
    ],
    [
      'an empty JSON array',
      'orders.json',
      '[]',
      'orders.json: no data rows (no records); nothing to load from it.',
    ],
    [
      'blank NDJSON',
      'orders.ndjson',
      '\n\n',
      'orders.ndjson: no data rows (no records); nothing to load from it.',
    ],
  ])('%s: a warning, the same data version, no batch', async (_name, file, content, warning) => {
    const before = await snapshot(warehouse);
    const summary = await ingest(warehouse, [{ section: 'purchases', file: writeFile(dir, file, content) }]);
    expect(summary.warnings).toEqual([warning]);
    expect(summary.dataVersion).toBe(before.dataVersion);
    expect(summary.purchases).toMatchObject({ rows: 0, inserted: 0 });
    expect(await snapshot(warehouse)).toEqual(before);
    expect(await batches()).toBe(1);
  });

  it('a header-only file still has its mapping checked', async () => {
    const file = writeFile(dir, 'no-amount.csv', 'order_id,customer_id,order_date\n');
    await expect(ingest(warehouse, [{ section: 'purchases', file }])).rejects.toThrow(
      /required column amount is not mapped/,
    );
  });

  it('a header-only file beside one with rows: the rows load, the empty file is named', async () => {
    const before = await snapshot(warehouse);
    const summary = await ingest(warehouse, [
      { section: 'purchases', file: writeFile(dir, 'orders.csv', `${HEADER}\nO2,C2,2024-02-01,3\n`) },
      { section: 'complaints', file: writeFile(dir, 'tickets.csv', 'complaint_id,customer_id,opened_at\n') },
    ]);
    expect(summary.warnings).toEqual(['tickets.csv: no data rows (only a header); nothing to load from it.']);
    expect(summary.dataVersion).toBe(before.dataVersion + 1);
    expect(await batches()).toBe(2);
  });

  it('rows that are all already loaded, or all skipped', async () => {
    const before = await snapshot(warehouse);
    const again = await ingest(warehouse, [
      { section: 'purchases', file: writeFile(dir, 'again.csv', `${HEADER}\nS1,C1,2024-01-01,5\n`) },
    ]);
    expect(again.purchases).toMatchObject({ rows: 1, duplicates: 1, inserted: 0 });
    const skipped = await ingest(warehouse, [
      {
        section: 'purchases',
        file: writeFile(dir, 'anon.csv', `${HEADER}\nA1,,2024-01-01,5\n`),
        skipRowsWithoutCustomer: true,
      },
    ]);
    expect(skipped.purchases).toMatchObject({ rows: 1, skipped: 1, inserted: 0 });
    for (const summary of [again, skipped]) {
      expect(summary.dataVersion).toBe(before.dataVersion);
      expect(summary.warnings).toEqual([]);
    }
    expect(await snapshot(warehouse)).toEqual(before);
    expect(await batches()).toBe(1);
  });
});

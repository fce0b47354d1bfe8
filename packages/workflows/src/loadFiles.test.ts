import { listAudit } from '@retain/access';
import { BadInputError, dataCurrency, type Warehouse, warehouseInfo } from '@retain/warehouse';
import { openTestWarehouse, tempDir, writeFile } from '@retain/warehouse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CURRENCY, loadDemoFiles, loadFiles } from './loadFiles.ts';

let warehouse: Warehouse;
let dir: string;
let cleanup: () => void;
beforeEach(async () => {
  ({ dir, cleanup } = tempDir('retain-load-files-'));
  warehouse = await openTestWarehouse(dir);
});
afterEach(() => {
  warehouse?.close();
  cleanup?.();
});

const PURCHASES = 'order_id,customer_id,order_date,amount\nO1,C1,2024-01-05,10\nO2,C2,2024-01-06,20\n';

describe('loadFiles', () => {
  it('loads the files and audits the load: who, which files by their users’ names, the rows gained', async () => {
    const file = writeFile(dir, 'a1b2.csv', PURCHASES);
    const summary = await loadFiles(warehouse, [{ section: 'purchases', file, name: 'orders.csv' }], {
      requester: { username: 'ada', via: 'api' },
    });
    expect(summary.purchases.inserted).toBe(2);
    const [entry] = await listAudit(warehouse, { action: 'ingest' });
    expect(entry).toMatchObject({
      username: 'ada',
      detail: {
        via: 'api',
        files: [{ section: 'purchases', name: 'orders.csv' }],
        dataVersion: summary.dataVersion,
        inserted: { customers: 0, purchases: 2, complaints: 0, returns: 0 },
      },
    });
  });

  it('writes nothing, not even an audit entry, when a file is refused', async () => {
    const file = writeFile(dir, 'bad.csv', 'order_id,customer_id,order_date,amount\nO1,C1,someday,10\n');
    const error = await loadFiles(warehouse, [{ section: 'purchases', file }], {
      requester: { username: null, via: 'cli', detail: { osUser: 'ada' } },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadInputError);
    expect((await warehouseInfo(warehouse)).purchases.rows).toBe(0);
    expect(await listAudit(warehouse, { action: 'ingest' })).toEqual([]);
  });
});

describe('loadDemoFiles', () => {
  it('stores the demo currency and says in the audit entry how the data was made and by what', async () => {
    for (const [section, text] of [
      ['customers', 'customer_id,name\nC1,Ada\n'],
      ['purchases', PURCHASES],
      ['complaints', 'complaint_id,customer_id,opened_at\n'],
      ['returns', 'return_id,customer_id,returned_at,amount\n'],
    ] as const)
      writeFile(dir, `${section}.csv`, text);
    const generated = { customers: 2, seed: 7, start: '2024-01-01', end: '2024-01-31' };
    const summary = await loadDemoFiles(warehouse, dir, generated, {
      requester: { username: null, via: 'cli', detail: { osUser: 'ada' } },
      command: 'demo --ingest',
    });
    expect(summary.purchases.inserted).toBe(2);
    expect(await dataCurrency(warehouse)).toEqual({ code: DEMO_CURRENCY, source: 'data' });
    const [entry] = await listAudit(warehouse, { action: 'ingest' });
    expect(entry?.detail).toMatchObject({
      via: 'cli',
      osUser: 'ada',
      demo: generated,
      command: 'demo --ingest',
      inserted: { customers: 1, purchases: 2 },
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterValues } from './filterValues.ts';
import { ingest } from './ingest/ingest.ts';
import { openTestWarehouse, tempDir, writeFile } from './testing/fixtures.ts';
import type { Warehouse } from './Warehouse.ts';

describe('filterValues', () => {
  let warehouse: Warehouse;
  let cleanup: () => void;
  beforeAll(async () => {
    const tmp = tempDir('retain-filter-values-');
    cleanup = tmp.cleanup;
    warehouse = await openTestWarehouse(tmp.dir);
    const file = writeFile(
      tmp.dir,
      'p.csv',
      'order_id,customer_id,order_date,amount,channel,region,category\n' +
        'O1,C1,2024-01-01,1,web,North,Shoes\nO2,C2,2024-01-02,1,web,South,\nO3,C3,2024-01-03,1,store,North,Bags\n',
    );
    await ingest(warehouse, [{ section: 'purchases', file }]);
  });
  afterAll(() => {
    warehouse.close();
    cleanup();
  });

  it('lists distinct non-empty values, most frequent first', async () => {
    expect(await filterValues(warehouse)).toEqual({
      channels: ['web', 'store'],
      regions: ['North', 'South'],
      categories: ['Bags', 'Shoes'],
    });
  });
});

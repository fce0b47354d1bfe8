import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteSavedQuery, listSavedQueries, saveQuery } from './savedQueries.ts';
import { openTestWarehouse, tempDir } from './testing/fixtures.ts';
import type { Warehouse } from './Warehouse.ts';

describe('saved queries', () => {
  let warehouse: Warehouse;
  let cleanup: () => void;
  beforeAll(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    warehouse = await openTestWarehouse(tmp.dir);
  });
  afterAll(() => {
    warehouse.close();
    cleanup();
  });

  it('saves, renames, lists and deletes', async () => {
    const saved = await saveQuery(warehouse, {
      name: 'Revenue by channel',
      sql: 'SELECT 1',
      chart: { kind: 'bar', x: 'channel' },
    });
    expect(saved).toMatchObject({
      name: 'Revenue by channel',
      sql: 'SELECT 1',
      chart: { kind: 'bar', x: 'channel' },
    });
    await saveQuery(warehouse, { queryId: saved.queryId, name: 'Channels', sql: 'SELECT 2' });
    await saveQuery(warehouse, { name: 'another', sql: 'SELECT 3' });
    const all = await listSavedQueries(warehouse);
    expect(all.map((q) => [q.name, q.sql])).toEqual([
      ['another', 'SELECT 3'],
      ['Channels', 'SELECT 2'],
    ]);
    expect(await deleteSavedQuery(warehouse, saved.queryId)).toBe(true);
    expect(await deleteSavedQuery(warehouse, saved.queryId)).toBe(false);
    expect(await listSavedQueries(warehouse)).toHaveLength(1);
  });
});

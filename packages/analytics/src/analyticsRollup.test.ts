import { cohortMatrixInputSchema } from '@retain/schemas';
import { Warehouse } from '@retain/warehouse';
import { openTestWarehouse, snapshot, tempDir } from '@retain/warehouse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureAnalyticsRollup, readRollupState } from './analyticsRollup.ts';
import { cohortMatrix } from './cohortMatrix.ts';
import { type History, ingestHistory } from './testing/history.ts';

const first: History = {
  lines: [
    { orderId: 'o1', customerId: 'c1', orderDate: '2024-01-05 10:00:00', amount: 10 },
    { orderId: 'o2', customerId: 'c1', orderDate: '2024-02-05 10:00:00', amount: 10 },
  ],
  complaints: [],
  returns: [],
};
const second: History = {
  lines: [{ orderId: 'o3', customerId: 'c2', orderDate: '2024-02-10 10:00:00', amount: 5 }],
  complaints: [],
  returns: [],
};

let dir: string;
let cleanup: () => void;
let warehouse: Warehouse;
beforeEach(async () => {
  ({ dir, cleanup } = tempDir('retain-rollup-'));
  warehouse = await openTestWarehouse(dir);
  await ingestHistory(warehouse, dir, first);
});
afterEach(() => {
  warehouse.close();
  cleanup();
});

const matrix = (wh: Warehouse) => cohortMatrix(wh, cohortMatrixInputSchema.parse({}));

describe('the analytics rollup', () => {
  it('is built on first use, once per data version, without touching the data', async () => {
    const before = await snapshot(warehouse);
    expect(await warehouse.read(readRollupState)).toBeNull();
    const built = await ensureAnalyticsRollup(warehouse);
    expect(built).toMatchObject({ dataVersion: before.dataVersion });
    expect(await ensureAnalyticsRollup(warehouse)).toEqual(built);
    expect(await snapshot(warehouse)).toEqual(before);
  });

  it('is rebuilt after an ingest, by one build however many ask', async () => {
    expect((await matrix(warehouse)).cohorts.map((c) => c.size)).toEqual([1]);
    await ingestHistory(warehouse, dir, second);
    expect(await warehouse.read(readRollupState)).toBeNull();
    const states = await Promise.all([1, 2, 3].map(() => ensureAnalyticsRollup(warehouse)));
    expect(new Set(states.map((s) => s.buildSeconds)).size).toBe(1);
    expect(states[0]?.dataVersion).toBe(2);
    expect((await matrix(warehouse)).cohorts.map((c) => [c.cohort, c.size])).toEqual([
      ['2024-01', 1],
      ['2024-02', 1],
    ]);
  });

  it('serves a read-only database when current and says what to do when not', async () => {
    await ensureAnalyticsRollup(warehouse);
    const file = warehouse.path;
    warehouse.close();
    const reader = await Warehouse.open(file, { readOnly: true });
    try {
      expect((await matrix(reader)).cohorts).toHaveLength(1);
    } finally {
      reader.close();
    }
    warehouse = await Warehouse.open(file);
    await ingestHistory(warehouse, dir, second);
    warehouse.close();
    const stale = await Warehouse.open(file, { readOnly: true });
    try {
      await expect(matrix(stale)).rejects.toThrow(/out of date.*read-only/);
    } finally {
      stale.close();
      warehouse = await Warehouse.open(file);
    }
  });
});

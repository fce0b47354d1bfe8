import type { Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { type History, ingestHistory } from './history.ts';

/** A fresh warehouse holding `history`, loaded through ingest; `close` removes it. */
export async function openFixture(history: History): Promise<{ warehouse: Warehouse; close: () => void }> {
  const { dir, cleanup } = tempDir('retain-analytics-');
  const warehouse = await openTestWarehouse(dir);
  await ingestHistory(warehouse, dir, history);
  return {
    warehouse,
    close: () => {
      warehouse.close();
      cleanup();
    },
  };
}

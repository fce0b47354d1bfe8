import { BadInputError, type Db, type Warehouse } from '@retain/warehouse';
import { ensureAnalyticsRollup, type RollupState, readCurrentRollupState } from './analyticsRollup.ts';

/** Warehouses whose rollup this process has seen in place: their reads skip the catalog lookup. */
const rollupSeen = new WeakSet<Warehouse>();

/**
 * Runs an analytics read on a pooled read connection, in one snapshot, against a rollup that
 * matches the data. The rollup's state is read inside the snapshot (one statement): if an ingest
 * has made it stale, it is rebuilt and the read retried.
 */
export async function readAnalytics<T>(
  warehouse: Warehouse,
  task: (conn: Db, state: RollupState) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!rollupSeen.has(warehouse)) {
      await ensureAnalyticsRollup(warehouse);
      rollupSeen.add(warehouse);
    }
    const result = await warehouse
      .snapshot(async (db) => {
        const state = await readCurrentRollupState(db);
        return state ? { value: await task(db, state) } : null;
      })
      .catch((error: unknown) => {
        // Not the user's mistake: perhaps the rollup tables were dropped; look them up again next time.
        if (!(error instanceof BadInputError)) rollupSeen.delete(warehouse);
        throw error;
      });
    if (result) return result.value;
    rollupSeen.delete(warehouse);
  }
  throw new Error('the data kept changing while the analytics tables were rebuilt; try again');
}

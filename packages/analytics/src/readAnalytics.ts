import { BadInputError, type Db, Warehouse } from '@retain/warehouse';
import { ensureAnalyticsRollup, type RollupState, readCurrentRollupState } from './analyticsRollup.ts';

/**
 * Where analytics read from, on any engine: it runs a read against a rollup current with the data
 * (building it first if need be), on the engine that holds the data. `analyticsOn(db)` gives one
 * for any `Db` (a Trino cluster); a `Warehouse` is one as it stands.
 */
export interface AnalyticsSource {
  read<T>(task: (conn: Db, state: RollupState) => Promise<T>): Promise<T>;
}

/** What the analytics entry points read: the embedded warehouse or a source on another engine. */
export type AnalyticsTarget = Warehouse | AnalyticsSource;

/** Warehouses whose rollup this process has seen in place: their reads skip the catalog lookup. */
const rollupSeen = new WeakSet<Warehouse>();

/**
 * Runs an analytics read against a rollup that matches the data. On a warehouse it runs on a pooled
 * read connection, in one snapshot; the rollup's state is read inside the snapshot (one
 * statement): if an ingest has made it stale, it is rebuilt and the read retried.
 */
export async function readAnalytics<T>(
  target: AnalyticsTarget,
  task: (conn: Db, state: RollupState) => Promise<T>,
): Promise<T> {
  if (!(target instanceof Warehouse)) return target.read(task);
  const warehouse = target;
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

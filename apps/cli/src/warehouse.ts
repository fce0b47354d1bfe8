import type { Warehouse } from '@retain/warehouse';
import { resolveDb } from './env.ts';

/** Opens the warehouse named by --db / RETAIN_DB / the default, runs `task`, and closes it. */
export async function withWarehouse<T>(
  db: string | undefined,
  task: (warehouse: Warehouse) => Promise<T>,
): Promise<T> {
  // Loaded on demand: DuckDB's native library is not needed for --help.
  const { Warehouse } = await import('@retain/warehouse');
  const warehouse = await Warehouse.open(resolveDb(db));
  try {
    return await task(warehouse);
  } finally {
    warehouse.close();
  }
}

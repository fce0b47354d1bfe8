import { dbNumber, sql, type Warehouse } from '@retain/warehouse';
import { churnTablesExist } from '../churnTables.ts';

/** How many customers the scores in use (`latest_scores`) cover: 0 before any model has scored. */
export async function latestScoresCount(warehouse: Warehouse): Promise<number> {
  return warehouse.read(async (db) =>
    (await churnTablesExist(db)) ? db.scalar(sql`SELECT count(*) FROM latest_scores`, dbNumber) : 0,
  );
}

import { ensureAccessTables } from '@retain/access';
import { ensureChurnTables } from '@retain/churn';
import { ensureOutreachTables } from '@retain/outreach';
import type { Warehouse } from '@retain/warehouse';
import { ensureEngineCacheTables } from './engineCache.ts';

/**
 * Creates the tables the packages own where they are missing (access's users, sessions and audit
 * log, churn's models and scores, outreach's outcomes and saved lists, and the cache of results
 * computed on a Trino cluster), as the front ends open a warehouse for writing: the SQL
 * console's views, made at start-up, and the call list, which reads outcomes beside the scores,
 * then find them in a database no model has scored in yet. Each package also creates its tables
 * before it first writes to them, and its readers answer "none" where they are missing (a
 * read-only open, where this creates nothing).
 */
export async function preparePackageTables(warehouse: Warehouse): Promise<void> {
  await ensureAccessTables(warehouse);
  await ensureChurnTables(warehouse);
  await ensureOutreachTables(warehouse);
  await ensureEngineCacheTables(warehouse);
}

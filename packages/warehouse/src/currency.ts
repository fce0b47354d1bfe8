import { type Currency, currencyCodeSchema, resolveCurrency } from '@retain/schemas';
import type { Db } from './query/Db.ts';
import { readMeta, writeMeta } from './schema.ts';
import type { Warehouse } from './Warehouse.ts';

/** The meta key under which a load records the currency of its amounts. */
export const CURRENCY_KEY = 'currency';

/** The currency stored with the data (an ISO 4217 code), or null when no load has said. */
export async function storedCurrency(db: Db): Promise<string | null> {
  return readMeta(db, CURRENCY_KEY);
}

/**
 * Records the currency of the data's amounts, as part of a load that names it (the load's new data
 * version is what tells the API's caches that info.get changed).
 */
export async function storeCurrency(warehouse: Warehouse, code: string): Promise<void> {
  const checked = currencyCodeSchema.parse(code);
  await warehouse.write((db) => writeMeta(db, CURRENCY_KEY, checked));
}

/** The currency amounts are in: the setting (RETAIN_CURRENCY) where there is one, else the data's. */
export async function dataCurrency(warehouse: Warehouse, setting?: string | null): Promise<Currency> {
  return warehouse.read(async (db) => resolveCurrency(setting, await storedCurrency(db)));
}

import type { Warehouse } from '@retain/warehouse';
import { ResultCache } from './resultCache.ts';

/** What every procedure can reach. Built once per server; per-request data is added in createContext. */
export interface ApiServices {
  warehouse: Warehouse;
  cache: ResultCache;
}

export interface ApiContext extends ApiServices {}

export function createServices(warehouse: Warehouse): ApiServices {
  return { warehouse, cache: new ResultCache() };
}

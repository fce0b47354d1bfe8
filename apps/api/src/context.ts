import path from 'node:path';
import type { IngestProgress, Warehouse } from '@retain/warehouse';
import { JobProgress } from './jobProgress.ts';
import { ResultCache } from './resultCache.ts';
import { UploadStore } from './uploads.ts';

/** What every procedure can reach. Built once per server; per-request data is added in createContext. */
export interface ApiServices {
  warehouse: Warehouse;
  cache: ResultCache;
  /** Files uploaded from the Data page, beside the database. */
  uploads: UploadStore;
  /** Progress of loads started from the Data page. */
  loads: JobProgress<LoadEvent>;
}

export type LoadEvent = IngestProgress | { section: null; step: 'done' | 'failed'; percent: 100 };

export interface ApiContext extends ApiServices {}

export function createServices(warehouse: Warehouse): ApiServices {
  return {
    warehouse,
    cache: new ResultCache(),
    uploads: new UploadStore(path.join(path.dirname(warehouse.path), 'uploads')),
    loads: new JobProgress<LoadEvent>(),
  };
}

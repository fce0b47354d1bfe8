import path from 'node:path';
import { ChurnTrainingManager } from '@retain/churn';
import type { TrainingEvent } from '@retain/schemas';
import type { IngestProgress, Warehouse } from '@retain/warehouse';
import { CallListDownloads } from './exports.ts';
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
  /** One-time tokens for call-list downloads (see exports.ts). */
  downloads: CallListDownloads;
  /** Churn model training in the background, one run at a time. */
  training: ChurnTrainingManager;
  /** Progress of training runs, for `model.progress`. */
  trainingProgress: JobProgress<TrainingEvent>;
}

export type LoadEvent = IngestProgress | { section: null; step: 'done' | 'failed'; percent: 100 };

export interface ApiContext extends ApiServices {}

export function createServices(warehouse: Warehouse): ApiServices {
  const cache = new ResultCache();
  const trainingProgress = new JobProgress<TrainingEvent>();
  const training = new ChurnTrainingManager(warehouse, {
    onEvent: (event) =>
      trainingProgress.publish(event.jobId, event, event.phase === 'done' || event.phase === 'failed'),
    // New scores change what latest_scores (and every read built on it) returns.
    onModelReady: () => cache.clear(),
  });
  return {
    warehouse,
    cache,
    uploads: new UploadStore(path.join(path.dirname(warehouse.path), 'uploads')),
    loads: new JobProgress<LoadEvent>(),
    downloads: new CallListDownloads(),
    training,
    trainingProgress,
  };
}

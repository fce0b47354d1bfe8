import {
  type ChurnTrainingManager,
  type TrainingProgress,
  type TrainResult,
  trainChurnModel,
} from '@retain/churn';
import type { TrainInput, TrainingEvent } from '@retain/schemas';
import type { Db, Warehouse } from '@retain/warehouse';
import { auditAs, type Requester } from './requester.ts';

/** The settings of a run as the audit log keeps them. */
const settingsOf = (input: Partial<TrainInput>) => ({
  asOf: input.asOf ?? null,
  horizonDays: input.horizonDays,
  seed: input.seed,
});

/**
 * Trains a churn model version in this process and waits for it (the CLI's `train`): the start is
 * audited first, with who asked and the settings, so that a run that fails is on record too.
 */
export async function trainModel(
  warehouse: Warehouse,
  input: TrainInput,
  options: {
    requester: Requester;
    currency?: string;
    onProgress?: (progress: TrainingProgress) => void;
    /** Where the features are extracted (a Trino cluster: churnFeatureEngine); default: the warehouse. */
    features?: Db;
  },
): Promise<TrainResult> {
  await auditAs(warehouse, options.requester, 'train', settingsOf(input));
  return trainChurnModel(warehouse, {
    ...(options.features ? { features: options.features } : {}),
    horizonDays: input.horizonDays,
    seed: input.seed,
    ...(input.asOf ? { asOf: input.asOf } : {}),
    ...(options.currency ? { currency: options.currency } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

/**
 * Starts a training in the background on a server's manager (one at a time: a second start throws
 * TrainingBusyError) and audits the start with its job id; `done` settles when the run ends.
 */
export async function startTraining(
  warehouse: Warehouse,
  training: ChurnTrainingManager,
  input: Partial<TrainInput>,
  options: {
    requester: Requester;
    onEvent?: (event: TrainingEvent) => void;
    /** Kept with the audit entry instead of the settings (e.g. why the server started it). */
    detail?: Record<string, unknown>;
  },
): Promise<{ jobId: string; startedAt: string; done: Promise<TrainResult | null> }> {
  const job = training.start(input, options.onEvent);
  // Queued on the writer before anything the run itself writes (it reads first), so the
  // answer does not wait for the training.
  await auditAs(warehouse, options.requester, 'train', {
    jobId: job.jobId,
    ...(options.detail ?? settingsOf(input)),
  });
  return job;
}

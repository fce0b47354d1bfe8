import { randomBytes } from 'node:crypto';
import type { TrainInput, TrainingEvent } from '@retain/schemas';
import { isBadInput, ParameterError, type Warehouse } from '@retain/warehouse';
import { type TrainOptions, type TrainResult, trainChurnModel } from './train.ts';

/** A second training was asked for while one runs (the API answers CONFLICT). */
export class TrainingBusyError extends Error {
  override readonly name = 'TrainingBusyError';
}

export interface TrainingJob {
  jobId: string;
  startedAt: string;
  last: TrainingEvent;
}

export interface TrainingManagerOptions {
  /** Every progress event of every run (e.g. published to subscribers). */
  onEvent?: (event: TrainingEvent) => void;
  /** After a new version and its scores are committed (e.g. to drop cached reads). */
  onModelReady?: (result: TrainResult) => void;
  /** Fixed options for every run (tests pass a smaller set-up). */
  trainOptions?: Partial<TrainOptions>;
  /** Where a failure that is not the user's to fix is logged in full (default: standard error). */
  logFailure?: (reference: string, error: unknown) => void;
}

/**
 * One training at a time per server: starts runs in the background (the CPU-bound part in a worker
 * thread, so requests keep being answered) and remembers the progress of the current and last run.
 */
export class ChurnTrainingManager {
  private job: (TrainingJob & { controller: AbortController; done: Promise<TrainResult | null> }) | null =
    null;
  private lastEvent: TrainingEvent | null = null;

  constructor(
    private readonly warehouse: Warehouse,
    private readonly options: TrainingManagerOptions = {},
  ) {}

  /** The run in progress, if any. */
  get current(): TrainingJob | null {
    return this.job ? { jobId: this.job.jobId, startedAt: this.job.startedAt, last: this.job.last } : null;
  }

  /** The latest event of the current run, else of the last run (null before the first). */
  get latest(): TrainingEvent | null {
    return this.lastEvent;
  }

  /**
   * Starts a run and returns at once; `done` settles with the result (null when the run failed, its
   * error being in the last event).
   */
  start(
    input: Partial<TrainInput> = {},
    onEvent?: (event: TrainingEvent) => void,
  ): { jobId: string; startedAt: string; done: Promise<TrainResult | null> } {
    if (this.job) throw new TrainingBusyError(`A model is already training (job ${this.job.jobId}).`);
    const jobId = `train-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const startedAt = new Date().toISOString();
    const controller = new AbortController();
    const emit = (event: TrainingEvent) => {
      if (this.job?.jobId === jobId) this.job.last = event;
      this.lastEvent = event;
      onEvent?.(event);
      this.options.onEvent?.(event);
    };
    const done = trainChurnModel(this.warehouse, {
      ...this.options.trainOptions,
      ...(input.asOf ? { asOf: input.asOf } : {}),
      ...(input.horizonDays ? { horizonDays: input.horizonDays } : {}),
      ...(input.seed !== undefined ? { seed: input.seed } : {}),
      signal: controller.signal,
      onProgress: (progress) => {
        // 'done' is announced below, once the caches know about the new version.
        if (progress.phase !== 'done') emit({ jobId, ...progress });
      },
    }).then(
      (result) => {
        this.options.onModelReady?.(result);
        this.job = null;
        emit({
          jobId,
          phase: 'done',
          message: `model ${result.modelId} is ready`,
          percent: 100,
          modelId: result.modelId,
        });
        return result;
      },
      (error: unknown) => {
        const message = failureMessage(error, this.options.logFailure);
        this.job = null;
        emit({
          jobId,
          phase: 'failed',
          message: `training failed: ${message}`,
          percent: 100,
          error: message,
          ...(error instanceof ParameterError ? { problem: error.problem } : {}),
        });
        return null;
      },
    );
    const first: TrainingEvent = { jobId, phase: 'features', message: 'starting', percent: 0 };
    this.job = { jobId, startedAt, last: first, controller, done };
    emit(first);
    return { jobId, startedAt, done };
  }

  /** Cancels the run in progress (its worker thread is terminated) and waits for it to wind down. */
  async cancel(): Promise<void> {
    const job = this.job;
    if (!job) return;
    job.controller.abort();
    await job.done;
  }
}

/**
 * What a failed run tells the people watching it: the message of bad input (a date after the data's
 * end, no purchases) as it is; anything else only as a reference to the full error in the log, so
 * that no internal message or path reaches a dashboard.
 */
function failureMessage(error: unknown, log?: (reference: string, error: unknown) => void): string {
  if (isBadInput(error)) return error.message;
  const reference = randomBytes(4).toString('hex');
  (log ?? ((ref, e) => console.error(`[training] failed (ref ${ref}):`, e)))(reference, error);
  return `something went wrong while training; it has been logged (ref ${reference})`;
}

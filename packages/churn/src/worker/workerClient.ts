import { Worker } from 'node:worker_threads';
import { type JobKind, type Jobs, runJobHere, type WorkerMessage } from './jobs.ts';

/** Runs churn jobs somewhere: in a worker thread (the default) or in this thread. */
export interface JobRunner {
  run<K extends JobKind>(
    kind: K,
    input: Jobs[K]['input'],
    onProgress?: (progress: Jobs[K]['progress']) => void,
  ): Promise<Jobs[K]['output']>;
  close(): Promise<void>;
}

export class TrainingAbortedError extends Error {
  override readonly name = 'TrainingAbortedError';
}

/**
 * A worker thread for the CPU-bound part of training and scoring (tfjs, trees, BG/NBD), so that the
 * API keeps answering meanwhile. Aborting terminates the thread at once; nothing it computed is kept.
 */
export function startWorker(signal?: AbortSignal): JobRunner {
  const worker = new Worker(new URL('./entry.mjs', import.meta.url));
  worker.unref();
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void; onProgress?: (p: unknown) => void }
  >();
  const failAll = (error: Error) => {
    for (const job of pending.values()) job.reject(error);
    pending.clear();
  };
  worker.on('message', (message: WorkerMessage) => {
    const job = pending.get(message.id);
    if (!job) return;
    if (message.type === 'progress') job.onProgress?.(message.progress);
    else {
      pending.delete(message.id);
      if (message.type === 'done') job.resolve(message.output);
      else
        job.reject(Object.assign(new Error(message.message), message.stack ? { stack: message.stack } : {}));
    }
  });
  worker.on('error', (error) => failAll(error));
  worker.on('exit', (code) => {
    if (pending.size > 0) failAll(new Error(`the churn worker stopped (exit code ${code})`));
  });
  const onAbort = () => {
    failAll(new TrainingAbortedError('training was cancelled'));
    void worker.terminate();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    run(kind, input, onProgress) {
      if (signal?.aborted) return Promise.reject(new TrainingAbortedError('training was cancelled'));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        worker.ref();
        pending.set(id, {
          resolve: (value) => {
            if (pending.size === 0) worker.unref();
            resolve(value as never);
          },
          reject,
          ...(onProgress ? { onProgress: onProgress as (p: unknown) => void } : {}),
        });
        // Inputs are copied, not moved: the caller usually still needs them (scoring renders reasons).
        worker.postMessage({ id, kind, input });
      });
    },
    async close() {
      signal?.removeEventListener('abort', onAbort);
      await worker.terminate();
    },
  };
}

/** The same jobs in this thread (tests, or where worker threads are unwanted). */
export function inlineRunner(): JobRunner {
  return {
    run: (kind, input, onProgress) => runJobHere(kind, input, onProgress ?? (() => {})),
    close: async () => {},
  };
}

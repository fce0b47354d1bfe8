import type { ScoreChunk, ScoreJobInput, ScoreJobOutput } from './scoreJob.ts';
import type { TrainJobInput, TrainJobOutput, TrainProgress } from './trainJob.ts';

/** The jobs a churn worker runs, with their inputs, outputs and progress reports. */
export interface Jobs {
  train: { input: TrainJobInput; output: TrainJobOutput; progress: TrainProgress };
  score: { input: ScoreJobInput; output: ScoreJobOutput; progress: ScoreProgress };
}
export type JobKind = keyof Jobs;

/** A scored chunk, with how far the job has got. */
export interface ScoreProgress {
  chunk: ScoreChunk;
  done: number;
  total: number;
}

export type WorkerRequest = { [K in JobKind]: { id: number; kind: K; input: Jobs[K]['input'] } }[JobKind];

export type WorkerMessage =
  | { id: number; type: 'progress'; progress: Jobs[JobKind]['progress'] }
  | { id: number; type: 'done'; output: Jobs[JobKind]['output'] }
  | { id: number; type: 'error'; message: string; stack?: string };

/**
 * The ArrayBuffers under `value` that can be moved rather than copied: only typed arrays that are
 * the sole view of their buffer (a slice of Node's Buffer pool must be copied).
 */
export function transferList(value: unknown, seen = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    const buffer = value.buffer;
    if (buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === buffer.byteLength) {
      seen.add(buffer);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'object' && item !== null) transferList(item, seen);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value))
      if (typeof item === 'object' && item !== null) transferList(item, seen);
  }
  return [...seen];
}

/** Runs the job in this thread: what the worker does, for callers that must not start one. */
export async function runJobHere<K extends JobKind>(
  kind: K,
  input: Jobs[K]['input'],
  onProgress: (progress: Jobs[K]['progress']) => void,
): Promise<Jobs[K]['output']> {
  if (kind === 'train') {
    const { runTrainJob } = await import('./trainJob.ts');
    return (await runTrainJob(
      input as TrainJobInput,
      onProgress as (p: TrainProgress) => void,
    )) as Jobs[K]['output'];
  }
  const { runScoreJob } = await import('./scoreJob.ts');
  return (await runScoreJob(input as ScoreJobInput, (chunk, done, total) =>
    (onProgress as (p: ScoreProgress) => void)({ chunk, done, total }),
  )) as ScoreJobOutput as Jobs[K]['output'];
}

import { availableParallelism } from 'node:os';
import type { ScoreChunk, ScoreJobInput } from '../worker/scoreJob.ts';
import type { JobRunner } from '../worker/workerClient.ts';

/** Scoring threads at most: the machine's cores, up to two (the main thread writes meanwhile). */
export const SCORING_THREADS = Math.max(1, Math.min(2, availableParallelism()));

/**
 * Scores the table on every runner at once, each a contiguous half (or third …) of the rows: each
 * computes the same population baseline and BG/NBD fit from the whole table, so the scores do not
 * depend on how the rows were split. Chunks arrive as they are done, from either runner.
 */
export async function scoreInParallel(
  runners: readonly JobRunner[],
  input: Omit<ScoreJobInput, 'range'>,
  onChunk: (chunk: ScoreChunk) => void,
  onProgress?: (done: number, total: number) => void,
): Promise<{ backend: string }> {
  const n = input.table.rows;
  const parts = Math.max(1, Math.min(runners.length, Math.ceil(n / 65_536)));
  let done = 0;
  const results = await Promise.all(
    runners.slice(0, parts).map((runner, k) =>
      runner.run(
        'score',
        { ...input, range: { from: Math.floor((n * k) / parts), to: Math.floor((n * (k + 1)) / parts) } },
        (p) => {
          onChunk(p.chunk);
          done += p.chunk.probability.length;
          onProgress?.(done, n);
        },
      ),
    ),
  );
  return { backend: results[0]?.backend ?? 'none' };
}

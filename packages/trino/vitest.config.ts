import { defineConfig } from 'vitest/config';

export default defineConfig({
  // One file at a time: the suites share one small cluster (and its memory limit).
  test: { testTimeout: 60_000, hookTimeout: 60_000, pool: 'forks', fileParallelism: false },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  // One file at a time: the suites share one small cluster (and its memory limit). A conformance
  // case reads hundreds of figures from a cluster that shares two cores with the rest of the test
  // run: minutes, not seconds, on a loaded machine.
  test: { testTimeout: 300_000, hookTimeout: 300_000, pool: 'forks', fileParallelism: false },
});

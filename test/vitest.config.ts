import { defineConfig } from 'vitest/config';

// Browser tests share one server and one Chromium per file; files run one at a time (2 cores).
export default defineConfig({
  test: {
    include: ['**/*.e2e.test.ts', '**/*.test.ts'],
    exclude: ['**/node_modules/**', 'artifacts/**'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    pool: 'forks',
  },
});

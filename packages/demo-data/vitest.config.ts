import { defineConfig } from 'vitest/config';

// Generating a few thousand customers takes seconds on a busy machine; the default 5 s is too tight.
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 60_000 },
});

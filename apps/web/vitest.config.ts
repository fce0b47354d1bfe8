import { defineConfig } from 'vitest/config';

// Unit tests of the dashboard's pure modules (data shaping, formatting, URL state); no DOM needed.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});

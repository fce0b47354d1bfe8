import { defineConfig } from 'vitest/config';

// One vitest project per workspace package (each with its own vitest.config.ts where it needs one),
// so `npx vitest run <path>` from the root behaves like the package's own `npm test`.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'test'],
  },
});

import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Benchmarks run one file at a time so they do not compete for the 2 cores.
export default defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  test: {
    include: ['e2e/bench/**/*.bench-run.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});

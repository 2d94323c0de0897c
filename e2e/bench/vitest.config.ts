import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Benchmarks print ratios measured in one run against a baseline from the same run
// (never absolute timings, never assertions on speed). One file at a time, so two
// benchmarks don't share the 2 cores.
export default defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  test: {
    include: ['e2e/bench/**/*.bench-run.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});

import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Unit and integration tests sit beside the source; they run against real loopback
// servers, so they get generous timeouts and run in forked processes.
export default defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  test: {
    include: ['src-main/**/*.test.ts', 'src-preload/**/*.test.ts', 'src-renderer/src/**/*.test.ts'],
    pool: 'forks',
    // Vitest's default is one fork fewer than the CPUs: one on a 2-core machine, which ran
    // the 163 files one after another. Most of a file's time is spent waiting on its
    // loopback peers (timeouts, slow banners, DNS latency), so two forks on two cores
    // halve the wall time without starving either.
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The CLI writes ✓/✗ marks unless the reader asks for plain words (NO_COLOR, TERM=dumb);
    // the tests that read them must not depend on the terminal of whoever runs the suite.
    // Tests of the plain mode set these themselves.
    env: { NO_COLOR: '', TERM: 'xterm-256color' },
  },
});

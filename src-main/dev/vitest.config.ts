import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Unit and integration tests sit beside the source; they run against real loopback
// servers, so they get generous timeouts and run in forked processes.
export default defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  test: {
    include: ['src-main/**/*.test.ts', 'src-preload/**/*.test.ts', 'src-renderer/src/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

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
    // The CLI writes ✓/✗ marks unless the reader asks for plain words (NO_COLOR, TERM=dumb);
    // the tests that read them must not depend on the terminal of whoever runs the suite.
    // Tests of the plain mode set these themselves.
    env: { NO_COLOR: '', TERM: 'xterm-256color' },
  },
});

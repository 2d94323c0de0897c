/**
 * Vitest fixture: one test DNS server per test file, and a fresh run resolver pointed at
 * it for each check (short timeouts, no retries: faults are injected on purpose).
 */
import { afterAll, beforeAll } from 'vitest';
import { createResolver } from '../dns/resolver';
import { withRunMemo, type RunResolver } from '../dns/run-memo';
import { serverAddress } from '../dns/servers';
import { startTestDnsServer, type TestDnsServer } from './dns-test-server';
import type { Zone } from './dns-zone';

export interface TestDns {
  server(): TestDnsServer;
  resolver(options?: { timeoutMs?: number; retries?: number }): RunResolver;
}

export function useTestDns(zones: readonly Zone[]): TestDns {
  let server: TestDnsServer | undefined;
  beforeAll(async () => {
    server = await startTestDnsServer({ zones });
  });
  afterAll(() => server?.close());
  const running = () => {
    if (server === undefined) throw new Error('the test DNS server is not running (use inside a test)');
    return server;
  };
  return {
    server: running,
    resolver: (options = {}) =>
      withRunMemo(createResolver({ servers: [serverAddress('127.0.0.1', running().port)], kind: 'explicit', timeoutMs: options.timeoutMs ?? 300, retries: options.retries ?? 0 })),
  };
}

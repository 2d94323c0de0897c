/**
 * A checklist run asks a dozen DNS questions at once under one signal. Each exchange
 * listens on the signal it is given; before, all of them listened on the caller's signal
 * (MaxListenersExceededWarning: 11 abort listeners). Now the caller's signal carries one
 * listener while questions are in flight and none once they end, and cancelling still stops them.
 */
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestDnsServer, type TestDnsServer } from '../testing/dns-test-server';
import { rr } from '../testing/dns-zone';
import { createResolver } from './resolver';
import { withRunMemo } from './run-memo';
import { serverAddress } from './servers';

const NAMES = Array.from({ length: 16 }, (_, i) => `n${i}.listeners.example`);
let server: TestDnsServer;

beforeAll(async () => {
  server = await startTestDnsServer({ zones: [{ origin: 'listeners.example', records: NAMES.map((n) => rr.a(n, '192.0.2.1')) }], latencyMs: 30 });
});
afterAll(() => server.close());

const resolver = () => createResolver({ servers: [serverAddress('127.0.0.1', server.port)], kind: 'explicit', timeoutMs: 2000, retries: 0 });

it('sixteen questions in flight put one listener on the run signal, and none after they end', async () => {
  const run = new AbortController();
  const memo = withRunMemo(resolver(), run.signal);
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on('warning', onWarning);
  try {
    const answers = Promise.all(NAMES.map((n) => memo.lookup(n, 'A')));
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(1);
    expect((await answers).every((a) => a.outcome === 'answer')).toBe(true);
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
    // The next question of the same run listens again while it runs, and lets go after.
    const next = memo.lookup('n0.listeners.example', 'AAAA');
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(1);
    await next;
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  expect(warnings).not.toContain('MaxListenersExceededWarning');
});

it('cancelling the run still stops every question in flight', async () => {
  const run = new AbortController();
  const memo = withRunMemo(resolver(), run.signal);
  const answers = Promise.allSettled(NAMES.map((n) => memo.lookup(n, 'TXT')));
  run.abort(new Error('stopped'));
  const settled = await answers;
  expect(settled.every((s) => s.status === 'rejected')).toBe(true);
  expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
});

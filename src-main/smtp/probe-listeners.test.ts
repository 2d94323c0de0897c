/**
 * A probe hands one cancellation signal to every combination it tries. Each step (connect,
 * TLS handshake, SMTP wire) listens on it while it runs and must stop listening when it
 * ends: otherwise twelve combinations pile up listeners on that one signal, Node prints
 * MaxListenersExceededWarning after a port probe, and a long-running bridge leaks them.
 */
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { probeHost } from './probe';
import { netConnect, type Connect } from './tcp-connect';

let pki: TestPki;
const peers: SmtpPeer[] = [];

beforeAll(async () => {
  pki = createTestPki();
  const account = { username: 'a@example.com', secret: 's' };
  for (const security of ['starttls', 'tls', 'starttls', 'starttls', 'tls', 'starttls'] as const) peers.push(await startSmtpPeer({ security, certificate: pki.leaf, account }));
});
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
  pki.cleanup();
});

it('a 12-combination probe leaves no abort listener behind and never crowds one signal', async () => {
  const signals = new Set<AbortSignal>();
  let most = 0;
  const watching: Connect = (options) => {
    signals.add(options.signal);
    return netConnect(options);
  };
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  // Sampled while the combinations run: what a 13th combination would see.
  const sampler = setInterval(() => {
    for (const s of signals) most = Math.max(most, getEventListeners(s, 'abort').length);
  }, 1);
  const caller = new AbortController();
  try {
    const result = await probeHost({ host: '127.0.0.1', ports: peers.map((p) => p.port), concurrency: 6 }, { ca: [pki.ca], connect: watching, signal: caller.signal });
    expect(result.ok && result.value.results.filter((r) => r.status === 'ok')).toHaveLength(6);
  } finally {
    clearInterval(sampler);
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
  }
  expect(signals.size).toBeGreaterThan(0);
  for (const s of signals) expect(getEventListeners(s, 'abort')).toHaveLength(0);
  expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  expect(most).toBeLessThanOrEqual(10);
  expect(warnings.filter((w) => w.includes('MaxListenersExceeded'))).toEqual([]);
});

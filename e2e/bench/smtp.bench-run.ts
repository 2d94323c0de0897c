/**
 * SMTP benchmarks (`npm run bench`; alone: `npx vitest run --config e2e/bench/vitest.config.ts e2e/bench/smtp.bench-run.ts`).
 * Ratios measured in one run against servers on 127.0.0.1, printed, never asserted:
 *   (a) the 12-combination port probe, concurrent vs one at a time (target >= 4x), on
 *       plain loopback and behind a simulated 20 ms round trip (a probe waits on the
 *       network, which loopback hides);
 *   (b) a full connection test with a test message vs `swaks --auth --tls` on the same
 *       server (target <= 1.1x swaks' wall time).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, it } from 'vitest';
import { probeHost } from '../../src-main/smtp/probe';
import { testConnection } from '../../src-main/smtp/connection-test';
import { startLatencyProxy, type LatencyProxy } from '../../src-main/testing/smtp-latency-proxy';
import { startSmtpPeer, type SmtpPeer } from '../../src-main/testing/smtp-peer';
import { createTestPki, type TestPki } from '../../src-main/testing/tls-certs';

const run = promisify(execFile);
const ROUNDS = 5;
const USER = 'bench@example.com';
const SECRET = 'bench-secret';

const ONE_WAY_MS = 10;

let pki: TestPki;
const peers: SmtpPeer[] = [];
const proxies: LatencyProxy[] = [];

beforeAll(async () => {
  pki = createTestPki();
  const account = { username: USER, secret: SECRET };
  // Six ports like 25, 465, 587, 2525, 2465, 2587: four STARTTLS, two implicit TLS.
  for (const security of ['starttls', 'tls', 'starttls', 'starttls', 'tls', 'starttls'] as const) {
    const peer = await startSmtpPeer({ security, certificate: pki.leaf, account });
    peers.push(peer);
    proxies.push(await startLatencyProxy(peer, ONE_WAY_MS));
  }
});
afterAll(async () => {
  await Promise.all([...proxies.map((p) => p.close()), ...peers.map((p) => p.close())]);
  pki.cleanup();
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** Debian's swaks with TLS support; installed here when running as root (CI). */
async function ensureSwaks(): Promise<string | null> {
  const ready = () => run('perl', ['-MNet::SSLeay', '-e', '1']).then(() => run('swaks', ['--version'])).then(() => true, () => false);
  if (await ready()) return null;
  if (process.getuid?.() !== 0) return 'swaks with TLS is not installed (sudo apt-get install swaks libnet-ssleay-perl)';
  const install = 'apt-get install -y --no-install-recommends swaks libnet-ssleay-perl || (apt-get update && apt-get install -y --no-install-recommends swaks libnet-ssleay-perl)';
  await run('sh', ['-c', install], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).catch(() => undefined);
  return (await ready()) ? null : 'swaks could not be installed';
}

async function probeSpeedup(ports: number[]): Promise<{ speedup: number; concurrent: number; sequential: number }> {
  const probe = (concurrency: number) => async () => {
    const result = await probeHost({ host: '127.0.0.1', ports, concurrency, timeouts: { greetingMs: 3_000 } }, { ca: [pki.ca] });
    if (!result.ok || result.value.results.filter((r) => r.status === 'ok').length !== 6) throw new Error('probe did not find the six working combinations');
  };
  await probe(6)(); // warm-up: module loading, TLS contexts
  const concurrent: number[] = [];
  const sequential: number[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    concurrent.push(await timed(probe(6)));
    sequential.push(await timed(probe(1)));
  }
  return { speedup: median(sequential) / median(concurrent), concurrent: median(concurrent), sequential: median(sequential) };
}

it('smtp.probe: 12 combinations, concurrent (6 per host) vs sequential', async () => {
  const wan = await probeSpeedup(proxies.map((p) => p.port));
  const loopback = await probeSpeedup(peers.map((p) => p.port));
  console.log(
    `bench smtp.probe concurrent/sequential speedup: ${wan.speedup.toFixed(1)}x (target >= 4x) — ${2 * ONE_WAY_MS} ms simulated round trip: concurrent ${wan.concurrent.toFixed(0)} ms, sequential ${wan.sequential.toFixed(0)} ms, median of ${ROUNDS}`,
  );
  console.log(
    `bench smtp.probe concurrent/sequential speedup on bare loopback: ${loopback.speedup.toFixed(1)}x — concurrent ${loopback.concurrent.toFixed(0)} ms, sequential ${loopback.sequential.toFixed(0)} ms (CPU-bound: client and servers share this process and 2 cores)`,
  );
});

it('smtp.test: full test with a message vs swaks --auth --tls', async () => {
  const skipped = await ensureSwaks();
  if (skipped !== null) {
    console.log(`bench smtp.test relayproof/swaks: skipped — ${skipped}`);
    return;
  }
  const server = peers[0];
  if (server === undefined) throw new Error('no server');
  const ours = async () => {
    const result = await testConnection(
      { host: '127.0.0.1', port: server.port, security: 'starttls', from: USER, to: USER, send: true, credentials: { kind: 'password', username: USER, secret: SECRET, mechanism: 'PLAIN' } },
      { ca: [pki.ca] },
    );
    if (!result.ok || !result.value.ok) throw new Error('the connection test failed');
  };
  // Async spawn: the server runs in this process and must keep answering.
  const swaks = () =>
    run('swaks', ['--server', '127.0.0.1', '--port', String(server.port), '--tls', '--auth', 'PLAIN', '--auth-user', USER, '--auth-password', SECRET, '--from', USER, '--to', USER, '--silent', '2']);
  await ours();
  await swaks();
  const relayproof: number[] = [];
  const reference: number[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    relayproof.push(await timed(ours));
    reference.push(await timed(swaks));
  }
  const ratio = median(relayproof) / median(reference);
  console.log(
    `bench smtp.test relayproof/swaks wall time: ${ratio.toFixed(2)}x (target <= 1.1x) — relayproof ${median(relayproof).toFixed(0)} ms (all phases, send-as, test message), swaks ${median(reference).toFixed(0)} ms (process included), median of ${ROUNDS}`,
  );
});

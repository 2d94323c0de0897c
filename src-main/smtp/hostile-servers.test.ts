import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostileServer, type HostileBehaviour, type HostileServer } from '../testing/hostile-servers';
import { leakedForms, runTest } from '../testing/smtp-run';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import type { FailureCode, PhaseName } from '../../src-preload/contract/smtp-schemas';

// A real collection before each heap reading, so growth means retained memory.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const DEADLINE_MS = 2_500;
const TIMEOUTS = { deadlineMs: DEADLINE_MS, connectMs: 1_000, greetingMs: 1_000, commandMs: 1_000, dnsMs: 1_000 };
const USER = 'app@example.com';
const SECRET = 'hostile-servers-never-see-this';

let pki: TestPki;
const servers: HostileServer[] = [];
beforeAll(() => {
  pki = createTestPki();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  pki.cleanup();
});

interface Case {
  readonly behaviour: HostileBehaviour;
  readonly security: 'starttls' | 'tls' | 'none';
  readonly code: FailureCode;
  readonly phase: PhaseName;
  readonly diagnosis: string;
}

const cases: Case[] = [
  { behaviour: 'no-banner', security: 'starttls', code: 'greeting-timeout', phase: 'banner', diagnosis: 'greeting-timeout' },
  { behaviour: 'late-banner', security: 'starttls', code: 'greeting-timeout', phase: 'banner', diagnosis: 'greeting-timeout' },
  { behaviour: 'drip-feed', security: 'starttls', code: 'slow-reply', phase: 'banner', diagnosis: 'server-too-slow' },
  { behaviour: 'binary-garbage', security: 'starttls', code: 'not-smtp', phase: 'banner', diagnosis: 'not-smtp' },
  { behaviour: 'huge-line', security: 'starttls', code: 'reply-line-too-long', phase: 'banner', diagnosis: 'reply-too-large' },
  { behaviour: 'endless-multiline', security: 'starttls', code: 'reply-too-long', phase: 'ehlo', diagnosis: 'reply-too-large' },
  { behaviour: 'reject-on-connect', security: 'starttls', code: 'greeting-rejected', phase: 'banner', diagnosis: 'greeting-rejected' },
  { behaviour: 'disconnect-during-auth', security: 'tls', code: 'connection-closed', phase: 'auth', diagnosis: 'connection-closed' },
  { behaviour: 'starttls-refused', security: 'starttls', code: 'starttls-rejected', phase: 'tls', diagnosis: 'starttls-rejected' },
  { behaviour: 'starttls-broken', security: 'starttls', code: 'tls-handshake-failed', phase: 'tls', diagnosis: 'tls-handshake-failed' },
  { behaviour: 'no-starttls', security: 'starttls', code: 'tls-required', phase: 'tls', diagnosis: 'tls-required' },
  { behaviour: 'wrong-command-reply', security: 'starttls', code: 'unexpected-reply', phase: 'ehlo', diagnosis: 'unexpected-reply' },
  { behaviour: 'pipelining-confusion', security: 'starttls', code: 'unexpected-reply', phase: 'tls', diagnosis: 'unexpected-reply' },
];

describe('hostile servers are classified within the deadline, with bounded memory', () => {
  it.each(cases)('$behaviour → $code in $phase', async ({ behaviour, security, code, phase, diagnosis }) => {
    const server = await startHostileServer(behaviour, { ...(security === 'tls' ? { tls: pki.leaf } : {}), lateBannerMs: 2_000, dripMs: 1_000 });
    servers.push(server);
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = Date.now();
    const report = await runTest(
      { host: '127.0.0.1', port: server.port, security, from: USER, timeouts: TIMEOUTS, credentials: { kind: 'password', username: USER, secret: SECRET } },
      { ca: [pki.ca] },
    );
    const elapsed = Date.now() - started;
    gc();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

    expect(report.failure).toMatchObject({ code, phase });
    expect(report.diagnosis?.code).toBe(diagnosis);
    expect(elapsed).toBeLessThan(DEADLINE_MS + 1_000);
    expect(heapGrowth).toBeLessThan(10 * 1024 * 1024);
    expect(JSON.stringify(report).length).toBeLessThan(1024 * 1024);
  });

  it('STARTTLS not advertised: the credentials never reach the server', async () => {
    const server = await startHostileServer('no-starttls');
    servers.push(server);
    await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', from: USER, credentials: { kind: 'password', username: USER, secret: SECRET } });
    expect(server.lines.some((l) => /^AUTH/iu.test(l))).toBe(false);
    expect(server.lines.some((l) => /^MAIL/iu.test(l))).toBe(false);
    for (const form of leakedForms(USER, SECRET)) expect(server.lines.join('\n')).not.toContain(form);
  });

  it('a server that echoes the AUTH line back cannot put the secret in the report', async () => {
    const server = await startHostileServer('echo-auth', { tls: pki.leaf });
    servers.push(server);
    for (const mechanism of ['PLAIN', 'LOGIN'] as const) {
      const report = await runTest(
        { host: '127.0.0.1', port: server.port, security: 'tls', credentials: { kind: 'password', username: USER, secret: SECRET, mechanism } },
        { ca: [pki.ca] },
      );
      expect(report.failure?.code).toBe('auth-rejected');
      const text = JSON.stringify(report);
      for (const form of leakedForms(USER, SECRET)) expect(text).not.toContain(form);
    }
  });

  it('an overall deadline stops a slow server even when each wait is within its own timeout', async () => {
    const server = await startHostileServer('drip-feed', { dripMs: 100 });
    servers.push(server);
    const started = Date.now();
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', timeouts: { deadlineMs: 800, greetingMs: 5_000 } });
    expect(Date.now() - started).toBeLessThan(800 + 1_000);
    expect(report.failure?.code).toBe('slow-reply');
    expect(report.failure?.message).toContain('overall deadline');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostileServer, type HostileServer } from '../testing/hostile-servers';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { EngineFailure } from './engine-failure';
import { probeHost } from './probe';
import { networkNotes, recommend } from './probe-advice';
import { probeInputSchema, type ProbeReport, type ProbeResult } from '../../src-preload/contract/smtp-schemas';
import { netConnect, type Connect } from './tcp-connect';
import { closedUdpPort } from '../testing/closed-ports';

let pki: TestPki;
let starttls: SmtpPeer;
let implicit: SmtpPeer;
let plain: HostileServer;
let selfSigned: SmtpPeer;
let refusedPort: number;
const BLOCKED_PORT = 1; // never connected to: the connect below drops it like a firewall

/** A real connect, except one port behaves like a firewall that drops packets (a timeout). */
const dropping =
  (blocked: ReadonlySet<number>): Connect =>
  (options) =>
    blocked.has(options.port)
      ? new Promise((_, reject) =>
          setTimeout(() => reject(new EngineFailure('connect-timeout', 'dropped', { errorCode: 'ETIMEDOUT' })), options.timeoutMs),
        )
      : netConnect(options);

const TIMEOUTS = { deadlineMs: 5_000, connectMs: 600, greetingMs: 1_500, commandMs: 1_500 };

beforeAll(async () => {
  pki = createTestPki();
  starttls = await startSmtpPeer({ security: 'starttls', certificate: pki.leaf, account: { username: 'a@example.com', secret: 's' } });
  implicit = await startSmtpPeer({ security: 'tls', certificate: pki.leaf, account: { username: 'a@example.com', secret: 's' } });
  selfSigned = await startSmtpPeer({ security: 'starttls', certificate: pki.selfSigned, account: { username: 'a@example.com', secret: 's' } });
  plain = await startHostileServer('capture');
  const closed = await startHostileServer('capture');
  refusedPort = closed.port;
  await closed.close();
});
afterAll(async () => {
  await Promise.all([starttls.close(), implicit.close(), selfSigned.close(), plain.close()]);
  pki.cleanup();
});

async function probe(ports: number[], extra: { connect?: Connect; concurrency?: number; pinSha256?: string } = {}): Promise<ProbeReport> {
  const result = await probeHost(
    { host: '127.0.0.1', ports, timeouts: TIMEOUTS, ...(extra.concurrency !== undefined ? { concurrency: extra.concurrency } : {}), ...(extra.pinSha256 !== undefined ? { pinSha256: extra.pinSha256 } : {}) },
    { ca: [pki.ca], connect: extra.connect ?? dropping(new Set([BLOCKED_PORT])) },
  );
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}
const find = (report: ProbeReport, port: number, mode: 'tls' | 'starttls') => report.results.find((r) => r.port === port && r.mode === mode);

describe('port and security probe', () => {
  it('the default port list is 25, 465, 587, 2525, 2465, 2587', () => {
    expect(probeInputSchema.parse({ host: 'smtp.example.com' }).ports).toEqual([25, 465, 587, 2525, 2465, 2587]);
  });

  it('tells which combinations offer TLS and AUTH, and recommends one', async () => {
    const report = await probe([starttls.port, implicit.port, plain.port, refusedPort, BLOCKED_PORT]);
    expect(report.results).toHaveLength(10);
    expect(find(report, starttls.port, 'starttls')).toMatchObject({ status: 'ok', auth: ['PLAIN', 'LOGIN'], tls: { trusted: true } });
    expect(find(report, starttls.port, 'tls')?.status).toBe('wrong-mode');
    expect(find(report, implicit.port, 'tls')).toMatchObject({ status: 'ok', tls: { protocol: 'TLSv1.3', trusted: true } });
    expect(find(report, implicit.port, 'starttls')?.status).toBe('wrong-mode');
    expect(find(report, plain.port, 'starttls')?.status).toBe('no-tls');
    expect(find(report, refusedPort, 'starttls')?.status).toBe('refused');
    expect(find(report, BLOCKED_PORT, 'tls')?.status).toBe('blocked');
    expect(report.recommendation?.text).toMatch(/^Use \d+ with (STARTTLS|implicit TLS \(SSL\/TLS\)) \(port \d+ with .* works too\)\.$/u);
    expect(report.notes.join(' ')).toContain(`Port ${BLOCKED_PORT} did not answer at all (connection timed out) while port`);
    expect(report.notes.join(' ')).toContain(`Port ${refusedPort} refused the connection`);
  });

  it('does not wait for a greeting on a port that already answered with TLS', async () => {
    const report = await probe([implicit.port]);
    const silent = find(report, implicit.port, 'starttls');
    expect(silent?.status).toBe('wrong-mode');
    expect(silent?.ms ?? Infinity).toBeLessThan(TIMEOUTS.greetingMs);
  });

  it('an untrusted certificate is shown as such, and AUTH is not checked over it', async () => {
    const report = await probe([selfSigned.port]);
    expect(find(report, selfSigned.port, 'starttls')).toMatchObject({ status: 'untrusted-cert', tls: { trusted: false, verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT', fingerprint256: pki.selfSigned.fingerprint256 } });
    expect(report.recommendation?.text).toContain('certificate is not trusted');
    expect(selfSigned.sessions.flatMap((s) => s.authAttempts)).toEqual([]);
  });

  it('honours a pinned certificate as the connection test does: AUTH is read over it, and it is said to be pinned', async () => {
    const report = await probe([selfSigned.port], { pinSha256: pki.selfSigned.fingerprint256.replaceAll(':', '') });
    expect(find(report, selfSigned.port, 'starttls')).toMatchObject({ status: 'ok', auth: expect.arrayContaining(['PLAIN']), tls: { trusted: false, pinned: true } });
    expect(find(report, selfSigned.port, 'starttls')?.detail).toContain('with the pinned certificate (trusted on this computer only; the platform will refuse it)');
    // A probe never signs in, pinned or not.
    expect(selfSigned.sessions.flatMap((s) => s.authAttempts)).toEqual([]);
    // Another certificate's pin is no pin for this one.
    const other = await probe([selfSigned.port], { pinSha256: 'A'.repeat(64) });
    expect(find(other, selfSigned.port, 'starttls')?.status).toBe('untrusted-cert');
  });

  it('when nothing answers, it says the server may be down or this network blocks mail ports', async () => {
    const report = await probe([BLOCKED_PORT, 2], { connect: dropping(new Set([BLOCKED_PORT, 2])) });
    expect(report.results.every((r) => r.status === 'blocked')).toBe(true);
    expect(report.recommendation).toBeNull();
    expect(report.notes[0]).toContain('No port answered');
  });

  it('keeps at most `concurrency` connections open to the host', async () => {
    let open = 0;
    let peak = 0;
    const counting: Connect = async (options) => {
      open += 1;
      peak = Math.max(peak, open);
      try {
        const socket = await netConnect(options);
        socket.once('close', () => (open -= 1));
        return socket;
      } catch (error) {
        open -= 1;
        throw error;
      }
    };
    await probe([starttls.port, implicit.port, plain.port, refusedPort], { connect: counting, concurrency: 2 });
    expect(peak).toBeLessThanOrEqual(2);
    expect(peak).toBeGreaterThan(0);
  });

  it('a host that does not resolve is a DNS failure, not a list of dead ports', async () => {
    const result = await probeHost({ host: 'nope.invalid', ports: [25], dnsServers: [`127.0.0.1:${await closedUdpPort()}`], timeouts: { connectMs: 300 } });
    expect(result.ok && result.value.failure?.code).toMatch(/^dns-/u);
  });
});

describe('the probe’s advice', () => {
  const result = (port: number, mode: 'tls' | 'starttls', status: ProbeResult['status']): ProbeResult => ({
    port,
    mode,
    status,
    ms: 10,
    tls: status === 'ok' ? { protocol: 'TLSv1.3', trusted: true, pinned: false, verifyError: null, fingerprint256: null } : null,
    auth: status === 'ok' ? ['PLAIN'] : [],
    banner: null,
    detail: '',
  });

  it('prefers 587 with STARTTLS and mentions 465 as the alternative', () => {
    expect(recommend([result(465, 'tls', 'ok'), result(587, 'starttls', 'ok'), result(25, 'starttls', 'ok')])?.text).toBe(
      'Use 587 with STARTTLS (port 465 with implicit TLS (SSL/TLS) works too).',
    );
  });

  it('reads a timeout on 25 while 587 answers as this network blocking port 25', () => {
    const notes = networkNotes([result(25, 'starttls', 'blocked'), result(25, 'tls', 'blocked'), result(587, 'starttls', 'ok'), result(587, 'tls', 'wrong-mode')]);
    expect(notes[0]).toMatch(/^Port 25 did not answer at all .* while port 587 did: it is probably blocked on this network/u);
  });
});

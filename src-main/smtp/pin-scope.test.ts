/**
 * `pinOnlyAt`: after Settings' DNS servers changed, a stored secret's pin counts only at
 * the addresses where it signed in before; anywhere else only a certificate that
 * verifies for the host (system roots, or the CAs given to the engine) lets AUTH go out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { runTest } from '../testing/smtp-run';
import { createTestPki, type TestPki } from '../testing/tls-certs';

const USER = 'app@example.com';
const SECRET = 'pin-scope-secret-31';

let pki: TestPki;
let selfSigned: SmtpPeer;
let caSigned: SmtpPeer;

beforeAll(async () => {
  pki = createTestPki();
  selfSigned = await startSmtpPeer({ security: 'starttls', certificate: pki.selfSigned, account: { username: USER, secret: SECRET } });
  caSigned = await startSmtpPeer({ security: 'starttls', certificate: pki.leaf, account: { username: USER, secret: SECRET } });
});
afterAll(async () => {
  await Promise.all([selfSigned.close(), caSigned.close()]);
  pki.cleanup();
});

const pinOf = (fingerprint: string) => fingerprint.replace(/:/gu, '');
const request = (port: number, pin?: string) => ({
  host: '127.0.0.1',
  port,
  security: 'starttls' as const,
  credentials: { kind: 'password' as const, username: USER, secret: SECRET },
  ...(pin !== undefined ? { pinSha256: pin } : {}),
});

describe('a pin limited to known addresses', () => {
  it('is honoured at a known address', async () => {
    const report = await runTest(request(selfSigned.port, pinOf(pki.selfSigned.fingerprint256)), { pinOnlyAt: ['127.0.0.1'] });
    expect(report.tls?.verdict).toBe('pinned');
    expect(report.auth?.accepted).toBe(true);
  });

  it('is not honoured at another address: the test stops at TLS and no AUTH is sent', async () => {
    const before = selfSigned.sessions.flatMap((s) => s.authAttempts).length;
    const report = await runTest(request(selfSigned.port, pinOf(pki.selfSigned.fingerprint256)), { pinOnlyAt: ['192.0.2.25'] });
    expect(report.failure).toMatchObject({ phase: 'tls', code: 'cert-self-signed' });
    expect(report.auth).toBeNull();
    expect(selfSigned.sessions.flatMap((s) => s.authAttempts).length).toBe(before);
    expect(report.transcript.map((l) => l.text).join('\n')).toContain('the pinned certificate is not accepted at 127.0.0.1');
  });

  it('does not matter for a certificate that verifies for the host', async () => {
    const report = await runTest(request(caSigned.port, pinOf(pki.selfSigned.fingerprint256)), { pinOnlyAt: [], ca: [pki.ca] });
    expect(report.tls?.verdict).toBe('trusted');
    expect(report.auth?.accepted).toBe(true);
  });
});

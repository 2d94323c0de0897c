import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../src-preload/contract';
import { findResourcesDir } from '../app/resources-dir';
import { startTestDnsServer, type TestDnsServer } from '../testing/dns-test-server';
import { rr } from '../testing/dns-zone';
import { startSmtpPeer, type SmtpPeer, type SmtpPeerOptions } from '../testing/smtp-peer';
import { leakedForms, runTest } from '../testing/smtp-run';
import { createTestPki, TEST_IDN_HOST, TEST_MAIL_HOST, type TestPki } from '../testing/tls-certs';
import * as engine from './connection-test';
import type { PhaseEvent, PhaseName } from '../../src-preload/contract/smtp-schemas';

const USER = 'app@example.com';
const SECRET = 'correct horse battery staple';
const creds = (secret = SECRET, kind: 'password' | 'oauth2' = 'password') => ({ kind, username: USER, secret });

let pki: TestPki;
const peers: SmtpPeer[] = [];
async function peer(options: SmtpPeerOptions): Promise<SmtpPeer> {
  const started = await startSmtpPeer({ certificate: pki.leaf, account: { username: USER, secret: SECRET }, ...options });
  peers.push(started);
  return started;
}
const phase = (report: { phases: { name: PhaseName; outcome: string }[] }, name: PhaseName) => report.phases.find((p) => p.name === name)?.outcome;

beforeAll(() => {
  pki = createTestPki();
});
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
  pki.cleanup();
});

describe('a working account', () => {
  it('passes every phase over STARTTLS with AUTH PLAIN, and really authenticates', async () => {
    const server = await peer({ security: 'starttls' });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', from: USER, credentials: creds() }, { ca: [pki.ca] });
    expect(report.outcome).toBe('pass');
    expect(report.phases.map((p) => [p.name, p.outcome])).toEqual([
      ['dns', 'pass'],
      ['tcp', 'pass'],
      ['banner', 'pass'],
      ['ehlo', 'pass'],
      ['tls', 'pass'],
      ['ehlo-tls', 'pass'],
      ['auth', 'pass'],
      ['send-as', 'pass'],
      ['test-send', 'skipped'],
      ['quit', 'pass'],
    ]);
    expect(report.auth).toMatchObject({ mechanism: 'PLAIN', accepted: true });
    expect(report.tls).toMatchObject({ verdict: 'trusted', chainTrusted: true, hostnameMatch: true });
    expect(report.tls?.certificate?.subjectAltNames).toContain('DNS:mail.relayproof.test');
    expect(report.capabilities?.auth).toEqual(['PLAIN', 'LOGIN']);
    expect(report.capabilities).toMatchObject({ starttls: false, pipelining: true, eightBitMime: true, smtpUtf8: true });
    expect(server.sessions.at(-1)).toMatchObject({ secure: true, mailFrom: [USER], rcptTo: [USER], messages: [] });
    expect(server.sessions.at(-1)?.authAttempts).toEqual([{ method: 'PLAIN', username: USER, secret: SECRET }]);
    for (const p of report.phases.filter((x) => x.outcome !== 'skipped')) expect(p.ms).toBeGreaterThanOrEqual(0);
  });

  it('uses implicit TLS and AUTH LOGIN when that is what the server offers', async () => {
    const server = await peer({ security: 'tls', authMethods: ['LOGIN'] });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'tls', from: USER, credentials: creds() }, { ca: [pki.ca] });
    expect(report.outcome).toBe('pass');
    expect(report.phases.map((p) => p.name).slice(0, 5)).toEqual(['dns', 'tcp', 'tls', 'banner', 'ehlo']);
    expect(phase(report, 'ehlo-tls')).toBe('skipped');
    expect(report.auth?.mechanism).toBe('LOGIN');
    expect(server.sessions.at(-1)?.authAttempts).toEqual([{ method: 'LOGIN', username: USER, secret: SECRET }]);
  });

  it('signs in with an OAuth 2.0 token over XOAUTH2', async () => {
    const server = await peer({ security: 'starttls', authMethods: ['PLAIN', 'XOAUTH2'] });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', credentials: creds(SECRET, 'oauth2') }, { ca: [pki.ca] });
    expect(report.auth).toMatchObject({ mechanism: 'XOAUTH2', accepted: true });
    expect(server.sessions.at(-1)?.authAttempts[0]).toMatchObject({ method: 'XOAUTH2', secret: SECRET });
  });

  it('sends a real test message with the token and the headers a connector needs, with the platform\'s values', async () => {
    const server = await peer({ security: 'starttls' });
    const report = await runTest(
      { host: '127.0.0.1', port: server.port, security: 'starttls', from: USER, to: 'inbox@example.com', send: true, credentials: creds() },
      { ca: [pki.ca], token: () => 'tok-123', platformHeaders: ['X-Mailer: Zendesk Mailer', 'X-Zendesk-Email-Id'] },
    );
    expect(phase(report, 'test-send')).toBe('pass');
    expect(report.testSend).toMatchObject({ token: 'tok-123', subject: 'Relayproof test tok-123', accepted: true });
    expect(report.testSend?.queueResponse?.text).toBe('250 Ok: queued as RP1234');
    const message = server.sessions.at(-1)?.messages[0] ?? '';
    expect(message).toMatch(/^X-Relayproof-Token: tok-123\r$/mu);
    expect(message).toMatch(/^Subject: Relayproof test tok-123\r$/mu);
    expect(message).toMatch(/^Auto-Submitted: auto-generated\r$/mu);
    expect(message).toMatch(/^X-Auto-Response-Suppress: All\r$/mu);
    expect(message).toMatch(/^X-Mailer: Zendesk Mailer\r$/mu);
    expect(message).not.toMatch(/^X-Zendesk-Email-Id:/mu);
    expect(message).toMatch(/^Message-ID: <relayproof-tok-123@example\.com>\r$/mu);
  });

  it('resolves the host through the given DNS server, connects to the answer and verifies the name', async () => {
    const dns: TestDnsServer = await startTestDnsServer({ zones: [{ origin: 'relayproof.test', records: [rr.a(TEST_MAIL_HOST, '127.0.0.1')] }] });
    try {
      const server = await peer({ security: 'starttls' });
      const report = await runTest({ host: TEST_MAIL_HOST, port: server.port, security: 'starttls', dnsServers: [dns.address], credentials: creds() }, { ca: [pki.ca] });
      expect(report.outcome).toBe('pass');
      expect(report.dns).toMatchObject({ source: 'resolver', a: ['127.0.0.1'], aaaa: [], used: '127.0.0.1' });
      expect(dns.queries.map((q) => q.type).sort()).toEqual(['A', 'AAAA']);
      const missing = await runTest({ host: 'nope.relayproof.test', port: server.port, security: 'starttls', dnsServers: [dns.address], credentials: creds() });
      expect(missing.failure).toMatchObject({ code: 'dns-not-found', phase: 'dns' });
      expect(missing.diagnosis?.code).toBe('host-not-found');
      expect(missing.diagnosis?.saasShows).toContainEqual({ platform: 'zuora', text: 'Unknown SMTP host' });
    } finally {
      await dns.close();
    }
  });

  it('streams a started and a finished event for every phase, in order', async () => {
    const server = await peer({ security: 'starttls' });
    const events: PhaseEvent[] = [];
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', credentials: creds() }, { ca: [pki.ca], onPhase: (e) => events.push(e) });
    const finished = events.filter((e) => e.type === 'phase-finished').map((e) => (e.type === 'phase-finished' ? e.phase.name : ''));
    expect([...finished].sort()).toEqual(report.phases.map((p) => p.name).sort());
    expect(events[0]).toMatchObject({ type: 'phase-started', name: 'dns' });
    const started = events.filter((e) => e.type === 'phase-started').length;
    expect(started).toBe(report.phases.filter((p) => p.outcome !== 'skipped').length);
  });

  it('never sends EHLO localhost: without a dotted host name it sends an address literal', async () => {
    const server = await peer({ security: 'starttls' });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls' }, { ca: [pki.ca], hostname: () => 'localhost' });
    expect(report.capabilities?.ehloName).toBe('[127.0.0.1]');
    const named = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', ehloName: 'relay.example.com' }, { ca: [pki.ca] });
    expect(named.transcript.some((l) => l.text === 'C: EHLO relay.example.com' || (l.dir === 'C' && l.text === 'EHLO relay.example.com'))).toBe(true);
  });
});

describe('authentication', () => {
  it('a wrong password fails AUTH, says which credential to check, and quits politely', async () => {
    const server = await peer({ security: 'starttls' });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', from: USER, credentials: creds('wrong') }, { ca: [pki.ca] });
    expect(report.failure).toMatchObject({ code: 'auth-rejected', phase: 'auth' });
    expect(report.auth).toMatchObject({ accepted: false, mechanism: 'PLAIN' });
    expect(report.diagnosis?.code).toBe('auth-rejected');
    expect(report.diagnosis?.saasShows).toContainEqual({ platform: 'zuora', text: 'Authentication failed: Bad username / password' });
    expect(phase(report, 'send-as')).toBe('skipped');
    expect(phase(report, 'quit')).toBe('pass');
  });

  it('AUTH LOGIN refused is a failure too', async () => {
    const server = await peer({ security: 'tls', authMethods: ['LOGIN'] });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'tls', credentials: creds('wrong') }, { ca: [pki.ca] });
    expect(report.failure?.code).toBe('auth-rejected');
  });

  it('a refused XOAUTH2 token is reported with the server’s error detail', async () => {
    const server = await peer({ security: 'starttls', authMethods: ['XOAUTH2'] });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', credentials: creds('expired-token', 'oauth2') }, { ca: [pki.ca] });
    expect(report.failure?.code).toBe('oauth-rejected');
    expect(report.auth?.oauthError).toContain('"status":"401"');
    expect(report.diagnosis?.code).toBe('oauth-token-rejected');
  });

  it('each Microsoft 365 5.7.139 variant names its own fix and readiness item', async () => {
    const server = await peer({
      security: 'starttls',
      authFailure: { code: 535, message: '5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled' },
    });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', credentials: creds('wrong') }, { ca: [pki.ca] });
    expect(report.diagnosis).toMatchObject({ code: 'm365-smtp-auth-disabled-mailbox', m365Item: 'mailbox-smtp-auth' });
    expect(report.diagnosis?.steps.join(' ')).toContain('Set-CASMailbox');
  });

  it('a server that offers no AUTH does not pass: AUTH must really happen', async () => {
    const server = await peer({ security: 'starttls', offerAuth: false });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', from: USER, credentials: creds() }, { ca: [pki.ca] });
    expect(report.ok).toBe(false);
    expect(report.failure).toMatchObject({ code: 'auth-not-offered', phase: 'auth' });
    expect(report.auth).toBeNull();
  });

  it('a token-only server given a password says so', async () => {
    const server = await peer({ security: 'starttls', authMethods: ['XOAUTH2'] });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', credentials: creds() }, { ca: [pki.ca] });
    expect(report.failure?.code).toBe('auth-mechanism-unavailable');
    expect(report.failure?.message).toContain('OAuth 2.0');
  });

  it('security "none" with credentials is refused before any connection', async () => {
    const server = await peer({ security: 'none', allowInsecureAuth: true });
    const result = await engine.testConnection({ host: '127.0.0.1', port: server.port, security: 'none', credentials: creds() });
    expect(result.ok).toBe(false);
    expect(result.ok ? null : result.error.code).toBe('invalid-input');
    expect(server.sessions).toHaveLength(0);
  });

  it('STARTTLS not offered stops with tls-required and never sends the credentials', async () => {
    const server = await peer({ security: 'none', allowInsecureAuth: true });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', from: USER, credentials: creds() }, { ca: [pki.ca] });
    expect(report.failure).toMatchObject({ code: 'tls-required', phase: 'tls' });
    expect(server.sessions.flatMap((s) => s.authAttempts)).toEqual([]);
    expect(server.sessions.flatMap((s) => s.mailFrom)).toEqual([]);
    expect(report.diagnosis?.code).toBe('tls-required');
  });

  it('a plain server can be diagnosed without credentials (security none)', async () => {
    const server = await startSmtpPeer({ security: 'none' });
    peers.push(server);
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'none', from: USER });
    expect(report.ok).toBe(true);
    expect(phase(report, 'tls')).toBe('skipped');
    expect(phase(report, 'auth')).toBe('skipped');
    expect(phase(report, 'send-as')).toBe('pass');
  });
});

describe('send-as', () => {
  it('catches a From address refused at MAIL FROM, before DATA', async () => {
    const server = await peer({ security: 'starttls', rejectMailFrom: (a) => (a === 'ceo@example.com' ? { code: 550, message: '5.7.1 Sender not allowed' } : null) });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', from: 'ceo@example.com', send: true, credentials: creds() }, { ca: [pki.ca] });
    expect(report.failure).toMatchObject({ code: 'sender-rejected', phase: 'send-as' });
    expect(report.sendAs).toMatchObject({ accepted: false, rejectedAt: 'mail' });
    expect(phase(report, 'test-send')).toBe('skipped');
    expect(server.sessions.at(-1)?.messages).toEqual([]);
    expect(report.diagnosis?.code).toBe('sender-rejected');
  });

  it('catches Postfix’s sender-login mismatch at RCPT TO', async () => {
    const server = await peer({
      security: 'starttls',
      rejectRcptTo: (_to, from) => (from === 'support@example.com' ? { code: 553, message: `5.7.1 <${from}>: Sender address rejected: not owned by user ${USER}` } : null),
    });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', from: 'support@example.com', credentials: creds() }, { ca: [pki.ca] });
    expect(report.failure).toMatchObject({ code: 'sender-rejected', phase: 'send-as' });
    expect(report.sendAs?.rejectedAt).toBe('rcpt');
    expect(report.diagnosis?.code).toBe('postfix-sender-not-owned');
  });

  it('a refused recipient is not a sender problem', async () => {
    const server = await peer({ security: 'starttls', rejectRcptTo: (to) => (to === 'nobody@example.com' ? { code: 550, message: '5.1.1 Recipient address rejected: User unknown' } : null) });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', from: USER, to: 'nobody@example.com', credentials: creds() }, { ca: [pki.ca] });
    expect(report.failure?.code).toBe('recipient-rejected');
    expect(report.diagnosis?.code).toBe('recipient-rejected');
  });

  it('stops before DATA: send-as leaves no message behind', async () => {
    const server = await peer({ security: 'starttls' });
    await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', from: USER, credentials: creds() }, { ca: [pki.ca] });
    expect(server.sessions.at(-1)?.messages).toEqual([]);
  });
});

describe('certificates', () => {
  it('a self-signed certificate stops the test with its fingerprint, before any credential', async () => {
    const server = await peer({ security: 'starttls', certificate: pki.selfSigned });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', credentials: creds() }, { ca: [pki.ca] });
    expect(report.failure).toMatchObject({ code: 'cert-self-signed', phase: 'tls', errorCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(report.failure?.message).toContain(pki.selfSigned.fingerprint256);
    expect(report.tls).toMatchObject({ verdict: 'rejected', chainTrusted: false });
    expect(report.tls?.certificate?.fingerprint256).toBe(pki.selfSigned.fingerprint256);
    expect(server.sessions.flatMap((s) => s.authAttempts)).toEqual([]);
    expect(report.diagnosis?.code).toBe('cert-self-signed');
  });

  it('a pin accepts exactly that certificate, and only that one', async () => {
    const server = await peer({ security: 'tls', certificate: pki.selfSigned });
    const pin = pki.selfSigned.fingerprint256.toLowerCase();
    const pinned = await runTest({ host: '127.0.0.1', port: server.port, security: 'tls', pinSha256: pin, credentials: creds() });
    expect(pinned.ok).toBe(true);
    expect(pinned.tls?.verdict).toBe('pinned');
    expect(phase(pinned, 'tls')).toBe('warn');
    const other = await runTest({ host: '127.0.0.1', port: server.port, security: 'tls', pinSha256: pki.leaf.fingerprint256, credentials: creds() });
    expect(other.failure?.code).toBe('cert-pin-mismatch');
    const almost = pin.slice(0, -1) + (pin.endsWith('0') ? '1' : '0');
    expect((await runTest({ host: '127.0.0.1', port: server.port, security: 'tls', pinSha256: almost, credentials: creds() })).failure?.code).toBe('cert-pin-mismatch');
  });

  it('an expired certificate fails with cert-expired', async () => {
    const server = await peer({ security: 'starttls', certificate: pki.expired });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', credentials: creds() }, { ca: [pki.ca] });
    expect(report.failure).toMatchObject({ code: 'cert-expired', errorCode: 'CERT_HAS_EXPIRED' });
  });

  it('a certificate for another name fails with cert-hostname-mismatch', async () => {
    const server = await peer({ security: 'tls', certificate: pki.wrongHost });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'tls', credentials: creds() }, { ca: [pki.ca] });
    expect(report.failure).toMatchObject({ code: 'cert-hostname-mismatch', errorCode: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(report.tls).toMatchObject({ chainTrusted: true, hostnameMatch: false });
  });

  it('a certificate from an unknown CA fails with cert-untrusted', async () => {
    const server = await peer({ security: 'starttls' });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', credentials: creds() });
    expect(report.failure?.code).toBe('cert-untrusted');
    expect(report.diagnosis?.saasShows).toContainEqual({ platform: 'zuora', text: 'Could not convert socket to TLS' });
  });

  // A protocol-version alert is easy to inject: the legacy handshake that names the
  // version must never carry credentials, an envelope or a message.
  it.each(['starttls', 'tls'] as const)(
    'a TLS-1.0-only server (%s) is named with its version, and receives no AUTH, MAIL, RCPT or DATA',
    async (security) => {
      const server = await peer({ security, tlsVersions: { min: 'TLSv1', max: 'TLSv1' } });
      const report = await runTest(
        { host: '127.0.0.1', port: server.port, security, from: USER, to: 'inbox@example.com', send: true, credentials: creds() },
        { ca: [pki.ca] },
      );
      expect(report.ok).toBe(false);
      expect(report.failure).toMatchObject({ code: 'tls-version-unsupported', phase: 'tls' });
      expect(report.failure?.message).toContain('only speaks TLS 1.0/1.1');
      expect(report.failure?.message).toContain('421 4.7.66');
      expect(report.tls).toMatchObject({ protocol: 'TLSv1', legacyVersion: true, verdict: 'trusted' });
      expect(report.diagnosis?.code).toBe('tls-version-unsupported');
      expect(report.diagnosis?.title).toContain('only speaks TLS 1.0/1.1');
      for (const name of ['auth', 'send-as', 'test-send'] as const) expect(phase(report, name)).toBe('skipped');
      expect(report.auth).toBeNull();
      expect(report.sendAs).toBeNull();
      expect(report.testSend).toBeNull();
      expect(server.sessions.flatMap((s) => s.authAttempts)).toEqual([]);
      expect(server.sessions.flatMap((s) => [...s.mailFrom, ...s.rcptTo, ...s.messages])).toEqual([]);
      expect(report.transcript.filter((l) => l.dir === 'C').map((l) => l.text.split(' ')[0])).not.toContain('AUTH');
      if (security === 'starttls') expect(phase(report, 'quit')).toBe('pass');
    },
  );

  it('an IDN host is looked up, sent as SNI and matched against the certificate in its ASCII form', async () => {
    const dns: TestDnsServer = await startTestDnsServer({ zones: [{ origin: TEST_IDN_HOST, records: [rr.a(TEST_IDN_HOST, '127.0.0.1')] }] });
    try {
      const server = await peer({ security: 'tls', certificate: pki.idn });
      const report = await runTest({ host: 'bücher.example', port: server.port, security: 'tls', dnsServers: [dns.address], credentials: creds() }, { ca: [pki.ca] });
      expect(report.outcome).toBe('pass');
      expect(report.target.host).toBe(TEST_IDN_HOST);
      expect([...new Set(dns.queries.map((q) => q.name.replace(/\.$/u, '').toLowerCase()))]).toEqual([TEST_IDN_HOST]);
      expect(report.tls).toMatchObject({ verdict: 'trusted', hostnameMatch: true, chainTrusted: true });
      expect(report.tls?.certificate?.subjectAltNames).toEqual([`DNS:${TEST_IDN_HOST}`]);
      expect(server.sessions.at(-1)?.servername).toBe(TEST_IDN_HOST);
    } finally {
      await dns.close();
    }
  });
});

describe('wrong security mode for the port', () => {
  it('implicit TLS against a STARTTLS port is explained in one sentence', async () => {
    const server = await peer({ security: 'starttls' });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'tls', credentials: creds() }, { ca: [pki.ca] });
    expect(report.failure).toMatchObject({ code: 'port-expects-starttls', phase: 'tls' });
    expect(report.diagnosis?.code).toBe('port-expects-starttls');
  });

  it('STARTTLS against an implicit-TLS port is explained in one sentence', async () => {
    const server = await peer({ security: 'tls' });
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', credentials: creds() }, { ca: [pki.ca] });
    expect(report.failure).toMatchObject({ code: 'port-expects-implicit-tls', phase: 'banner' });
    expect(report.diagnosis?.saasShows).toContainEqual({ platform: 'zuora', text: 'Read timed out' });
  });

  it('a closed port is refused, with Zuora’s wording for it', async () => {
    const server = await peer({ security: 'starttls' });
    const port = server.port;
    await server.close();
    const report = await runTest({ host: '127.0.0.1', port, security: 'starttls', credentials: creds() });
    expect(report.failure).toMatchObject({ code: 'connect-refused', phase: 'tcp' });
    expect(report.diagnosis?.saasShows).toContainEqual({ platform: 'zuora', text: 'Could not connect to SMTP host' });
  });
});

describe('cancellation and the secret', () => {
  it('an aborted signal cancels the test at once', async () => {
    const server = await peer({ security: 'starttls' });
    const controller = new AbortController();
    const running = runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', credentials: creds() }, { ca: [pki.ca], signal: controller.signal, onPhase: (e) => e.type === 'phase-started' && e.name === 'tcp' && controller.abort() });
    const report = await running;
    expect(report.failure?.code).toBe('cancelled');
    expect(report.diagnosis?.code).toBe('cancelled');
  });

  it.each(['PLAIN', 'LOGIN', 'XOAUTH2'] as const)('the secret never appears in the %s report or transcript, passing or failing', async (mechanism) => {
    const server = await peer({ security: 'starttls', authMethods: [mechanism] });
    const kind = mechanism === 'XOAUTH2' ? 'oauth2' : 'password';
    for (const secret of [SECRET, 'wrong-but-still-secret']) {
      const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', credentials: { kind, username: USER, secret } }, { ca: [pki.ca] });
      const text = JSON.stringify(report);
      for (const form of leakedForms(USER, secret)) expect(text).not.toContain(form);
      expect(report.transcript.some((l) => l.dir === 'C' && l.text.includes('/* secret */'))).toBe(true);
    }
  });
});

describe('one channel, one purpose', () => {
  it('smtp:test-connection cannot ask for a real message: its input has no `send`', async () => {
    const server = await peer({ security: 'starttls' });
    const input = { operationId: 'op-send-check', host: '127.0.0.1', port: server.port, security: 'starttls', from: USER, credentials: { kind: 'password', username: USER } };
    expect(contract['smtp:test-connection'].input.safeParse(input).success).toBe(true);
    const withSend = contract['smtp:test-connection'].input.safeParse({ ...input, send: true });
    expect(withSend.success).toBe(false);
    expect(withSend.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['send'] });
    // The engine's own request still carries it, for the smtp:send-test-message handler.
    const sent = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', from: USER, send: true, credentials: creds() }, { ca: [pki.ca], token: () => 'tok-1' });
    expect(sent.testSend?.accepted).toBe(true);
  });

  it('the engine exports no second way to send (sendTestMessage is gone)', () => {
    expect(Object.keys(engine)).not.toContain('sendTestMessage');
  });
});

describe('the default diagnosis catalogue', () => {
  it('is read from the resources folder findResourcesDir() finds, not a path fixed relative to the source', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relayproof-resources-'));
    const before = process.env.RELAYPROOF_RESOURCES_DIR;
    try {
      cpSync(findResourcesDir({}), dir, { recursive: true });
      const file = join(dir, 'replies', 'connection.json');
      const data = JSON.parse(readFileSync(file, 'utf8')) as { entries: { code: string; title: string }[] };
      for (const entry of data.entries) if (entry.code === 'connection-refused') entry.title = 'Marker: read from the found resources folder';
      writeFileSync(file, JSON.stringify(data));
      process.env.RELAYPROOF_RESOURCES_DIR = dir;
      const server = await peer({ security: 'starttls' });
      const port = server.port;
      await server.close();
      const report = await runTest({ host: '127.0.0.1', port, security: 'starttls' });
      expect(report.failure?.code).toBe('connect-refused');
      expect(report.diagnosis?.title).toBe('Marker: read from the found resources folder');
    } finally {
      if (before === undefined) delete process.env.RELAYPROOF_RESOURCES_DIR;
      else process.env.RELAYPROOF_RESOURCES_DIR = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Connection reports from the real SMTP engine against real peers, mapped to the
 * connection-auth / send-as / email-accepted items.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnection } from '../smtp/connection-test';
import type { ConnectionReport } from '../smtp/schemas';
import { startSmtpPeer, type SmtpPeer, type SmtpPeerOptions } from '../testing/smtp-peer';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { clampText, connectionObservations, MAX_EVIDENCE_TEXT, receiptObservation } from './observations';
import { observationSchema } from './schemas';

const USER = 'support@acme.test';
const SECRET = 'peer-secret-3b9e';
let pki: TestPki;
const peers: SmtpPeer[] = [];

beforeAll(() => {
  pki = createTestPki();
});
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
  pki.cleanup();
});

async function report(peer: Partial<SmtpPeerOptions>, secret = SECRET, send = true): Promise<ConnectionReport> {
  const server = await startSmtpPeer({ security: 'starttls', certificate: pki.leaf, account: { username: USER, secret: SECRET }, ...peer });
  peers.push(server);
  const result = await testConnection(
    { host: '127.0.0.1', port: server.port, security: 'starttls', from: USER, to: 'inbox@acme.test', send, credentials: { kind: 'password', username: USER, secret }, timeouts: { deadlineMs: 10_000 } },
    { ca: [pki.ca], token: () => 'tok1', hostname: () => 'workstation.acme.test' },
  );
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const byItem = (r: ConnectionReport) => Object.fromEntries(connectionObservations(r).map((o) => [o.itemId, o]));

describe('connection observations', () => {
  it('a good account: connection-auth, send-as and email-accepted pass, with stable drift values', async () => {
    const o = byItem(await report({}));
    expect(Object.keys(o)).toEqual(['connection-auth', 'send-as', 'email-accepted']);
    expect(o['connection-auth']).toMatchObject({ outcome: 'pass', evidence: { source: 'smtp', value: '127.0.0.1:' + String(peers.at(-1)?.port) + ' starttls; AUTH PLAIN' } });
    expect(o['connection-auth']?.explanation).toMatch(/signed in as support@acme\.test with AUTH PLAIN \(235/u);
    expect(o['send-as']).toMatchObject({ outcome: 'pass', evidence: { value: `MAIL FROM:<${USER}>` } });
    expect(o['email-accepted']).toMatchObject({ outcome: 'pass', evidence: { value: null } });
    for (const obs of Object.values(o)) expect(observationSchema.safeParse(obs).success).toBe(true);
  });

  it('a refused sign-in fails connection-auth with the diagnosis, and says nothing about later items', async () => {
    const o = byItem(await report({}, 'wrong-secret'));
    expect(Object.keys(o)).toEqual(['connection-auth']);
    expect(o['connection-auth']?.outcome).toBe('fail');
    expect(o['connection-auth']?.explanation).toMatch(/535/u);
    expect(JSON.stringify(o)).not.toContain('wrong-secret');
  });

  it('send-as refused at MAIL FROM fails send-as', async () => {
    const o = byItem(await report({ rejectMailFrom: () => ({ code: 553, message: '5.7.1 Sender address rejected: not owned by user' }) }));
    expect(o['connection-auth']?.outcome).toBe('pass');
    expect(o['send-as']?.outcome).toBe('fail');
    expect(o['send-as']?.explanation).toContain('not owned by user');
    expect(o['email-accepted']).toBeUndefined();
  });

  it('a receipt that could not look (bad password) is an error, one that timed out is a failure', () => {
    const base = { message: 'm', hint: 'h', attempts: 1, elapsedMs: 10 };
    expect(receiptObservation({ ok: false, failure: { code: 'auth-failed', ...base } }, '2026-11-23T10:00:00.000Z').outcome).toBe('error');
    expect(receiptObservation({ ok: false, failure: { code: 'not-arrived', ...base } }, '2026-11-23T10:00:00.000Z').outcome).toBe('fail');
    const junk = receiptObservation(
      { ok: true, raw: Buffer.from('x'), receipt: { source: 'imap', mailbox: 'Junk', uid: 3, attempts: 2, elapsedMs: 4000, sizeBytes: 1, foundAt: '2026-11-23T10:00:00.000Z' } },
      '2026-11-23T10:00:00.000Z',
    );
    expect(junk).toMatchObject({ outcome: 'pass' });
    expect(junk.explanation).toMatch(/but in Junk/u);
  });

  it('evidence text is bounded', () => {
    expect(clampText('x'.repeat(MAX_EVIDENCE_TEXT * 2))).toHaveLength(MAX_EVIDENCE_TEXT);
  });
});

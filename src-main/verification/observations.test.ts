/**
 * Connection reports from the real SMTP engine against real peers, mapped to the
 * connection-auth / send-as / email-accepted items.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnection } from '../smtp/connection-test';
import type { ConnectionReport } from '../../src-preload/contract/smtp-schemas';
import { startSmtpPeer, type SmtpPeer, type SmtpPeerOptions } from '../testing/smtp-peer';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { clampText, connectionObservations, MAX_EVIDENCE_TEXT, perMessageHeaders, proofObservations, receiptObservation } from './observations';
import { observationSchema, type MessageProof } from '../../src-preload/contract/verification-schemas';
import { initialStatus, reduceStatus } from './status-machine';

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

describe('a received message of another domain', () => {
  const passing = (from: string, envelopeFrom: string): MessageProof => ({
    spf: { result: 'pass', domain: envelopeFrom.split('@')[1] ?? null, ip: '127.0.0.2', record: 'v=spf1 ip4:127.0.0.2 -all', explanation: 'SPF pass' },
    dkim: [{ domain: from.split('@')[1] ?? null, selector: 's1', result: 'pass', aligned: true, algorithm: 'rsa-sha256', signedHeaders: ['From'], bodyHashMatches: true, keyBits: 2048, comment: null, explanation: 'DKIM pass' }],
    dmarc: { result: 'pass', domain: from.split('@')[1] ?? null, policy: 'reject', record: 'v=DMARC1; p=reject', spfAligned: null, dkimAligned: null, explanation: 'DMARC pass' },
    arc: { result: 'none', instance: null, explanation: 'No ARC seal' },
    headers: {},
    sender: { ip: '127.0.0.2', helo: 'relay.other.example', hop: 0 },
    delayMs: 10,
    from,
    envelopeFrom,
    messageId: '<m@x>',
    token: { expected: null, found: null, matches: null },
    received: [],
    brokenSignatures: [],
    findings: [],
    pass: true,
    sizeBytes: 100,
  });
  const at = '2026-11-23T10:00:00.000Z';

  it('headers-intact names the headers checked and says the per-message platform headers are not part of the test', () => {
    const intact = { present: true, unchanged: true } as const;
    const proof: MessageProof = {
      ...passing('support@acme.test', 'bounce@acme.test'),
      headers: {
        'Auto-Submitted': { ...intact, value: 'auto-generated', expected: 'auto-generated' },
        'X-Auto-Response-Suppress': { ...intact, value: 'All', expected: 'All' },
        'X-Mailer': { ...intact, value: 'Zendesk Mailer', expected: 'Zendesk Mailer' },
        'X-Relayproof-Token': { ...intact, value: 't1', expected: 't1' },
      },
    };
    const platform = ['Auto-Submitted: auto-generated', 'X-Auto-Response-Suppress: All', 'X-Mailer: Zendesk Mailer', 'X-Zendesk-From-Account-Id', 'X-Zendesk-Email-Id'];
    expect(perMessageHeaders(platform)).toEqual(['X-Zendesk-From-Account-Id', 'X-Zendesk-Email-Id']);
    const named = items(proofObservations(proof, at, 'imap', 'acme.test', { perMessageHeaders: perMessageHeaders(platform) }))['headers-intact'];
    expect(named?.outcome).toBe('pass');
    expect(named?.explanation).toContain('All 4 headers the test sent arrived unchanged: Auto-Submitted, X-Auto-Response-Suppress, X-Mailer, X-Relayproof-Token.');
    expect(named?.explanation).toContain('Not part of the test: X-Zendesk-From-Account-Id, X-Zendesk-Email-Id');
    expect(named?.explanation).not.toContain('header(s)');
    const unnamed = items(proofObservations(proof, at, 'imap', 'acme.test'))['headers-intact'];
    expect(unnamed?.explanation).toMatch(/per message .*not part of this check/u);
    const one = items(proofObservations({ ...proof, headers: { 'X-Mailer': proof.headers['X-Mailer']! } }, at, 'imap', 'acme.test', { perMessageHeaders: [] }))['headers-intact'];
    expect(one?.explanation).toMatch(/^The 1 header the test sent arrived unchanged: X-Mailer\./u);
  });
  const items = (list: ReturnType<typeof proofObservations>) => Object.fromEntries(list.map((o) => [o.itemId, o]));

  it('never verifies SPF/DMARC of the address: an error that names both domains', () => {
    const seen = items(proofObservations(passing('news@other.example', 'bounce@other.example'), at, 'eml', 'acme.test'));
    for (const id of ['spf', 'dmarc', 'dkim-aligned'] as const) {
      expect(seen[id], id).toMatchObject({ outcome: 'error', explanation: expect.stringMatching(/^This message is from other\.example, not acme\.test/u) });
    }
    const state = Object.values(seen).reduce((st, observation) => reduceStatus(st, { type: 'observed', observation }), initialStatus({ addressId: 'a', domain: 'acme.test' }));
    for (const id of ['spf', 'dmarc']) expect(state.items.find((i) => i.id === id)?.status.state, id).toBe('unverified');
  });

  it('an envelope sender of another domain keeps SPF unverified; the own domain (or a subdomain) proves it', () => {
    const foreignEnvelope = items(proofObservations(passing('support@acme.test', 'bounce@mail.other.example'), at, 'eml', 'acme.test'));
    expect(foreignEnvelope.spf).toMatchObject({ outcome: 'error', explanation: expect.stringMatching(/envelope sender \(Return-Path\) is at mail\.other\.example, not acme\.test/u) });
    const own = items(proofObservations(passing('support@acme.test', 'bounce@em.acme.test'), at, 'eml', 'acme.test'));
    expect(own.spf?.outcome).toBe('pass');
    expect(own.dmarc?.outcome).toBe('pass');
  });
});

/**
 * Issue 12, part 1: a stored secret is lent only to the connection it was saved for.
 * The attack: whoever holds the browser-mode key pins their own server's certificate for
 * the saved host (settings:update), then points DNS at it — with the call's `dnsServers`,
 * or with Settings' DNS servers and a background re-check — and the keychain password
 * would go out in AUTH. Real loopback peers: the saved server on 127.0.0.1, a hostile one
 * on ::1 with the same port (what a DNS answer pointing elsewhere reaches), a test DNS
 * server with the real answer and a hostile one; assertions are on the hostile server's side.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addressFieldsSchema, type ChannelInput, type ChannelName, type ChannelResult } from '../../src-preload/contract';
import { silentLogger } from '../log/logger';
import { createServices, type Services } from '../services';
import { PROOF_ATTEMPTS, PROOF_WINDOW_MS } from '../smtp/lending-test';
import { startTestDnsServer, type TestDnsServer } from '../testing/dns-test-server';
import { rr } from '../testing/dns-zone';
import { startHostileRelay, type HostileRelay } from '../testing/hostile-relay';
import { createClientCertificate } from '../testing/m365-token-endpoint';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { createTestPki, TEST_MAIL_HOST, type KeyPair, type TestPki } from '../testing/tls-certs';
import { memoryKeychain } from '../testing/transport-support';

const USER = 'support@example.test';
const SECRET = 'stored-secret-5a1b9c';
const TOKEN = 'held-oauth-token-77f0e1';

let pki: TestPki;
let realDns: TestDnsServer;
let sameAnswerDns: TestDnsServer;
let hostileDns: TestDnsServer;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  pki = createTestPki();
  realDns = await startTestDnsServer({ zones: [{ origin: 'relayproof.test', records: [rr.a(TEST_MAIL_HOST, '127.0.0.1')] }] });
  sameAnswerDns = await startTestDnsServer({ zones: [{ origin: 'relayproof.test', records: [rr.a(TEST_MAIL_HOST, '127.0.0.1')] }] });
  // The attacker's resolver: the saved host is its own machine (here ::1, loopback too).
  hostileDns = await startTestDnsServer({ zones: [{ origin: 'relayproof.test', records: [rr.aaaa(TEST_MAIL_HOST, '::1')] }] });
});
afterAll(async () => {
  await Promise.all([realDns.close(), sameAnswerDns.close(), hostileDns.close()]);
  pki.cleanup();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const fingerprint = (pair: KeyPair) => pair.fingerprint256.replace(/:/gu, '');

interface World {
  readonly services: Services;
  readonly real: SmtpPeer;
  readonly id: string;
  call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelResult<C>>;
  /** A server answering for the saved host at `host` with the saved port. */
  hostile(host: '127.0.0.1' | '::1', certificate: KeyPair): Promise<HostileRelay>;
}

/** The saved server (the test CA's leaf, pinned), Settings naming the real DNS server, and an address saved with its password. */
async function world(authKind: 'password' | 'oauth2' = 'password'): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'relayproof-binding-'));
  const real = await startSmtpPeer({ security: 'starttls', certificate: pki.leaf, account: { username: USER, secret: SECRET } });
  const services = createServices({ dataDirectory: dir, mode: 'browser', logger: silentLogger, keychain: async () => memoryKeychain(), validateOutput: true });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => real.close());
  const call = async <C extends ChannelName>(channel: C, input: ChannelInput<C>) => (await services.createDispatcher().dispatch(channel, input)) as ChannelResult<C>;
  const settings = await call('settings:update', {
    patch: { dnsServers: [realDns.address], pinnedCertificates: [{ host: TEST_MAIL_HOST, sha256: fingerprint(pki.leaf), pinnedAt: new Date().toISOString() }] },
  });
  if (!settings.ok) throw new Error(settings.error.message);
  const created = await call('addresses:create', {
    fields: { address: USER, platform: 'generic', environment: 'sandbox', provider: 'custom', host: TEST_MAIL_HOST, port: real.port, security: 'starttls', username: USER, authKind },
    ...(authKind === 'password' ? { secret: SECRET } : {}),
  });
  if (!created.ok) throw new Error(created.error.message);
  return {
    services,
    real,
    id: created.value.id,
    call,
    async hostile(host, certificate) {
      const relay = await startHostileRelay({ host, port: real.port, certificate });
      cleanups.push(() => relay.close());
      return relay;
    },
  };
}

function storedTest(w: World, extra: Partial<ChannelInput<'smtp:test-connection'>> = {}) {
  return w.call('smtp:test-connection', {
    operationId: `op_binding_${Math.random().toString(36).slice(2, 10)}`,
    host: TEST_MAIL_HOST,
    port: w.real.port,
    security: 'starttls',
    from: USER,
    addressId: w.id,
    credentials: { kind: 'password', username: USER },
    ...extra,
  });
}

function pinHost(w: World, pair: KeyPair) {
  return w.call('settings:update', { patch: { pinnedCertificates: [{ host: TEST_MAIL_HOST, sha256: fingerprint(pair), pinnedAt: '2000-01-01T00:00:00.000Z' }] } });
}

const authsOf = (peer: SmtpPeer) => peer.sessions.flatMap((s) => s.authAttempts);

describe('the pin-and-DNS redirection', () => {
  it('the stored password signs in at its own server first (the baseline the attack starts from)', async () => {
    const w = await world();
    const result = await storedTest(w);
    expect(result).toMatchObject({ ok: true, value: { auth: { accepted: true } } });
    expect(authsOf(w.real)).toEqual([expect.objectContaining({ username: USER, secret: SECRET })]);
    expect(w.services.store.getAddress(w.id)?.lending?.smtp).toMatchObject({ pinSha256: fingerprint(pki.leaf), dnsServers: [realDns.address], ips: ['127.0.0.1'] });
  });

  it('a swapped pin plus DNS servers given with the call: the hostile server receives no AUTH', async () => {
    const w = await world();
    const hostile = await w.hostile('::1', pki.selfSigned);
    expect(await pinHost(w, pki.selfSigned)).toMatchObject({ ok: true });
    const result = await storedTest(w, { dnsServers: [hostileDns.address] });
    expect(hostile.auths).toEqual([]);
    expect(hostile.connections).toBe(0);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('a swapped pin plus Settings’ DNS servers: the hostile server receives no AUTH, and the admin reads why', async () => {
    const w = await world();
    const hostile = await w.hostile('::1', pki.selfSigned);
    expect(await pinHost(w, pki.selfSigned)).toMatchObject({ ok: true });
    expect(await w.call('settings:update', { patch: { dnsServers: [hostileDns.address] } })).toMatchObject({ ok: true });

    const result = await storedTest(w);
    expect(hostile.auths).toEqual([]);
    expect(hostile.connections).toBe(0);
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict', details: { lending: 'pin-changed' } } });
    if (!result.ok) {
      expect(result.error.message).toContain(`The certificate pinned for ${TEST_MAIL_HOST} changed since the password of ${USER} was last tested; type the password again and test, or rotate it.`);
    }
  });

  it('the same without any call: a background re-check sends no AUTH either', async () => {
    const w = await world();
    const hostile = await w.hostile('::1', pki.selfSigned);
    await pinHost(w, pki.selfSigned);
    await w.call('settings:update', { patch: { dnsServers: [hostileDns.address] } });

    const rechecked = await w.services.verification.recheck(w.id, 'scheduled', { signal: new AbortController().signal, emit: () => undefined });
    expect(hostile.auths).toEqual([]);
    expect(hostile.connections).toBe(0);
    expect(rechecked.ok).toBe(true);
    if (rechecked.ok) {
      const item = rechecked.value.status.status.items.find((i) => i.id === 'connection-auth');
      expect(item?.status.state).not.toBe('verified');
      expect(JSON.stringify(item)).toContain(`The certificate pinned for ${TEST_MAIL_HOST} changed`);
    }
  }, 30_000);

  it('an OAuth 2.0 token held for the address is held back the same way', async () => {
    const w = await world('oauth2');
    w.services.m365Tokens.hold(w.id, TOKEN, { flow: 'client-credentials', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), tenantId: 'tenant', clientId: 'client' });
    const hostile = await w.hostile('::1', pki.selfSigned);
    await pinHost(w, pki.selfSigned);
    await w.call('settings:update', { patch: { dnsServers: [hostileDns.address] } });
    const result = await storedTest(w, { credentials: { kind: 'oauth2', username: USER } });
    expect(hostile.auths).toEqual([]);
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict', details: { lending: 'pin-changed', purpose: 'oauth' } } });
  });
});

describe('a held OAuth 2.0 token cannot be steered by saving a credential', () => {
  // The attack: pin your own certificate and name your own DNS servers, then save any client
  // secret or your own certificate (which re-binds the OAuth purpose to today's pin), then
  // test with the token the admin got earlier. The token was not got with what was saved.
  for (const via of ['m365:set-client-secret', 'm365:set-client-certificate'] as const) {
    it(`after ${via}, a token got before it is not sent to the newly pinned server`, async () => {
      const w = await world('oauth2');
      w.services.m365Tokens.hold(w.id, TOKEN, { flow: 'client-credentials', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), tenantId: 'tenant', clientId: 'client' });
      const hostile = await w.hostile('::1', pki.selfSigned);
      await w.call('settings:update', { patch: { dnsServers: [hostileDns.address], pinnedCertificates: [{ host: TEST_MAIL_HOST, sha256: fingerprint(pki.selfSigned), pinnedAt: new Date().toISOString() }] } });
      // Bindings are stamped in milliseconds: make sure the save comes strictly after the token.
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (via === 'm365:set-client-secret') {
        expect((await w.call('m365:set-client-secret', { addressId: w.id, secret: 'attacker-chosen-value' })).ok).toBe(true);
      } else {
        const app = createClientCertificate();
        const thumbprint = new X509Certificate(app.certificate).fingerprint.replace(/:/gu, '');
        expect((await w.call('m365:set-client-certificate', { addressId: w.id, thumbprint, privateKeyPem: app.privateKey, certificatePem: app.certificate })).ok).toBe(true);
      }
      const result = await storedTest(w, { credentials: { kind: 'oauth2', username: USER } });
      expect(hostile.auths).toEqual([]);
      expect(result).toMatchObject({ ok: false, error: { code: 'conflict', details: { lending: 'token-before-binding', purpose: 'oauth' } } });
      // A token got after the save is lent as usual (here to the server the admin now pins).
      w.services.m365Tokens.hold(w.id, 'fresh-oauth-token-1c2d3e', { flow: 'client-credentials', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), tenantId: 'tenant', clientId: 'client' });
      await storedTest(w, { credentials: { kind: 'oauth2', username: USER } });
      expect(hostile.auths.join(' ')).not.toContain(TOKEN);
    });
  }
});

describe('DNS servers changed in Settings', () => {
  it('only the address the secret really signed in at is remembered, not every answer of the resolver', async () => {
    const w = await world();
    expect(await storedTest(w)).toMatchObject({ ok: true, value: { auth: { accepted: true } } });
    // A resolver that answers the real address and its own: only where the secret went counts,
    // or its own address (::1) would later pass as "signed in there before".
    const both = await startTestDnsServer({ zones: [{ origin: 'relayproof.test', records: [rr.a(TEST_MAIL_HOST, '127.0.0.1'), rr.aaaa(TEST_MAIL_HOST, '::1')] }] });
    cleanups.push(() => both.close());
    await w.call('settings:update', { patch: { dnsServers: [both.address] } });
    const passed = await storedTest(w);
    expect(passed).toMatchObject({ ok: true, value: { auth: { accepted: true }, dns: { used: '127.0.0.1' } } });
    expect(w.services.store.getAddress(w.id)?.lending?.smtp).toMatchObject({ dnsServers: [both.address], ips: ['127.0.0.1'] });
  });


  it('the same address through other DNS servers: lent, and the binding records the new servers', async () => {
    const w = await world();
    expect(await storedTest(w)).toMatchObject({ ok: true, value: { auth: { accepted: true } } });
    await w.call('settings:update', { patch: { dnsServers: [sameAnswerDns.address] } });
    expect(await storedTest(w)).toMatchObject({ ok: true, value: { auth: { accepted: true } } });
    expect(w.services.store.getAddress(w.id)?.lending?.smtp).toMatchObject({ dnsServers: [sameAnswerDns.address], ips: ['127.0.0.1'] });
  });

  it('another address with only a pinned certificate (not publicly trusted): stops before AUTH with the reason', async () => {
    const w = await world();
    expect(await storedTest(w)).toMatchObject({ ok: true, value: { auth: { accepted: true } } });
    // Even the pinned certificate itself does not do at an address it never signed in at.
    const elsewhere = await w.hostile('::1', pki.leaf);
    await w.call('settings:update', { patch: { dnsServers: [hostileDns.address] } });
    const result = await storedTest(w);
    expect(elsewhere.auths).toEqual([]);
    expect(elsewhere.connections).toBe(1);
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict', details: { lending: 'address-changed', address: '::1' } } });
    if (!result.ok) expect(result.error.message).toContain(`${TEST_MAIL_HOST} now resolves to ::1`);
  });
});

describe('a changed pin is lifted only by someone who knows the stored secret', () => {
  it('a typed secret that signs in but is not the stored one does not re-bind; the stored one does', async () => {
    const w = await world();
    await w.real.close();
    // The server's certificate changed (or someone pinned theirs): the new pin is in Settings.
    const server = await w.hostile('127.0.0.1', pki.selfSigned);
    await pinHost(w, pki.selfSigned);
    const typed = (secret: string) =>
      w.call('smtp:test-connection', { operationId: 'op_binding_typed', host: TEST_MAIL_HOST, port: w.real.port, security: 'starttls', from: USER, addressId: w.id, secret, credentials: { kind: 'password', username: USER } });

    expect(await typed('a-guess-the-server-accepts')).toMatchObject({ ok: true, value: { auth: { accepted: true } } });
    const stored = await storedTest(w);
    expect(server.auths.map((a) => a.secret)).toEqual(['a-guess-the-server-accepts']);
    expect(stored).toMatchObject({ ok: false, error: { code: 'conflict' } });

    expect(await typed(SECRET)).toMatchObject({ ok: true, value: { auth: { accepted: true } } });
    expect(w.services.store.getAddress(w.id)?.lending?.smtp).toMatchObject({ pinSha256: fingerprint(pki.selfSigned) });
    expect(await storedTest(w)).toMatchObject({ ok: true, value: { auth: { accepted: true } } });
    expect(server.auths.map((a) => a.secret)).toEqual(['a-guess-the-server-accepts', SECRET, SECRET]);
  });

  it(`after ${PROOF_ATTEMPTS} wrong typed secrets in ${PROOF_WINDOW_MS / 60_000} minutes, even the stored one does not re-bind (no guessing oracle)`, async () => {
    const w = await world();
    await w.real.close();
    const server = await w.hostile('127.0.0.1', pki.selfSigned);
    await pinHost(w, pki.selfSigned);
    const typed = (secret: string) =>
      w.call('smtp:test-connection', { operationId: 'op_binding_guess', host: TEST_MAIL_HOST, port: w.real.port, security: 'starttls', from: USER, addressId: w.id, secret, credentials: { kind: 'password', username: USER } });
    for (let i = 0; i < PROOF_ATTEMPTS; i++) expect(await typed(`guess-number-${i}`)).toMatchObject({ ok: true, value: { auth: { accepted: true } } });
    const before = w.services.store.getAddress(w.id)?.lending?.smtp;
    expect(await typed(SECRET)).toMatchObject({ ok: true, value: { auth: { accepted: true } } });
    expect(w.services.store.getAddress(w.id)?.lending?.smtp).toEqual(before);
    expect(await storedTest(w)).toMatchObject({ ok: false, error: { code: 'conflict', details: { lending: 'pin-changed' } } });
    expect(server.auths).toHaveLength(PROOF_ATTEMPTS + 1);
  });

  it('a pin put back as it was lends again; removing it holds the secret back', async () => {
    const w = await world();
    await w.call('settings:update', { patch: { pinnedCertificates: [] } });
    expect(await storedTest(w)).toMatchObject({ ok: false, error: { code: 'conflict', details: { lending: 'pin-changed' } } });
    await pinHost(w, pki.leaf);
    expect(await storedTest(w)).toMatchObject({ ok: true, value: { auth: { accepted: true } } });
  });

  it('a password saved before bindings existed is held back when a pin was added after it (Settings stamp the time, not the caller)', async () => {
    const w = await world();
    // As an older Relayproof left it: no binding on the address.
    const legacy = w.services.store.createAddress(
      addressFieldsSchema.parse({ address: `old-${USER}`, platform: 'generic', environment: 'production', provider: 'custom', host: TEST_MAIL_HOST, port: w.real.port, security: 'starttls', username: USER, authKind: 'password' }),
    );
    await w.services.vault.set(legacy.id, 'smtp', SECRET);
    w.services.store.setSecretChangedAt(legacy.id, '2020-01-01T00:00:00.000Z');
    expect(w.services.store.getAddress(legacy.id)?.lending).toBeUndefined();
    // The caller backdates the pin; Settings record when it really changed.
    const pinned = await pinHost(w, pki.selfSigned);
    expect(pinned.ok && Date.parse(pinned.value.pinnedCertificates[0]?.pinnedAt ?? '') > Date.parse('2020-01-01T00:00:00.000Z')).toBe(true);
    const result = await w.call('smtp:test-connection', {
      operationId: 'op_binding_legacy',
      host: TEST_MAIL_HOST,
      port: w.real.port,
      security: 'starttls',
      addressId: legacy.id,
      credentials: { kind: 'password', username: USER },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict', details: { lending: 'pin-changed' } } });
  });

  it('a caller cannot set when the DNS servers changed', async () => {
    const w = await world();
    const updated = await w.call('settings:update', { patch: { dnsServers: [sameAnswerDns.address], dnsServersChangedAt: '2000-01-01T00:00:00.000Z' } });
    expect(updated.ok && updated.value.dnsServersChangedAt !== '2000-01-01T00:00:00.000Z').toBe(true);
  });
});

describe('a mailbox password does not follow its mailbox elsewhere', () => {
  it.each([
    ['mailbox', 'verification:set-mailbox', 'imap'],
    ['forwardingMailbox', 'verification:set-forwarding-mailbox', 'imap-forwarding'],
  ] as const)('moving the %s with addresses:update deletes its password', async (field, channel, purpose) => {
    const w = await world();
    const mailbox = { host: 'imap.example.test', port: 993, security: 'tls' as const, username: USER };
    expect(await w.call(channel, { addressId: w.id, mailbox, secret: 'mailbox-password-1' })).toMatchObject({ ok: true, value: { mailboxSecret: { stored: true } } });

    // Another account on the same server keeps nothing (nor would another server).
    expect(await w.call('addresses:update', { id: w.id, patch: { [field]: { ...mailbox, username: 'someone@else.test' } } })).toMatchObject({ ok: true });
    expect(await w.services.vault.has(w.id, purpose)).toEqual({ ok: true, value: false });
    // The SMTP secret stays: only the mailbox moved.
    expect(await w.services.vault.has(w.id, 'smtp')).toEqual({ ok: true, value: true });
    // Should a password still be there, it stays bound to the mailbox it was saved for.
    expect(w.services.store.getAddress(w.id)?.lending?.[purpose]).toMatchObject({ host: 'imap.example.test', username: USER });
  });

  it('a folder list change keeps the password', async () => {
    const w = await world();
    const mailbox = { host: 'imap.example.test', port: 993, security: 'tls' as const, username: USER };
    await w.call('verification:set-mailbox', { addressId: w.id, mailbox, secret: 'mailbox-password-1' });
    expect(await w.call('addresses:update', { id: w.id, patch: { mailbox: { ...mailbox, mailboxes: ['INBOX', 'Archive'] } } })).toMatchObject({ ok: true });
    expect(await w.services.vault.has(w.id, 'imap')).toEqual({ ok: true, value: true });
  });
});

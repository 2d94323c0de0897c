/**
 * The OAuth 2.0 channels through the real dispatcher (contract validation in and out) on
 * real services: msal-node against a local HTTPS token endpoint on 127.0.0.1 (its CA
 * trusted through the services' `ca`; the authority metadata built locally, so no
 * discovery leaves the machine), an Exchange-like smtp-server that decodes the SASL
 * XOAUTH2 string and checks the token's claims, and the OS keychain when this session
 * has one (gnome-keyring under dbus-run-session; an in-memory KeychainBackend otherwise).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelInput, ChannelName, ChannelResult, OperationEvent } from '../../src-preload/contract';
import { createLogger } from '../log/logger';
import { loopbackMetadata } from '../m365/authority';
import type { TokenOutcome } from '../../src-preload/contract/m365-schemas';
import { createServices, type Services } from '../services';
import { startTokenEndpoint, type TokenEndpoint } from '../testing/m365-token-endpoint';
import { startM365Peer, type M365Peer } from '../testing/m365-smtp-peer';
import { leakedForms } from '../testing/smtp-run';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { loadKeytar } from '../vault/keytar';
import type { KeychainBackend } from '../vault/vault';
import { memoryKeychain } from '../testing/transport-support';
import { closedUdpPort } from '../testing/closed-ports';

const TENANT = '11111111-2222-4333-8444-555555555555';
const MAILBOX = 'support@contoso.com';
const PASSWORD = 'basic-password-1';
// New per run: finding one anywhere can only be a leak from this run.
const SECRET = `q~8Q~${randomBytes(12).toString('hex')}`;
const WRONG_SECRET = `q~8Q~wrong-${randomBytes(8).toString('hex')}`;
const app = (n: number) => `aaaaaaaa-0000-4000-8000-00000000000${n}`;
const APPS = { good: app(1), graph: app(2), noRole: app(3), expired: app(4), delegated: app(7) };


const osKeychain = (process.env['DBUS_SESSION_BUS_ADDRESS'] ?? '') !== '' ? await loadKeytar().catch(() => null) : null;
if (osKeychain === null) console.warn('[m365-oauth-handlers.test] no OS keychain on this session: the client secret is kept in an in-memory KeychainBackend');

let dir: string;
let logFile: string;
let services: Services;
let pki: TestPki;
let endpoint: TokenEndpoint;
let peer: M365Peer;
let memory: KeychainBackend;
const events: OperationEvent[] = [];
const responses: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relayproof-m365-oauth-'));
  logFile = join(dir, 'logs', 'relayproof.log');
  pki = createTestPki();
  endpoint = await startTokenEndpoint({
    tls: pki.leaf,
    tenants: [TENANT],
    clients: [
      { clientId: APPS.good, secret: SECRET },
      { clientId: APPS.graph, secret: SECRET, claims: { aud: 'https://graph.microsoft.com', roles: ['Mail.Send'] } },
      { clientId: APPS.noRole, secret: SECRET, claims: { roles: [] } },
      { clientId: APPS.expired, secret: SECRET, claims: { expiresInSeconds: -120 } },
      { clientId: APPS.delegated, claims: { upn: 'admin@contoso.com' } },
    ],
  });
  peer = await startM365Peer({ tls: pki.leaf, mailbox: MAILBOX, password: PASSWORD, tenantId: TENANT });
  memory = memoryKeychain();
  services = createServices({
    dataDirectory: dir,
    mode: 'cli',
    logger: createLogger({ file: logFile, minLevel: 'debug' }),
    keychain: async () => osKeychain ?? memory,
    validateOutput: true,
    // What `RELAYPROOF_M365_AUTHORITY` does for the app, plus the test CA: verification stays on.
    m365OAuth: { authorityHost: endpoint.origin, authorityMetadata: (tenant) => loopbackMetadata(endpoint.origin, tenant), ca: [pki.ca] },
  });
  const pinned = await call('settings:update', {
    patch: { pinnedCertificates: [{ host: '127.0.0.1', sha256: pki.leaf.fingerprint256.replace(/:/gu, ''), pinnedAt: new Date().toISOString() }] },
  });
  if (!pinned.ok) throw new Error(pinned.error.message);
  // Probing the keychain writes the log's first line, so the leak check below reads a real file.
  await call('app:get-info', {});
});

afterAll(async () => {
  for (const address of services.store.listAddresses()) await services.vault.delete(address.id, 'oauth-client');
  await peer.close();
  await endpoint.close();
  pki.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Through the dispatcher, so the contract validates the input and the output; every answer is kept for the leak check. */
async function call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelResult<C>> {
  const result = (await services.createDispatcher((e) => events.push(e)).dispatch(channel, input)) as ChannelResult<C>;
  responses.push(JSON.stringify(result));
  return result;
}

async function newAddress(authKind: 'password' | 'oauth2' = 'password'): Promise<string> {
  const created = await call('addresses:create', {
    fields: {
      address: `s${randomBytes(3).toString('hex')}@contoso.com`,
      platform: 'zendesk',
      environment: 'production',
      provider: 'microsoft-365',
      host: '127.0.0.1',
      port: peer.port,
      security: 'starttls',
      username: MAILBOX,
      authKind,
    },
  });
  if (!created.ok) throw new Error(created.error.message);
  return created.value.id;
}

async function appToken(addressId: string, clientId: string, clientSecret: string | undefined = SECRET): Promise<TokenOutcome> {
  const result = await call('m365:acquire-app-token', { addressId, tenantId: TENANT, clientId, ...(clientSecret !== undefined ? { clientSecret } : {}) });
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

function oauthTest(addressId: string) {
  return call('smtp:test-connection', {
    operationId: `op_${randomBytes(6).toString('hex')}`,
    host: '127.0.0.1',
    port: peer.port,
    security: 'starttls',
    from: MAILBOX,
    addressId,
    credentials: { kind: 'oauth2', username: MAILBOX, mechanism: 'XOAUTH2' },
  });
}

describe('app-only token channel', () => {
  it('a good token is held for the address, explained, and signs in over XOAUTH2 through smtp:test-connection', async () => {
    const id = await newAddress();
    const outcome = await appToken(id, APPS.good);
    expect(outcome).toMatchObject({ status: 'acquired', flow: 'client-credentials' });
    if (outcome.status !== 'acquired') return;
    expect(outcome.explanation).toMatchObject({ kind: 'app-only', audience: 'https://outlook.office365.com', roles: ['SMTP.SendAsApp'], tenantId: TENANT, usable: true });

    const state = await call('m365:get-oauth-state', { addressId: id });
    expect(state.ok && state.value.token).toMatchObject({ flow: 'client-credentials', tenantId: TENANT, clientId: APPS.good });
    // The (non-secret) registration is saved with an app-only token, for the OAuth tab to pre-fill.
    expect(state.ok && state.value.registration).toEqual({ tenantId: TENANT, clientId: APPS.good, savedAt: expect.any(String) });

    const before = peer.signIns.length;
    const report = await oauthTest(id);
    expect(report.ok).toBe(true);
    if (!report.ok) return;
    expect(report.value.auth).toMatchObject({ mechanism: 'XOAUTH2', accepted: true });
    // smtp-server decoded the SASL string `user=…^Aauth=Bearer …^A^A`; the peer accepted the token's claims.
    expect(peer.signIns.slice(before)).toEqual([{ method: 'XOAUTH2', username: MAILBOX, accepted: true }]);
    // The transcript shows the exchange, never the token in any encoding.
    const transcript = JSON.stringify(report.value.transcript);
    expect(transcript).toContain('AUTH XOAUTH2');
    expect(transcript).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}/u);
  });

  it('wrong audience: explained; Exchange refuses it with 535 5.7.3, and that report marks the OAuth app item with its fix', async () => {
    const id = await newAddress();
    const outcome = await appToken(id, APPS.graph);
    expect(outcome.status === 'acquired' && outcome.explanation.usable).toBe(false);
    expect(outcome.status === 'acquired' ? outcome.explanation.problems[0] : '').toMatch(/^The token is for https:\/\/graph.microsoft.com \(Microsoft Graph\), not for Exchange Online/u);

    const report = await oauthTest(id);
    if (!report.ok) throw new Error(report.error.message);
    expect(report.value.failure?.reply?.text).toMatch(/^535 5\.7\.3 Authentication unsuccessful/u);
    const checklist = await call('m365:get-checklist', { upn: MAILBOX, report: report.value });
    expect(checklist.ok && checklist.value.items.find((i) => i.id === 'oauth-app')).toMatchObject({ state: 'problem', setBy: 'test', highlighted: true });
    expect(checklist.ok && checklist.value.nextFix).toMatchObject({ item: 'oauth-app', script: 'oauth-setup' });
  });

  it('a token without the SMTP.SendAsApp role is explained', async () => {
    const outcome = await appToken(await newAddress(), APPS.noRole);
    expect(outcome.status === 'acquired' ? outcome.explanation.problems : []).toEqual([expect.stringMatching(/has no SMTP.SendAsApp role.*grant admin consent/u)]);
  });

  it('an expired token is explained and not held: the OAuth test then asks for a token first', async () => {
    const id = await newAddress();
    const outcome = await appToken(id, APPS.expired);
    expect(outcome.status === 'acquired' ? outcome.explanation.problems : []).toEqual([expect.stringMatching(/^The token expired at .* \(2 minutes ago\)/u)]);
    const state = await call('m365:get-oauth-state', { addressId: id });
    expect(state.ok && state.value.token).toBeNull();
    const report = await oauthTest(id);
    expect(report.ok).toBe(false);
    expect(report.ok ? '' : report.error.message).toMatch(/^No OAuth 2\.0 access token is held for s[0-9a-f]+@contoso\.com\./u);
  });

  it('an invalid client secret: AADSTS7000215 explained, nothing held, the secret in no response and no log line', async () => {
    const id = await newAddress();
    const outcome = await appToken(id, APPS.good, WRONG_SECRET);
    expect(outcome).toMatchObject({ status: 'refused', failure: { aadsts: 'AADSTS7000215', title: 'Invalid client secret', item: 'oauth-app' } });
    const state = await call('m365:get-oauth-state', { addressId: id });
    expect(state.ok && state.value.token).toBeNull();
    // A failing call (a bad tenant) makes the dispatcher write its log line about the input.
    const refused = await call('m365:acquire-app-token', { addressId: id, tenantId: 'common', clientId: APPS.good, clientSecret: WRONG_SECRET });
    expect(refused.ok).toBe(false);
  });

  it('the client secret saved to the keychain is used without being sent again; before it is saved the answer says what to do', async () => {
    const id = await newAddress('oauth2');
    const missing = await call('m365:acquire-app-token', { addressId: id, tenantId: TENANT, clientId: APPS.good });
    expect(missing.ok ? '' : missing.error.message).toMatch(/^No client secret is saved for s[0-9a-f]+@contoso\.com\./u);
    expect(missing.ok ? '' : missing.error.hint).toMatch(/Certificates & secrets/u);

    const saved = await call('m365:set-client-secret', { addressId: id, secret: SECRET });
    expect(saved.ok && saved.value.stored).toBe(true);
    const state = await call('m365:get-oauth-state', { addressId: id });
    expect(state.ok && state.value).toMatchObject({ clientSecretStored: true, token: null, registration: null });
    if (osKeychain !== null) expect(await osKeychain.getPassword('relayproof', `${id}--oauth-client`)).toBe(SECRET);

    const outcome = await appToken(id, APPS.good, undefined);
    expect(outcome.status === 'acquired' && outcome.explanation.usable).toBe(true);
    const report = await oauthTest(id);
    expect(report.ok && report.value.auth).toMatchObject({ mechanism: 'XOAUTH2', accepted: true });

    const forgotten = await call('m365:forget-token', { addressId: id });
    expect(forgotten.ok && forgotten.value.forgotten).toBe(true);
    // An oauth2 address without a held token falls back to its keychain entry, which has none.
    const without = await oauthTest(id);
    expect(without.ok).toBe(false);
  });

  it('an address that does not exist is named', async () => {
    const result = await call('m365:acquire-app-token', { addressId: 'a-doesnotexist', tenantId: TENANT, clientId: APPS.good, clientSecret: SECRET });
    expect(result.ok ? '' : result.error.code).toBe('not-found');
  });
});

describe('background re-checks of an OAuth 2.0 address', () => {
  it('after a restart (no token held), a re-check gets a fresh app-only token from the saved registration and the keychain secret', async () => {
    const id = await newAddress('oauth2');
    expect(await call('m365:set-client-secret', { addressId: id, secret: SECRET })).toMatchObject({ ok: true });
    expect(await appToken(id, APPS.good, undefined)).toMatchObject({ status: 'acquired' });
    const dead = await call('settings:update', { patch: { dnsServers: [`127.0.0.1:${await closedUdpPort()}`] } });
    if (!dead.ok) throw new Error(dead.error.message);

    // A new process on the same data: tokens were in memory only.
    const restarted = createServices({
      dataDirectory: dir,
      mode: 'cli',
      logger: createLogger({ file: logFile, minLevel: 'debug' }),
      keychain: async () => osKeychain ?? memory,
      validateOutput: true,
      m365OAuth: { authorityHost: endpoint.origin, authorityMetadata: (tenant) => loopbackMetadata(endpoint.origin, tenant), ca: [pki.ca] },
      verification: { resolverOptions: { timeoutMs: 300, retries: 0 } },
    });
    expect(restarted.m365Tokens.info(id)).toBeNull();
    // The OAuth tab of the new process still pre-fills the saved registration (never the secret).
    const after = await restarted.createDispatcher().dispatch('m365:get-oauth-state', { addressId: id });
    expect(after).toEqual({ ok: true, value: { clientSecretStored: true, token: null, registration: { tenantId: TENANT, clientId: APPS.good, savedAt: expect.any(String) }, certificate: null } });
    const before = peer.signIns.length;
    const rechecked = await restarted.verification.recheck(id, 'scheduled', { signal: new AbortController().signal, emit: () => undefined });
    if (!rechecked.ok) throw new Error(rechecked.error.message);
    expect(rechecked.value.status.status.items.find((i) => i.id === 'connection-auth')?.status.state).toBe('verified');
    expect(peer.signIns.slice(before)).toEqual([{ method: 'XOAUTH2', username: MAILBOX, accepted: true }]);
    expect(restarted.m365Tokens.info(id)).toMatchObject({ flow: 'client-credentials', tenantId: TENANT, clientId: APPS.good });
    expect(JSON.stringify(rechecked)).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}/u);

    // Without a saved registration there is nothing to get a token with: said on the item, nothing signs in.
    const other = await newAddress('oauth2');
    const signIns = peer.signIns.length;
    const none = await restarted.verification.recheck(other, 'scheduled', { signal: new AbortController().signal, emit: () => undefined });
    if (!none.ok) throw new Error(none.error.message);
    const item = none.value.status.status.items.find((i) => i.id === 'connection-auth');
    expect(item?.lastError?.message).toMatch(/no app registration is saved for it to get one/u);
    expect(peer.signIns.length).toBe(signIns);
  });
});

describe('delegated token channel (device code)', () => {
  it('streams the code and URL as an event and holds the SMTP.Send token for the address', async () => {
    const id = await newAddress();
    const operationId = `op_dc_${randomBytes(6).toString('hex')}`;
    const result = await call('m365:acquire-delegated-token', { operationId, addressId: id, tenantId: TENANT, clientId: APPS.delegated });
    expect(events.filter((e) => e.operationId === operationId).map((e) => e.event)).toEqual([
      { type: 'device-code', prompt: expect.objectContaining({ userCode: 'RPTEST42', verificationUri: 'https://microsoft.com/devicelogin' }) },
    ]);
    expect(result.ok && result.value).toMatchObject({ status: 'acquired', flow: 'device-code', explanation: { kind: 'delegated', scopes: ['SMTP.Send'], user: 'admin@contoso.com', usable: true } });
    const state = await call('m365:get-oauth-state', { addressId: id });
    expect(state.ok && state.value.token?.flow).toBe('device-code');
    // Only an app-only token saves the registration (re-checks cannot use a delegated one).
    expect(state.ok && state.value.registration).toBeNull();
  });
});

describe('secrets stay in main', () => {
  it('no response carries a client secret or a token, and no log line a client secret', () => {
    expect(responses.length).toBeGreaterThan(10);
    const all = responses.join('\n');
    for (const secret of [SECRET, WRONG_SECRET]) for (const form of leakedForms(MAILBOX, secret)) expect(all).not.toContain(form);
    // Tokens are JWTs: `eyJ` + base64url header.
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}\.eyJ/u);
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('keychain');
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain(WRONG_SECRET);
    expect(log).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}\.eyJ/u);
  });
});

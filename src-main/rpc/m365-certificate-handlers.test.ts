/**
 * The certificate credential of the OAuth 2.0 app-only path, through the real dispatcher
 * (contract validation in and out) on real services: `m365:set-client-certificate` checks
 * the key with node:crypto and saves it in the keychain (gnome-keyring under
 * dbus-run-session when this session has one; an in-memory KeychainBackend otherwise),
 * and `m365:acquire-app-token` has msal-node sign a client assertion that a local HTTPS
 * token endpoint on 127.0.0.1 receives. The test verifies that assertion's signature
 * itself with the certificate's public key, and that no client secret was sent.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, verify, X509Certificate, constants as cryptoConstants } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelInput, ChannelName, ChannelResult } from '../../src-preload/contract';
import { createLogger } from '../log/logger';
import { openAppRegistrations } from '../m365/app-registrations';
import { loopbackMetadata } from '../m365/authority';
import { createServices, type Services } from '../services';
import { createClientCertificate, startTokenEndpoint, type TokenEndpoint } from '../testing/m365-token-endpoint';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { loadKeytar } from '../vault/keytar';
import type { KeychainBackend } from '../vault/vault';
import { memoryKeychain } from '../testing/transport-support';

const TENANT = '11111111-2222-4333-8444-555555555555';
const CERT_APP = 'aaaaaaaa-0000-4000-8000-000000000006';
const SECRET_APP = 'aaaaaaaa-0000-4000-8000-000000000001';
const SECRET = `q~8Q~${randomBytes(12).toString('hex')}`;


const osKeychain = (process.env['DBUS_SESSION_BUS_ADDRESS'] ?? '') !== '' ? await loadKeytar().catch(() => null) : null;
if (osKeychain === null) console.warn('[m365-certificate-handlers.test] no OS keychain on this session: the private key is kept in an in-memory KeychainBackend');

let dir: string;
let logFile: string;
let services: Services;
let pki: TestPki;
let endpoint: TokenEndpoint;
let keychain: KeychainBackend;
/** The app's certificate credential, new per run: finding its key anywhere can only be a leak from this run. */
let app: { privateKey: string; certificate: string };
let other: { privateKey: string; certificate: string };
let sha1: string;
let sha256: string;
const responses: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relayproof-m365-cert-'));
  logFile = join(dir, 'logs', 'relayproof.log');
  pki = createTestPki();
  app = createClientCertificate();
  other = createClientCertificate();
  const x509 = new X509Certificate(app.certificate);
  sha1 = x509.fingerprint.replaceAll(':', '');
  sha256 = x509.fingerprint256.replaceAll(':', '');
  endpoint = await startTokenEndpoint({
    tls: pki.leaf,
    tenants: [TENANT],
    clients: [
      { clientId: CERT_APP, certificate: app.certificate },
      { clientId: SECRET_APP, secret: SECRET },
    ],
  });
  keychain = osKeychain ?? memoryKeychain();
  services = createServices({
    dataDirectory: dir,
    mode: 'cli',
    logger: createLogger({ file: logFile, minLevel: 'debug' }),
    keychain: async () => keychain,
    validateOutput: true,
    m365OAuth: { authorityHost: endpoint.origin, authorityMetadata: (tenant) => loopbackMetadata(endpoint.origin, tenant), ca: [pki.ca] },
  });
  await call('app:get-info', {});
});

afterAll(async () => {
  for (const address of services.store.listAddresses()) {
    await services.vault.delete(address.id, 'oauth-certificate');
    await services.vault.delete(address.id, 'oauth-client');
  }
  await endpoint.close();
  pki.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelResult<C>> {
  const result = (await services.createDispatcher().dispatch(channel, input)) as ChannelResult<C>;
  responses.push(JSON.stringify(result));
  return result;
}

async function newAddress(): Promise<string> {
  const created = await call('addresses:create', {
    fields: {
      address: `c${randomBytes(3).toString('hex')}@contoso.com`,
      platform: 'zendesk',
      environment: 'production',
      provider: 'microsoft-365',
      host: '127.0.0.1',
      port: 587,
      security: 'starttls',
      username: 'support@contoso.com',
      authKind: 'oauth2',
    },
  });
  if (!created.ok) throw new Error(created.error.message);
  return created.value.id;
}

function decodeJwt(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown>; data: Buffer; signature: Buffer } {
  const [h = '', p = '', s = ''] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>,
    data: Buffer.from(`${h}.${p}`),
    signature: Buffer.from(s, 'base64url'),
  };
}

/** The forms a key could leak in: PEM, its base64 body lines, the keychain's one-line DER. */
function keyForms(pem: string): string[] {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' }).toString('base64');
  const lines = pem.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'));
  return [pem.trim(), der, der.slice(100, 160), ...lines];
}

function filesUnder(path: string): string[] {
  return readdirSync(path).flatMap((name) => {
    const full = join(path, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('m365:set-client-certificate', () => {
  it('refuses what is not a usable private key, in words that say what to do', async () => {
    const id = await newAddress();
    const base = { addressId: id, thumbprint: sha1 };
    const garbage = await call('m365:set-client-certificate', { ...base, privateKeyPem: '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n' });
    expect(garbage).toMatchObject({ ok: false, error: { code: 'invalid-input', message: 'The private key could not be read.', hint: expect.stringMatching(/BEGIN PRIVATE KEY/u) } });

    const notPem = await call('m365:set-client-certificate', { ...base, privateKeyPem: 'just some text' });
    expect(notPem.ok ? '' : notPem.error.message).toMatch(/Paste the private key as PEM/u);

    const certInstead = await call('m365:set-client-certificate', { ...base, privateKeyPem: app.certificate });
    expect(certInstead.ok ? '' : certInstead.error.message).toMatch(/Paste the private key as PEM/u);

    const encrypted = createPrivateKey(app.privateKey).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    const locked = await call('m365:set-client-certificate', { ...base, privateKeyPem: encrypted });
    expect(locked).toMatchObject({ ok: false, error: { message: expect.stringMatching(/protected with a passphrase/u), hint: expect.stringMatching(/openssl pkey/u) } });

    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const notRsa = await call('m365:set-client-certificate', { ...base, privateKeyPem: ec });
    expect(notRsa.ok ? '' : notRsa.error.message).toMatch(/^The private key is EC; Microsoft Entra app certificates need an RSA key\./u);

    const badThumbprint = await call('m365:set-client-certificate', { ...base, thumbprint: 'ABC123', privateKeyPem: app.privateKey });
    expect(badThumbprint.ok ? '' : badThumbprint.error.message).toMatch(/40 \(SHA-1\) or 64 \(SHA-256\) hex characters/u);

    const wrongThumbprint = await call('m365:set-client-certificate', { ...base, thumbprint: 'F'.repeat(40), privateKeyPem: app.privateKey, certificatePem: app.certificate });
    expect(wrongThumbprint.ok ? '' : wrongThumbprint.error.message).toBe(`The thumbprint does not belong to this certificate (its SHA-1 thumbprint is ${sha1}).`);

    const wrongKey = await call('m365:set-client-certificate', { ...base, privateKeyPem: other.privateKey, certificatePem: app.certificate });
    expect(wrongKey.ok ? '' : wrongKey.error.message).toBe('The private key does not belong to this certificate.');

    // Nothing was saved by any refusal.
    const state = await call('m365:get-oauth-state', { addressId: id });
    expect(state.ok && state.value.certificate).toBeNull();
    expect(await keychain.getPassword('relayproof', `${id}--oauth-certificate`)).toBeNull();
  });

  it('saves the key in the keychain (one line) and only the thumbprint in the state', async () => {
    const id = await newAddress();
    // As the Entra portal shows it, in lower case with colons as some tools print it.
    const typed = sha1.toLowerCase().replace(/(..)(?!$)/gu, '$1:');
    const saved = await call('m365:set-client-certificate', { addressId: id, thumbprint: typed, privateKeyPem: app.privateKey });
    expect(saved).toEqual({ ok: true, value: { stored: true, thumbprint: sha1, changedAt: expect.any(String) } });
    const entry = await keychain.getPassword('relayproof', `${id}--oauth-certificate`);
    expect(entry).toBe(createPrivateKey(app.privateKey).export({ type: 'pkcs8', format: 'der' }).toString('base64'));
    const state = await call('m365:get-oauth-state', { addressId: id });
    expect(state.ok && state.value.certificate).toEqual({ thumbprint: sha1, certificateSaved: false, keyStored: true, savedAt: expect.any(String) });
  });
});

describe('m365:acquire-app-token with the saved certificate', () => {
  it('SHA-1 thumbprint: the endpoint receives an RS256 client assertion signed by the key, and no client secret', async () => {
    const id = await newAddress();
    expect((await call('m365:set-client-certificate', { addressId: id, thumbprint: sha1, privateKeyPem: app.privateKey })).ok).toBe(true);
    const before = endpoint.requests.length;
    const result = await call('m365:acquire-app-token', { addressId: id, tenantId: TENANT, clientId: CERT_APP });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({ status: 'acquired', flow: 'client-credentials', credential: 'certificate', explanation: { usable: true, appId: CERT_APP } });

    const sent = endpoint.requests.slice(before);
    expect(sent.map((r) => r.status)).toEqual([200]);
    expect(sent[0]?.form).toMatchObject({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: '[present]' });
    expect(sent[0]?.form).not.toHaveProperty('client_secret');

    const jwt = decodeJwt(endpoint.assertions.at(-1) ?? '');
    expect(jwt.header).toMatchObject({ alg: 'RS256', typ: 'JWT', x5t: Buffer.from(sha1, 'hex').toString('base64url') });
    expect(jwt.payload).toMatchObject({ iss: CERT_APP, sub: CERT_APP, aud: `${endpoint.origin}/${TENANT}/oauth2/v2.0/token` });
    const publicKey = createPublicKey(new X509Certificate(app.certificate).publicKey.export({ type: 'spki', format: 'pem' }));
    expect(verify('sha256', jwt.data, publicKey, jwt.signature)).toBe(true);
    // And not by another key: the check can fail.
    const otherKey = createPublicKey(new X509Certificate(other.certificate).publicKey.export({ type: 'spki', format: 'pem' }));
    expect(verify('sha256', jwt.data, otherKey, jwt.signature)).toBe(false);

    const state = await call('m365:get-oauth-state', { addressId: id });
    expect(state.ok && state.value.token).toMatchObject({ flow: 'client-credentials', clientId: CERT_APP });
  });

  it('SHA-256 thumbprint with the certificate: PS256, x5t#S256 and the certificate as x5c', async () => {
    const id = await newAddress();
    expect((await call('m365:set-client-certificate', { addressId: id, thumbprint: sha256, privateKeyPem: app.privateKey, certificatePem: app.certificate })).ok).toBe(true);
    const state = await call('m365:get-oauth-state', { addressId: id });
    expect(state.ok && state.value.certificate).toMatchObject({ thumbprint: sha256, certificateSaved: true, keyStored: true });
    const result = await call('m365:acquire-app-token', { addressId: id, tenantId: TENANT, clientId: CERT_APP });
    expect(result).toMatchObject({ ok: true, value: { status: 'acquired', credential: 'certificate' } });
    const jwt = decodeJwt(endpoint.assertions.at(-1) ?? '');
    expect(jwt.header).toMatchObject({ alg: 'PS256', 'x5t#S256': Buffer.from(sha256, 'hex').toString('base64url'), x5c: [new X509Certificate(app.certificate).raw.toString('base64')] });
    const publicKey = createPublicKey(app.certificate);
    expect(verify('sha256', jwt.data, { key: publicKey, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, jwt.signature)).toBe(true);
  });

  it('a certificate the app does not have: AADSTS700027 explained; a client secret given now is used instead of the certificate', async () => {
    const id = await newAddress();
    const otherSha1 = new X509Certificate(other.certificate).fingerprint.replaceAll(':', '');
    expect((await call('m365:set-client-certificate', { addressId: id, thumbprint: otherSha1, privateKeyPem: other.privateKey })).ok).toBe(true);
    const refused = await call('m365:acquire-app-token', { addressId: id, tenantId: TENANT, clientId: CERT_APP });
    expect(refused).toMatchObject({ ok: true, value: { status: 'refused', credential: 'certificate', failure: { aadsts: 'AADSTS700027' } } });

    const before = endpoint.requests.length;
    const withSecret = await call('m365:acquire-app-token', { addressId: id, tenantId: TENANT, clientId: SECRET_APP, clientSecret: SECRET });
    expect(withSecret).toMatchObject({ ok: true, value: { status: 'acquired', credential: 'client-secret' } });
    expect(endpoint.requests.slice(before)[0]?.form).toMatchObject({ client_secret: '[present]' });
    expect(endpoint.requests.slice(before)[0]?.form).not.toHaveProperty('client_assertion');
  });

  it('without a saved certificate the saved client secret is used, and says so', async () => {
    const id = await newAddress();
    expect((await call('m365:set-client-secret', { addressId: id, secret: SECRET })).ok).toBe(true);
    const result = await call('m365:acquire-app-token', { addressId: id, tenantId: TENANT, clientId: SECRET_APP });
    expect(result).toMatchObject({ ok: true, value: { status: 'acquired', credential: 'saved-client-secret' } });
  });

  it('a saved certificate whose key left the keychain is named, with what to do', async () => {
    const id = await newAddress();
    expect((await call('m365:set-client-certificate', { addressId: id, thumbprint: sha1, privateKeyPem: app.privateKey })).ok).toBe(true);
    await keychain.deletePassword('relayproof', `${id}--oauth-certificate`);
    const result = await call('m365:acquire-app-token', { addressId: id, tenantId: TENANT, clientId: CERT_APP });
    expect(result).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringMatching(/^The private key of the certificate saved for c[0-9a-f]+@contoso\.com is not in the keychain\./u) } });
  });
});

describe('disconnect', () => {
  it('deletes the certificate key from the keychain and its thumbprint, and says so in the history', async () => {
    const id = await newAddress();
    expect((await call('m365:set-client-certificate', { addressId: id, thumbprint: sha1, privateKeyPem: app.privateKey })).ok).toBe(true);
    expect(await keychain.getPassword('relayproof', `${id}--oauth-certificate`)).not.toBeNull();
    expect(await call('addresses:delete', { id })).toMatchObject({ ok: true, value: { deleted: true } });
    expect(await keychain.getPassword('relayproof', `${id}--oauth-certificate`)).toBeNull();
    expect(openAppRegistrations({ directory: dir }).getCertificate(id)).toBeNull();
    const history = await call('addresses:events', { addressId: id });
    expect(JSON.stringify(history)).toContain('OAuth certificate private key');
  });
});

describe('the private key stays in main', () => {
  it('is in no response, no log line and no file next to the settings', () => {
    expect(responses.length).toBeGreaterThan(15);
    const all = responses.join('\n');
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('keychain');
    const files = filesUnder(dir).map((f) => readFileSync(f, 'utf8'));
    // The thumbprint (public) is saved; that is how the scan knows it read the right files.
    expect(files.join('\n')).toContain(sha1);
    for (const key of [app.privateKey, other.privateKey]) {
      for (const form of keyForms(key)) {
        expect(all).not.toContain(form);
        expect(log).not.toContain(form);
        for (const text of files) expect(text).not.toContain(form);
      }
    }
  });
});

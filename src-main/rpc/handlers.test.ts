/**
 * Handler rules that keep a stored secret bound to the server and account it was saved
 * for, and patches that change only what they name. Real services on a temporary data
 * directory, real SMTP peers on 127.0.0.1; the keychain is an in-memory KeychainBackend
 * (the vault's own tests cover the OS keychain).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger';
import { createServices, type Services } from '../services';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { memoryKeychain } from '../testing/transport-support';

const USER = 'support@example.test';
const SECRET = 'stored-secret-9f8e7d';


let dir: string;
let services: Services;
let pki: TestPki;
let home: SmtpPeer;
let elsewhere: SmtpPeer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relayproof-handlers-'));
  const keychain = memoryKeychain();
  services = createServices({ dataDirectory: dir, mode: 'cli', logger: silentLogger, keychain: async () => keychain });
  pki = createTestPki();
  home = await startSmtpPeer({ security: 'starttls', certificate: pki.leaf, account: { username: USER, secret: SECRET } });
  elsewhere = await startSmtpPeer({ security: 'starttls', certificate: pki.selfSigned, account: { username: USER, secret: 'x' } });
});
afterAll(async () => {
  await home.close();
  await elsewhere.close();
  pki.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

let made = 0;
async function createAddress(port: number): Promise<string> {
  const dispatcher = services.createDispatcher();
  const created = await dispatcher.dispatch('addresses:create', {
    fields: { address: `a${made++}-${USER}`, platform: 'zendesk', environment: 'sandbox', provider: 'custom', host: '127.0.0.1', port, security: 'starttls', username: USER, authKind: 'password', selectors: ['zendesk1'] },
    secret: SECRET,
  });
  if (!created.ok) throw new Error(created.error.message);
  return (created.value as { id: string }).id;
}

describe('a stored secret goes only to its own server', () => {
  it('is lent to the saved host, port and account (with the pin in force when it was saved)', async () => {
    const dispatcher = services.createDispatcher();
    await dispatcher.dispatch('settings:update', { patch: { pinnedCertificates: [{ host: '127.0.0.1', sha256: pki.leaf.fingerprint256.replace(/:/gu, ''), pinnedAt: new Date().toISOString() }] } });
    const id = await createAddress(home.port);
    const result = await dispatcher.dispatch('smtp:test-connection', {
      operationId: 'op_handler_ok_1',
      host: '127.0.0.1',
      port: home.port,
      security: 'starttls',
      from: USER,
      addressId: id,
      credentials: { kind: 'password', username: USER },
    });
    expect(result.ok).toBe(true);
    expect((result as { value: { auth: { accepted: boolean } } }).value.auth.accepted).toBe(true);
    await dispatcher.dispatch('settings:update', { patch: { pinnedCertificates: [] } });
  });

  it('is refused for another port, host, username or sign-in method, before any connection', async () => {
    const id = await createAddress(home.port);
    const dispatcher = services.createDispatcher();
    const base = { operationId: 'op_handler_no_1', host: '127.0.0.1', port: home.port, security: 'starttls' as const, from: USER, addressId: id, credentials: { kind: 'password' as const, username: USER } };
    const attempts = [
      { ...base, port: elsewhere.port, pinSha256: pki.selfSigned.fingerprint256 },
      { ...base, host: 'localhost' },
      { ...base, credentials: { kind: 'password' as const, username: 'other@example.test' } },
      { ...base, credentials: { kind: 'app-password' as const, username: USER } },
      { ...base, security: 'tls' as const },
    ];
    for (const input of attempts) {
      const result = await dispatcher.dispatch('smtp:test-connection', input);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
    expect(elsewhere.sessions.flatMap((s) => s.authAttempts)).toEqual([]);
  }, 20_000);

  it('is deleted when the address moves to another server, and kept for other edits', async () => {
    const id = await createAddress(home.port);
    const dispatcher = services.createDispatcher();
    const renamed = await dispatcher.dispatch('addresses:update', { id, patch: { environment: 'production' } });
    expect(renamed).toMatchObject({ ok: true, value: { secret: { stored: true }, selectors: ['zendesk1'] } });
    const moved = await dispatcher.dispatch('addresses:update', { id, patch: { host: 'smtp.elsewhere.test' } });
    expect(moved).toMatchObject({ ok: true, value: { host: 'smtp.elsewhere.test', secret: { stored: false, changedAt: null } } });
    expect(await services.vault.has(id, 'smtp')).toEqual({ ok: true, value: false });
  });
});

describe('patches change only what they name', () => {
  it('updating one setting keeps the others', async () => {
    const dispatcher = services.createDispatcher();
    await dispatcher.dispatch('settings:update', { patch: { dnsServers: ['192.0.2.53'], smtpTimeoutSeconds: 45 } });
    const after = await dispatcher.dispatch('settings:update', { patch: { theme: 'dark' } });
    expect(after).toMatchObject({ ok: true, value: { theme: 'dark', dnsServers: ['192.0.2.53'], smtpTimeoutSeconds: 45 } });
  });
});

/**
 * The address service on its own, with no channel, dispatcher or handler in between:
 * what the CLI, the bridge and IPC share. A real settings store, the real vault over an
 * in-memory keychain (so a keychain write can fail mid-way, as a locked keyring does) and
 * real SMTP peers on 127.0.0.1. The same lifecycle through the dispatcher and the OS
 * keychain is rpc/address-handlers.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressFields, AddressView } from '../../src-preload/contract';
import { silentLogger } from '../log/logger';
import { createServices, type Services } from '../services';
import { createSmtpTester } from '../smtp/lending-test';
import { openStore, type AppStore } from '../store/store';
import { testAddressFields } from '../testing/address-fields';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { memoryKeychain } from '../testing/transport-support';
import { KEYCHAIN_SERVICE, type KeychainBackend } from '../vault/vault';
import { createAddressService, type AddressService } from './address-service';

const USER = 'support@example.test';
const OLD = 'old-Secret-4k8m2p';
const NEW = 'new-Secret-9t3w6z';

let dir: string;
let services: Services;
let service: AddressService;
let pki: TestPki;
/** Accepts NEW only: the provider where the admin already changed the password. */
let peer: SmtpPeer;
const keychain = memoryKeychain();
let failWrites = false;
const backend: KeychainBackend = {
  getPassword: (s, a) => keychain.getPassword(s, a),
  setPassword: async (s, a, p) => {
    if (failWrites && !a.startsWith('.')) throw new Error('Cannot create an item in a locked collection');
    return keychain.setPassword(s, a, p);
  },
  deletePassword: (s, a) => keychain.deletePassword(s, a),
  findCredentials: (s) => keychain.findCredentials(s),
};
const stored = (account: string) => keychain.entries.get(`${KEYCHAIN_SERVICE}\u0000${account}`) ?? null;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relayproof-address-service-'));
  services = createServices({ dataDirectory: dir, mode: 'cli', logger: silentLogger, keychain: async () => backend });
  const { store, vault } = services;
  const clock = () => new Date();
  service = createAddressService({
    store,
    vault,
    smtp: createSmtpTester({ store, vault, clock, replies: services.replies }),
    clock,
    platforms: services.platforms,
    m365Tokens: services.m365Tokens,
    clipboard: services.clipboard,
  });
  pki = createTestPki();
  peer = await startSmtpPeer({ security: 'starttls', certificate: pki.leaf, account: { username: USER, secret: NEW } });
  store.updateSettings({ pinnedCertificates: [{ host: '127.0.0.1', sha256: pki.leaf.fingerprint256.replace(/:/gu, ''), pinnedAt: clock().toISOString() }] });
});

afterAll(async () => {
  await peer.close();
  pki.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

let made = 0;
function fields(): AddressFields {
  return testAddressFields({ address: `service${made++}@example.test`, platform: 'zendesk', environment: 'sandbox', host: '127.0.0.1', port: peer.port, username: USER });
}

describe('the address service without a transport', () => {
  it('a create whose secret the keychain refuses leaves no address behind', async () => {
    const before = services.store.listAddresses().length;
    failWrites = true;
    try {
      const created = await service.create({ fields: fields(), secret: OLD });
      expect(created.ok ? created : created.error.code).toBe('keychain-unavailable');
    } finally {
      failWrites = false;
    }
    expect(services.store.listAddresses()).toHaveLength(before);
  });

  it('another process adding the same address after the duplicate check is seen inside the lock: the create and the import row are refused', async () => {
    // A second store on the same folder is another process (the app, a second
    // `relayproof address add`); it adds the address right after this one read the list.
    const elsewhere = openStore({ directory: dir });
    let racing: AddressFields | null = null;
    const racedStore: AppStore = Object.create(services.store, {
      listAddresses: {
        value: () => {
          const seen = services.store.listAddresses();
          if (racing !== null) elsewhere.createAddress(racing);
          racing = null;
          return seen;
        },
      },
    }) as AppStore;
    const raced = createAddressService({ store: racedStore, vault: services.vault, smtp: createSmtpTester({ store: racedStore, vault: services.vault, clock: () => new Date(), replies: services.replies }), clock: () => new Date(), platforms: services.platforms, m365Tokens: services.m365Tokens, clipboard: services.clipboard });
    const count = (address: string) => services.store.listAddresses().filter((a) => a.address === address).length;
    const keychainEntries = keychain.entries.size;

    const mine = fields();
    racing = mine;
    const created = await raced.create({ fields: mine, secret: OLD });
    expect(created.ok ? created.value.address : created.error).toMatchObject({ code: 'conflict', message: expect.stringContaining(`${mine.address} is already connected to`) as unknown });
    expect(count(mine.address)).toBe(1);
    // Refused before its secret was saved: nothing new in the keychain.
    expect(keychain.entries.size).toBe(keychainEntries);

    const row = fields();
    const other = fields();
    racing = row;
    const imported = await raced.importAddresses({ format: 'relayproof-addresses', version: 1, exportedAt: new Date().toISOString(), addresses: [row, other] });
    expect(imported.ok).toBe(true);
    if (!imported.ok) return;
    expect(imported.value.imported.map((a) => a.address)).toEqual([other.address]);
    expect(imported.value.rejected).toEqual([{ row: 1, address: row.address, reason: expect.stringContaining('the existing address is kept unchanged') as unknown }]);
    expect(count(row.address)).toBe(1);
  });

  it('rotates in two phases: the new secret signs in and may send as the address before it replaces the old one', async () => {
    const created = await service.create({ fields: fields(), secret: OLD });
    if (!created.ok) throw new Error(created.error.message);
    const id = created.value.id;
    expect(stored(id)).toBe(OLD);

    const phases: string[] = [];
    const rotated = await service.rotateSecret(id, NEW, { signal: new AbortController().signal, onPhase: (event) => phases.push(event.type) });
    expect(rotated).toMatchObject({ ok: true, value: { rotated: true, report: { auth: { accepted: true }, sendAs: { accepted: true, from: created.value.address } } } });
    expect(phases).toContain('phase-finished');
    expect(peer.sessions.at(-1)?.mailFrom).toEqual([created.value.address]);
    expect(stored(id)).toBe(NEW);
    expect(service.events(id)).toMatchObject({ ok: true, value: [{ kind: 'secret-saved' }, { kind: 'connected' }, { kind: 'rotated' }] });
  });

  it('rolls back: a new secret that does not sign in, or that the keychain will not take, leaves the old one stored', async () => {
    const created = await service.create({ fields: fields(), secret: OLD });
    if (!created.ok) throw new Error(created.error.message);
    const id = created.value.id;
    const signal = new AbortController().signal;

    const refused = await service.rotateSecret(id, 'wrong-Secret-1a2b3c', { signal });
    expect(refused).toMatchObject({ ok: true, value: { rotated: false, changedAt: null, report: { auth: { accepted: false } } } });
    expect(stored(id)).toBe(OLD);

    failWrites = true;
    try {
      const unwritable = await service.rotateSecret(id, NEW, { signal });
      expect(unwritable).toMatchObject({ ok: false, error: { code: 'keychain-unavailable', message: expect.stringContaining('still uses its previous secret') } });
    } finally {
      failWrites = false;
    }
    expect(stored(id)).toBe(OLD);
    expect(services.store.getAddress(id)?.secretChangedAt).toBe(created.value.secretChangedAt);
    const kinds = service.events(id);
    expect(kinds.ok && kinds.value.map((e) => e.kind)).toEqual(['secret-saved', 'connected', 'rotation-failed', 'rotation-failed']);
  });

  it('disconnecting deletes every keychain entry of the address, then the address', async () => {
    const created = await service.create({ fields: fields(), secret: OLD });
    if (!created.ok) throw new Error(created.error.message);
    const id = created.value.id;
    expect((await services.vault.set(id, 'imap', 'imap-Secret-5q6r7s')).ok).toBe(true);
    expect(await service.remove(id)).toEqual({ ok: true, value: { deleted: true, secretDeleted: true } });
    expect([stored(id), stored(`${id}--imap`)]).toEqual([null, null]);
    expect(services.store.getAddress(id)).toBeUndefined();
    expect(await service.remove(id)).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});

describe('listing addresses', () => {
  it('asks the keychain nothing while there is no address, then one lookup per address: never a listing, which reads every secret (keytar crashed the process on one a rotation had just replaced)', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'relayproof-address-list-'));
    const inner = memoryKeychain();
    let listings = 0;
    const lookups: string[] = [];
    const counting: KeychainBackend = {
      getPassword: (s, a) => {
        if (!a.startsWith('.')) lookups.push(a);
        return inner.getPassword(s, a);
      },
      setPassword: (s, a, p) => inner.setPassword(s, a, p),
      deletePassword: (s, a) => inner.deletePassword(s, a),
      findCredentials: (s) => {
        listings += 1;
        return inner.findCredentials(s);
      },
    };
    try {
      const d = createServices({ dataDirectory: fresh, mode: 'cli', logger: silentLogger, keychain: async () => counting }).createDispatcher();
      expect(await d.dispatch('addresses:list', {})).toEqual({ ok: true, value: [] });
      expect(lookups).toEqual([]);
      const ids: string[] = [];
      for (const address of ['list@example.com', 'other@example.com']) {
        const created = await d.dispatch('addresses:create', { fields: testAddressFields({ address }), secret: OLD });
        if (!created.ok) throw new Error(created.error.message);
        ids.push((created.value as AddressView).id);
      }
      // The second one's secret is gone (removed outside Relayproof).
      await inner.deletePassword(KEYCHAIN_SERVICE, ids[1] ?? '');
      lookups.length = 0;
      const listed = await d.dispatch('addresses:list', {});
      expect(listed.ok && (listed.value as AddressView[]).map((a) => [a.address, a.secret.stored])).toEqual([
        ['list@example.com', true],
        ['other@example.com', false],
      ]);
      expect(lookups.sort()).toEqual([...ids].sort());
      expect(listings).toBe(0);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});

/**
 * The address lifecycle through the dispatcher, against the real OS keychain
 * (gnome-keyring over D-Bus, checked from outside with `secret-tool`) and real SMTP
 * peers on 127.0.0.1: two-phase rotation, disconnect, import, setup completion, the
 * wizard draft, and the secret never reaching the settings file or the log. Run under a
 * private session bus:
 *   dbus-run-session -- sh -c 'export XDG_DATA_HOME=/tmp/xdg-$$; mkdir -p $XDG_DATA_HOME; echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec npx vitest run --config src-main/dev/vitest.config.ts src-main/rpc/address-handlers.test.ts'
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressView, ChannelInput, LifecycleEvent, OperationEvent } from '../../src-preload/contract';
import type { ClipboardBackend } from '../app/clipboard';
import { openAppRegistrations } from '../m365/app-registrations';
import { createServices, type Services } from '../services';
import type { ConnectionReport } from '../../src-preload/contract/smtp-schemas';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { isKeychainModuleMissing } from '../vault/keychain-errors';
import { loadKeytar } from '../vault/keytar';
import { secretAccount, type KeychainBackend } from '../vault/vault';

const USER = 'support@example.test';
const OLD = 'old-Secret-7h2k9q';
const NEW = 'new-Secret-3m8x1v';
const WRONG = 'wrong-Secret-5p4z6w';
const IMAP_SECRET = 'imap-Secret-2r7t0y';
const OAUTH_SECRET = 'oauth-Secret-8n3b5c';
const ALL_SECRETS = [OLD, NEW, WRONG, IMAP_SECRET, OAUTH_SECRET];

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

const keytar: KeychainBackend | string = await loadKeytar().catch((error: unknown) => (isKeychainModuleMissing(error) ? `keytar cannot be loaded (${error.message})` : String(error)));
const skipReason =
  typeof keytar === 'string'
    ? keytar
    : (process.env['DBUS_SESSION_BUS_ADDRESS'] ?? '') === ''
      ? 'no D-Bus session bus: run under dbus-run-session with an unlocked gnome-keyring (see the command at the top of this file)'
      : !hasCommand('secret-tool')
        ? 'secret-tool is not installed (apt-get install libsecret-tools)'
        : undefined;
if (skipReason !== undefined) console.warn(`[address-handlers.test] SKIPPING keychain lifecycle tests: ${skipReason}`);

/** What the OS keychain holds for an account, read from outside Relayproof. */
function lookup(account: string): string | null {
  const r = spawnSync('secret-tool', ['lookup', 'service', 'relayproof', 'account', account], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : null;
}

let dir: string;
let services: Services;
let pki: TestPki;
/** Accepts OLD only. */
let oldPeer: SmtpPeer;
/** Accepts NEW only: the provider where the admin already changed the password. */
let newPeer: SmtpPeer;
let failKeychainWrites = false;
const clipboardWrites: string[] = [];
const events: OperationEvent[] = [];

beforeAll(async () => {
  if (skipReason !== undefined || typeof keytar === 'string') return;
  dir = mkdtempSync(join(tmpdir(), 'relayproof-lifecycle-'));
  // The real keychain; writes can be made to fail, as a locked or vanished keyring does mid-swap.
  const real = keytar;
  const keychain: KeychainBackend = {
    getPassword: (s, a) => real.getPassword(s, a),
    setPassword: async (s, a, p) => {
      if (failKeychainWrites && !a.startsWith('.')) throw new Error('Cannot create an item in a locked collection');
      return real.setPassword(s, a, p);
    },
    deletePassword: (s, a) => real.deletePassword(s, a),
    findCredentials: (s) => real.findCredentials(s),
  };
  let clipboardText = '';
  const clipboard: ClipboardBackend = {
    name: 'test',
    write: async (text) => {
      clipboardWrites.push(text);
      clipboardText = text;
    },
    read: async () => clipboardText,
  };
  // Default file logger: the log file is scanned for secrets at the end.
  services = createServices({ dataDirectory: dir, mode: 'cli', keychain: async () => keychain, clipboard, clipboardClear: { clearAfterMs: 200 } });
  pki = createTestPki();
  oldPeer = await startSmtpPeer({ security: 'starttls', certificate: pki.leaf, account: { username: USER, secret: OLD } });
  newPeer = await startSmtpPeer({ security: 'starttls', certificate: pki.leaf, account: { username: USER, secret: NEW } });
  const pin = pki.leaf.fingerprint256.replace(/:/gu, '');
  await call('settings:update', { patch: { pinnedCertificates: [{ host: '127.0.0.1', sha256: pin, pinnedAt: new Date().toISOString() }] } });
});

afterAll(async () => {
  if (skipReason !== undefined) return;
  for (const address of services.store.listAddresses()) await call('addresses:delete', { id: address.id });
  await oldPeer.close();
  await newPeer.close();
  pki.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

// Answers are read field by field below; the contract's own output tests validate their shapes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Answer = { ok: boolean; value?: any; error?: any };
let dispatcher: ReturnType<Services['createDispatcher']> | undefined;

async function call(channel: string, input: unknown): Promise<Answer> {
  dispatcher ??= services.createDispatcher((event) => events.push(event));
  return (await dispatcher.dispatch(channel, input)) as Answer;
}

let made = 0;
async function createAddress(port: number, secret: string | undefined, extra: Partial<ChannelInput<'addresses:create'>['fields']> = {}, setup?: 'in-progress'): Promise<AddressView> {
  const created = await call('addresses:create', {
    fields: { address: `agent${made++}@example.test`, platform: 'zendesk', environment: 'sandbox', provider: 'custom', host: '127.0.0.1', port, security: 'starttls', username: USER, authKind: 'password', ...extra },
    ...(secret !== undefined ? { secret } : {}),
    ...(setup !== undefined ? { setup } : {}),
  });
  if (!created.ok) throw new Error(created.error.message);
  return created.value as AddressView;
}

async function testStored(id: string, port: number): Promise<ConnectionReport> {
  const result = await call('smtp:test-connection', { operationId: `op_stored_${made++}`, host: '127.0.0.1', port, security: 'starttls', addressId: id, credentials: { kind: 'password', username: USER } });
  if (!result.ok) throw new Error(result.error.message);
  return result.value as ConnectionReport;
}

async function eventsOf(id: string): Promise<LifecycleEvent[]> {
  const result = await call('addresses:events', { addressId: id });
  return result.value as LifecycleEvent[];
}

describe.skipIf(skipReason !== undefined)('two-phase rotation', () => {
  it('stores a new secret that signs in, streams its test, and the stored one then authenticates', async () => {
    const address = await createAddress(newPeer.port, OLD);
    expect(lookup(address.id)).toBe(OLD);
    const before = events.length;
    const rotated = await call('addresses:rotate-secret', { operationId: 'op_rotate_good_1', id: address.id, secret: NEW });
    expect(rotated).toMatchObject({ ok: true, value: { rotated: true, changedAt: expect.any(String), report: { auth: { accepted: true } } } });
    expect(events.slice(before).some((e) => e.operationId === 'op_rotate_good_1' && (e.event as { type: string }).type === 'phase-finished')).toBe(true);
    expect(lookup(address.id)).toBe(NEW);
    const report = await testStored(address.id, newPeer.port);
    expect(report.auth?.accepted).toBe(true);
    const saved = services.store.getAddress(address.id);
    expect(saved).toMatchObject({ secretChangedAt: rotated.value.changedAt, lastTest: { ok: true, summary: expect.stringMatching(/^Signed in/u) } });
    expect((await eventsOf(address.id)).map((e) => e.kind)).toEqual(['secret-saved', 'connected', 'rotated']);
  });

  it('refuses a secret that does not sign in; the old one stays stored and still authenticates', async () => {
    const address = await createAddress(oldPeer.port, OLD);
    const rotated = await call('addresses:rotate-secret', { operationId: 'op_rotate_bad_1', id: address.id, secret: WRONG });
    expect(rotated).toMatchObject({ ok: true, value: { rotated: false, changedAt: null, report: { ok: false, auth: { accepted: false } } } });
    expect(lookup(address.id)).toBe(OLD);
    expect((await testStored(address.id, oldPeer.port)).auth?.accepted).toBe(true);
    const history = await eventsOf(address.id);
    expect(history.at(-1)).toMatchObject({ kind: 'rotation-failed', detail: expect.stringContaining('The previous secret is still the stored one.') });
  });

  it('checks send-as too: a new secret that signs in but may not send as the address is not stored', async () => {
    // The account signs in with NEW, but the server refuses MAIL FROM this address (Microsoft 365's SendAsDenied).
    const refusing = await startSmtpPeer({
      security: 'starttls',
      certificate: pki.leaf,
      account: { username: USER, secret: NEW },
      rejectMailFrom: (from) => (from.startsWith('agent') ? { code: 550, message: '5.7.60 SMTP; Client does not have permissions to send as this sender' } : null),
    });
    try {
      const address = await createAddress(refusing.port, OLD);
      const rotated = await call('addresses:rotate-secret', { operationId: 'op_rotate_sendas_1', id: address.id, secret: NEW });
      expect(rotated).toMatchObject({ ok: true, value: { rotated: false, changedAt: null, report: { auth: { accepted: true }, sendAs: { accepted: false, from: address.address } } } });
      expect(refusing.sessions.at(-1)?.mailFrom).toEqual([address.address]);
      expect(lookup(address.id)).toBe(OLD);
      expect((await eventsOf(address.id)).at(-1)).toMatchObject({ kind: 'rotation-failed', detail: expect.stringContaining('the send-as check failed') });

      // The same secret against a server that lets it send as the address: tested with MAIL FROM the address, then stored.
      const good = await createAddress(newPeer.port, OLD);
      const ok = await call('addresses:rotate-secret', { operationId: 'op_rotate_sendas_2', id: good.id, secret: NEW });
      expect(ok).toMatchObject({ ok: true, value: { rotated: true, report: { sendAs: { accepted: true, from: good.address } } } });
      expect(newPeer.sessions.at(-1)?.mailFrom).toEqual([good.address]);
      expect(lookup(good.id)).toBe(NEW);
    } finally {
      await refusing.close();
    }
  });

  it('keeps the old secret when the keychain write fails after a good test', async () => {
    const address = await createAddress(newPeer.port, OLD);
    failKeychainWrites = true;
    try {
      const rotated = await call('addresses:rotate-secret', { operationId: 'op_rotate_kc_1', id: address.id, secret: NEW });
      expect(rotated).toMatchObject({ ok: false, error: { code: 'keychain-unavailable', message: expect.stringContaining('still uses its previous secret') } });
    } finally {
      failKeychainWrites = false;
    }
    expect(lookup(address.id)).toBe(OLD);
    expect(services.store.getAddress(address.id)?.secretChangedAt).toBe(address.secretChangedAt);
    expect((await eventsOf(address.id)).at(-1)?.kind).toBe('rotation-failed');
  });
});

describe.skipIf(skipReason !== undefined)('disconnect, setup and the wizard draft', () => {
  it('removes every keychain entry of the address and leaves a disconnected event', async () => {
    const address = await createAddress(oldPeer.port, OLD);
    expect((await services.vault.set(address.id, 'imap', IMAP_SECRET)).ok).toBe(true);
    expect((await services.vault.set(address.id, 'oauth-client', OAUTH_SECRET)).ok).toBe(true);
    expect(lookup(secretAccount(address.id, 'imap'))).toBe(IMAP_SECRET);
    const apps = openAppRegistrations({ directory: services.dataDirectory });
    apps.set(address.id, { tenantId: '11111111-2222-3333-4444-555555555555', clientId: '66666666-7777-8888-9999-000000000000' });
    const removed = await call('addresses:delete', { id: address.id });
    // Nor does its OAuth app registration (tenant and client id) outlive it.
    expect(apps.get(address.id)).toBeNull();
    expect(removed).toEqual({ ok: true, value: { deleted: true, secretDeleted: true } });
    for (const purpose of ['smtp', 'imap', 'oauth-client'] as const) expect(lookup(secretAccount(address.id, purpose))).toBeNull();
    const history = await eventsOf(address.id);
    expect(history.at(-1)).toMatchObject({
      kind: 'disconnected',
      address: address.address,
      detail: expect.stringContaining('its SMTP secret, mailbox (IMAP) password and OAuth client secret were removed from the keychain'),
    });
  });

  it('completes an in-progress address with the reason for continuing past a failed test', async () => {
    const address = await createAddress(oldPeer.port, OLD, {}, 'in-progress');
    expect(address.setup).toBe('in-progress');
    expect((await eventsOf(address.id)).map((e) => e.kind)).toEqual(['secret-saved']);
    const done = await call('addresses:complete-setup', { id: address.id, proceedReason: 'Port 587 is blocked from this office.' });
    expect(done).toMatchObject({ ok: true, value: { setup: 'complete', proceedReason: 'Port 587 is blocked from this office.', secret: { stored: true } } });
    expect((await eventsOf(address.id)).map((e) => e.kind)).toEqual(['secret-saved', 'connected', 'continued-past-failure']);
  });

  it('moves sandbox → production with an environment-changed event, and records a server change', async () => {
    const address = await createAddress(oldPeer.port, OLD);
    const moved = await call('addresses:update', { id: address.id, patch: { environment: 'production' } });
    expect(moved).toMatchObject({ ok: true, value: { environment: 'production', secret: { stored: true } } });
    const rehomed = await call('addresses:update', { id: address.id, patch: { port: newPeer.port } });
    expect(rehomed).toMatchObject({ ok: true, value: { secret: { stored: false } } });
    expect(lookup(address.id)).toBeNull();
    expect((await eventsOf(address.id)).slice(-2).map((e) => e.kind)).toEqual(['environment-changed', 'server-changed']);
  });

  it('discarding a draft removes its in-progress address and keychain entry, never a finished one', async () => {
    const inProgress = await createAddress(oldPeer.port, OLD, {}, 'in-progress');
    const draft = {
      step: 'test',
      platform: 'zendesk',
      environment: 'sandbox',
      address: inProgress.address,
      platformSubdomain: 'acme',
      provider: 'custom',
      host: '127.0.0.1',
      port: oldPeer.port,
      security: 'starttls',
      username: USER,
      authKind: 'password',
      addressId: inProgress.id,
      testPassed: false,
      proceedReason: '',
      updatedAt: '2020-01-01T00:00:00.000Z',
    };
    const saved = await call('wizard:save-draft', { draft });
    expect(saved.ok).toBe(true);
    expect(saved.value.updatedAt).not.toBe(draft.updatedAt);
    expect(await call('wizard:get-draft', {})).toEqual({ ok: true, value: saved.value });
    expect(await call('wizard:discard-draft', {})).toEqual({ ok: true, value: { discarded: true, addressRemoved: true } });
    expect(lookup(inProgress.id)).toBeNull();
    expect(services.store.getAddress(inProgress.id)).toBeUndefined();
    expect(await call('wizard:get-draft', {})).toEqual({ ok: true, value: null });

    const finished = await createAddress(oldPeer.port, OLD);
    await call('wizard:save-draft', { draft: { ...draft, addressId: finished.id } });
    expect(await call('wizard:discard-draft', {})).toEqual({ ok: true, value: { discarded: true, addressRemoved: false } });
    expect(lookup(finished.id)).toBe(OLD);
  });

  it('copies a secret inside main, returns no secret, and clears it after the delay', async () => {
    const address = await createAddress(oldPeer.port, OLD);
    const copied = await call('vault:copy-secret-to-clipboard', { addressId: address.id });
    expect(copied).toEqual({ ok: true, value: { copied: true, clearsAfterSeconds: 1 } });
    expect(JSON.stringify(copied)).not.toContain(OLD);
    expect(clipboardWrites.at(-1)).toBe(OLD);
    await new Promise((r) => setTimeout(r, 500));
    expect(clipboardWrites.at(-1)).toBe('');
  });

  it('stores an internationalised address in its ASCII (punycode) form, from create, rename and import alike', async () => {
    const created = await createAddress(oldPeer.port, undefined, { address: 'support@bücher-idn.example' });
    expect(created.address).toBe('support@xn--bcher-idn-q9a.example');
    expect(services.store.getAddress(created.id)?.address).toBe('support@xn--bcher-idn-q9a.example');
    // The same address typed in either spelling is the same address.
    const again = await call('addresses:create', {
      fields: { address: 'support@xn--bcher-idn-q9a.example', platform: 'zendesk', environment: 'sandbox', provider: 'custom', host: '127.0.0.1', port: 587, security: 'starttls', username: USER, authKind: 'password' },
    });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const renamed = await call('addresses:update', { id: created.id, patch: { address: 'help@bücher-idn.example' } });
    expect(renamed).toMatchObject({ ok: true, value: { address: 'help@xn--bcher-idn-q9a.example' } });
    const row = { address: 'info@bücher-idn.example', platform: 'zendesk', environment: 'production', provider: 'custom', host: 'smtp.idn.example', port: 587, security: 'starttls', username: USER, authKind: 'password' };
    const imported = await call('addresses:import', { document: { format: 'relayproof-addresses', version: 1, exportedAt: new Date().toISOString(), addresses: [row] } });
    expect(imported).toMatchObject({ ok: true, value: { imported: [{ address: 'info@xn--bcher-idn-q9a.example' }], rejected: [] } });
  });

  it('records a secret-saved event when vault:set-secret stores a secret (never the secret itself)', async () => {
    const address = await createAddress(oldPeer.port, undefined);
    expect((await eventsOf(address.id)).map((e) => e.kind)).toEqual(['connected']);
    expect((await call('vault:set-secret', { addressId: address.id, secret: OLD })).ok).toBe(true);
    const history = await eventsOf(address.id);
    expect(history.at(-1)).toMatchObject({ kind: 'secret-saved', detail: expect.stringMatching(/^Saved its secret for 127\.0\.0\.1:/u) });
    expect(JSON.stringify(history)).not.toContain(OLD);
  });

  it('refuses a create that breaks the check, with the check’s words', async () => {
    const system = await call('addresses:create', {
      fields: { address: 'support@acme.zendesk.com', platform: 'zendesk', environment: 'sandbox', provider: 'custom', host: '127.0.0.1', port: 587, security: 'starttls', username: USER, authKind: 'password' },
    });
    expect(system).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining("Zendesk's own address") } });
    const first = await createAddress(oldPeer.port, undefined);
    const again = await call('addresses:create', {
      fields: { address: first.address.toUpperCase(), platform: 'zendesk', environment: 'sandbox', provider: 'custom', host: '127.0.0.1', port: 587, security: 'starttls', username: USER, authKind: 'password' },
    });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict', details: { problems: ['duplicate'] } } });
  });
});

describe.skipIf(skipReason !== undefined)('export and import', () => {
  it('imports the valid rows, reports each of 10 malformed rows, and leaves existing addresses byte-identical', async () => {
    const existing = await createAddress(oldPeer.port, OLD, { address: 'keep@import.example', environment: 'production' });
    const other = await createAddress(oldPeer.port, undefined, { address: 'keep2@import.example', environment: 'production' });
    const snapshot = () => {
      const file = JSON.parse(readFileSync(services.store.path, 'utf8')) as { addresses: Array<{ id: string }> };
      return file.addresses.filter((a) => a.id === existing.id || a.id === other.id).map((a) => JSON.stringify(a));
    };
    const before = snapshot();
    const exported = await call('addresses:export', { ids: [existing.id] });
    expect(exported.value).toMatchObject({ format: 'relayproof-addresses', version: 1, addresses: [{ address: 'keep@import.example' }] });
    expect(JSON.stringify(exported.value)).not.toContain(existing.id);

    const valid = (address: string) => ({ address, platform: 'zendesk', environment: 'production', provider: 'custom', host: 'smtp.import.example', port: 587, security: 'starttls', username: address, authKind: 'password' });
    const rows: unknown[] = [
      valid('one@import.example'),
      'not an address', // 2
      { ...valid('two@import.example'), password: 'hunter2-Import' }, // 3
      valid('three@import.example'),
      { ...valid('four@import.example'), mailbox: { host: 'imap.import.example', username: 'x', apiKey: 'k-Import' } }, // 5
      { ...valid('bad-address'), address: 'not-an-address' }, // 6
      { ...valid('five@import.example'), platform: 'salesforce' }, // 7
      { ...valid('six@import.example'), port: 70000 }, // 8
      valid('seven@import.example'),
      { ...valid('eight@import.example'), host: undefined }, // 10
      { ...valid('nine@import.example'), id: 'a-imported00001' }, // 11
      valid('keep@import.example'), // 12: duplicate of an existing address
      valid('support@acme.zendesk.com'), // 13: Zendesk's own address
      valid('one@import.example'), // 14: duplicate of row 1
      valid('ten@import.example'),
    ];
    const result = await call('addresses:import', { document: { format: 'relayproof-addresses', version: 1, exportedAt: new Date().toISOString(), addresses: rows } });
    expect(result.ok).toBe(true);
    const { imported, rejected } = result.value as { imported: AddressView[]; rejected: Array<{ row: number; address: string | null; reason: string }> };
    expect(imported.map((a) => a.address)).toEqual(['one@import.example', 'three@import.example', 'seven@import.example', 'ten@import.example']);
    expect(imported.every((a) => a.secret.stored === false && a.secretChangedAt === null)).toBe(true);
    expect(rejected.map((r) => r.row)).toEqual([2, 3, 5, 6, 7, 8, 10, 11, 12, 13, 14]);
    const reason = (row: number) => rejected.find((r) => r.row === row)?.reason ?? '';
    expect(reason(2)).toContain('not an address');
    expect(reason(3)).toContain('Relayproof never imports secrets');
    expect(reason(5)).toContain('Relayproof never imports secrets: this row carries "mailbox.apiKey"');
    expect(reason(6)).toContain('address: Enter an email address');
    expect(reason(7)).toMatch(/^platform: /u);
    expect(reason(8)).toContain('port: Port must be a whole number from 1 to 65535');
    expect(reason(10)).toMatch(/^host: /u);
    expect(reason(11)).toContain('"id" is not a field of an address export');
    expect(reason(12)).toContain('the existing address is kept unchanged');
    expect(reason(13)).toContain("Zendesk's own address");
    expect(reason(14)).toContain('already connected');
    expect(snapshot()).toEqual(before);
    for (const a of imported) expect((await eventsOf(a.id)).map((e) => e.kind)).toEqual(['imported']);

    const unknown = await call('addresses:import', { document: { format: 'relayproof-addresses', version: 2, addresses: [] } });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid-input', message: 'This export is version 2; this Relayproof reads version 1.', hint: expect.stringContaining('update Relayproof') } });
    const foreign = await call('addresses:import', { document: [valid('x@import.example')] });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('not a Relayproof address export') } });
  });
});

describe.skipIf(skipReason !== undefined)('secrets stay in the keychain', () => {
  it('never appear in the settings file or the log after these runs', () => {
    const files: string[] = [];
    const walk = (path: string) => {
      for (const name of readdirSync(path)) {
        const full = join(path, name);
        if (statSync(full).isDirectory()) walk(full);
        else files.push(full);
      }
    };
    walk(dir);
    expect(files).toContain(services.store.path);
    expect(files.some((f) => f.endsWith('relayproof.log'))).toBe(true);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const secret of ALL_SECRETS) expect(text.includes(secret), `${secret} in ${file}`).toBe(false);
    }
  });
});

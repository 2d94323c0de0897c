/**
 * The vault against the real OS keychain (gnome-keyring over D-Bus), proven from outside
 * with `secret-tool`. Run under a private session bus:
 *   dbus-run-session -- sh -c 'echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec npx vitest run --config src-main/dev/vitest.config.ts src-main/vault'
 * Scenarios that need another D-Bus situation (no service, locked keyring) run in child
 * processes with their own environment and their own private keyring directory.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KeychainState } from '../../src-preload/contract';
import { createLogger } from '../log/logger';
import { isKeychainModuleMissing } from './keychain-errors';
import { loadKeytar } from './keytar';
import { memoryKeychain } from '../testing/transport-support';
import { createVault, UNLOCK_CHECK_ACCOUNT, type KeychainBackend } from './vault';

const RUN_COMMAND =
  "dbus-run-session -- sh -c 'echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec npx vitest run --config src-main/dev/vitest.config.ts src-main/vault'";
const REPO = resolve(import.meta.dirname, '../..');
const VAULT_TS = resolve(import.meta.dirname, 'vault.ts');
const KEYTAR_TS = resolve(import.meta.dirname, 'keytar.ts');

function commandExists(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

const keytar: KeychainBackend | string = await loadKeytar().catch((error: unknown) =>
  isKeychainModuleMissing(error) ? `keytar cannot be loaded (${error.message}); sudo apt-get install libsecret-1-dev build-essential python3 && npm install --no-save keytar@7.9.0` : String(error),
);
const keytarMissing = typeof keytar === 'string' ? keytar : undefined;

const sessionSkip =
  keytarMissing ??
  ((process.env['DBUS_SESSION_BUS_ADDRESS'] ?? '') === '' ? `no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset). Run: ${RUN_COMMAND}` : undefined) ??
  (commandExists('secret-tool') ? undefined : 'secret-tool is not installed (apt-get install libsecret-tools)');
const missingTools = ['dbus-run-session', 'gnome-keyring-daemon', 'gdbus'].filter((c) => !commandExists(c));
const childSkip = keytarMissing ?? (missingTools.length > 0 ? `${missingTools.join(', ')} not installed (apt-get install dbus gnome-keyring libglib2.0-bin)` : undefined);

if (sessionSkip !== undefined) console.warn(`[vault.test] SKIPPING keychain tests on this session: ${sessionSkip}`);
if (childSkip !== undefined) console.warn(`[vault.test] SKIPPING keychain child-process scenarios: ${childSkip}`);

/** A service name of our own, so a run on a developer's desktop never touches real Relayproof entries. */
const SERVICE = `relayproof-test-${process.pid}-${randomBytes(4).toString('hex')}`;

function lookup(account: string): { found: boolean; secret: string } {
  const r = spawnSync('secret-tool', ['lookup', 'service', SERVICE, 'account', account], { encoding: 'utf8' });
  // secret-tool exits 1 with no output when nothing matches; piped output has no newline.
  return { found: r.status === 0, secret: r.stdout };
}

afterAll(async () => {
  if (sessionSkip !== undefined || typeof keytar === 'string') return;
  // Through the vault, so a keyring that is locked after all is never searched (that crashes; see below).
  const vault = createVault({ loadBackend: async () => keytar, service: SERVICE });
  const ids = await vault.storedIds();
  if (ids.ok) for (const account of ids.value) await vault.removeAccount(account);
  await keytar.deletePassword(SERVICE, UNLOCK_CHECK_ACCOUNT);
});

describe(sessionSkip === undefined ? 'vault on the session keychain' : `vault on the session keychain (SKIPPED: ${sessionSkip})`, () => {
  const vault = createVault({ loadBackend: loadKeytar, service: SERVICE });

  it.skipIf(sessionSkip !== undefined)('reports the unlocked keychain as available', async () => {
    const state = await vault.state();
    expect(state).toEqual({ backend: 'keytar', status: 'available', message: expect.stringContaining('Secret Service') });
  });

  it.skipIf(sessionSkip !== undefined)('stores, replaces, lends and deletes a secret that secret-tool sees in the keychain', async () => {
    const id = 'a-roundtrip1';
    expect(lookup(id).found).toBe(false);

    expect(await vault.set(id, 'smtp', 'first-Secret!')).toEqual({ ok: true, value: undefined });
    expect(lookup(id)).toEqual({ found: true, secret: 'first-Secret!' });
    expect(await vault.has(id, 'smtp')).toEqual({ ok: true, value: true });

    expect((await vault.set(id, 'smtp', 'second-Secret?')).ok).toBe(true);
    expect(lookup(id)).toEqual({ found: true, secret: 'second-Secret?' });

    const lent = await vault.withSecret(id, 'smtp', async (secret) => `length ${secret.length}`);
    expect(lent).toEqual({ ok: true, value: 'length 14' });

    expect(await vault.delete(id, 'smtp')).toEqual({ ok: true, value: true });
    expect(lookup(id).found).toBe(false);
    expect(await vault.has(id, 'smtp')).toEqual({ ok: true, value: false });
    expect(await vault.delete(id, 'smtp')).toEqual({ ok: true, value: false });
    const missing = await vault.withSecret(id, 'smtp', async () => 'never called');
    expect(missing.ok ? missing : missing.error.code).toBe('not-found');
  });

  it.skipIf(sessionSkip !== undefined)('keeps a non-ASCII secret byte for byte', async () => {
    const secret = 'pässwörd-🔑-\u00a0-ключ';
    expect((await vault.set('a-unicode1', 'smtp', secret)).ok).toBe(true);
    expect(lookup('a-unicode1').secret).toBe(secret);
    expect(await vault.withSecret('a-unicode1', 'smtp', async (s) => s === secret)).toEqual({ ok: true, value: true });
  });

  it.skipIf(sessionSkip !== undefined)('storedIds lists address ids only: no passwords, no unlock-check entry', async () => {
    expect((await vault.set('a-listed1', 'smtp', 'listed-secret-1')).ok).toBe(true);
    expect((await vault.set('a-listed2', 'smtp', 'listed-secret-2')).ok).toBe(true);
    const ids = await vault.storedIds();
    if (!ids.ok) throw new Error(ids.error.message);
    expect(ids.value.has('a-listed1') && ids.value.has('a-listed2')).toBe(true);
    expect(ids.value.has(UNLOCK_CHECK_ACCOUNT)).toBe(false);
    expect(JSON.stringify([...ids.value])).not.toContain('listed-secret');
  });

  it.skipIf(sessionSkip !== undefined)('storedAmong says which of the addresses have a secret of that purpose, one lookup each, also while their secrets are being replaced', async () => {
    const ids = ['a-among1', 'a-among2', 'a-among3'];
    for (const id of ids.slice(0, 2)) expect((await vault.set(id, 'smtp', `among-${id}`)).ok).toBe(true);
    expect((await vault.set('a-among3', 'imap', 'among-mailbox')).ok).toBe(true);
    const smtp = await vault.storedAmong(ids, 'smtp');
    expect(smtp.ok && [...smtp.value].sort()).toEqual(['a-among1', 'a-among2']);
    const imap = await vault.storedAmong(ids, 'imap');
    expect(imap.ok && [...imap.value]).toEqual(['a-among3']);
    expect(JSON.stringify(smtp.ok && [...smtp.value])).not.toContain('among-a');
    // Rotations at the same moment (when keytar's listing crashed the process): every answer is whole.
    for (let round = 0; round < 15; round += 1) {
      const [rotated, among] = await Promise.all([Promise.all(ids.slice(0, 2).map((id) => vault.set(id, 'smtp', `among-${id}-${round}`))), vault.storedAmong(ids, 'smtp')]);
      expect(rotated.every((r) => r.ok)).toBe(true);
      expect(among.ok && [...among.value].sort(), `round ${round}`).toEqual(['a-among1', 'a-among2']);
    }
    // An id the vault never stores under (it would name another purpose's entry) is simply not among them.
    const odd = await vault.storedAmong(['a-among1--imap', 'a-among1'], 'smtp');
    expect(odd.ok && [...odd.value]).toEqual(['a-among1']);
  });

  it.skipIf(sessionSkip !== undefined)('refuses ids that are not address ids and secrets that keytar would truncate', async () => {
    const badId = await vault.set(UNLOCK_CHECK_ACCOUNT, 'smtp', 'x');
    expect(badId.ok ? badId : badId.error.code).toBe('invalid-input');
    const nul = await vault.set('a-nulsecret', 'smtp', 'before\u0000after');
    expect(nul.ok ? nul : nul.error.code).toBe('invalid-input');
    expect(JSON.stringify(nul)).not.toContain('before');
    expect(lookup('a-nulsecret').found).toBe(false);
  });

  it.skipIf(sessionSkip !== undefined)('an error thrown while using the secret propagates and is not reported as a keychain failure', async () => {
    expect((await vault.set('a-thrower1', 'smtp', 's3cret-thrower')).ok).toBe(true);
    await expect(vault.withSecret('a-thrower1', 'smtp', async () => Promise.reject(new Error('SMTP went away')))).rejects.toThrow('SMTP went away');
  });

  it.skipIf(sessionSkip !== undefined)('each purpose is its own entry under the account names of earlier releases, so their secrets are still found', async () => {
    expect((await vault.set('a-purposes1', 'imap', 'mailbox-Secret-1')).ok).toBe(true);
    expect(lookup('a-purposes1--imap')).toEqual({ found: true, secret: 'mailbox-Secret-1' });
    expect(lookup('a-purposes1').found).toBe(false);
    // Stored the way every earlier release did: the account names the address and the purpose.
    if (typeof keytar === 'string') throw new Error(keytar);
    await keytar.setPassword(SERVICE, 'a-earlier1', 'earlier-smtp-Secret');
    await keytar.setPassword(SERVICE, 'a-earlier1--oauth-client', 'earlier-client-Secret');
    expect(await vault.withSecret('a-earlier1', 'smtp', async (s) => s)).toEqual({ ok: true, value: 'earlier-smtp-Secret' });
    expect(await vault.withSecret('a-earlier1', 'oauth-client', async (s) => s)).toEqual({ ok: true, value: 'earlier-client-Secret' });
    expect(await vault.has('a-earlier1', 'imap')).toEqual({ ok: true, value: false });
    expect(await vault.secretsOf('a-earlier1')).toEqual({ ok: true, value: ['earlier-smtp-Secret', 'earlier-client-Secret'] });
  });
});

describe('secrets are named by address and purpose', () => {
  function memoryVault() {
    const keychain = memoryKeychain();
    const vault = createVault({ loadBackend: async () => keychain, platform: 'linux' });
    const accounts = () => [...keychain.entries.keys()].map((k) => k.split('\u0000')[1]).filter((a) => a !== UNLOCK_CHECK_ACCOUNT).sort();
    return { keychain, vault, accounts };
  }

  it('an address id that would name another purpose of another address is refused, and that secret is never read or replaced', async () => {
    const { vault, keychain } = memoryVault();
    expect((await vault.set('a-victim1', 'imap', 'victim-mailbox-Secret')).ok).toBe(true);
    let lent = false;
    for (const result of [
      await vault.has('a-victim1--imap', 'smtp'),
      await vault.withSecret('a-victim1--imap', 'smtp', async () => (lent = true)),
      await vault.set('a-victim1--imap', 'smtp', 'attacker-Secret'),
      await vault.delete('a-victim1--imap', 'smtp'),
      await vault.secretsOf('a-victim1--imap'),
    ]) {
      expect(result.ok ? 'ok' : result.error.code).toBe('invalid-input');
    }
    expect(lent).toBe(false);
    expect(await keychain.getPassword('relayproof', 'a-victim1--imap')).toBe('victim-mailbox-Secret');
  });

  it('secretsOf gives every stored secret of one address, in purpose order, and none of another address', async () => {
    const { vault, accounts } = memoryVault();
    expect((await vault.set('a-one1', 'oauth-certificate', 'key-of-one')).ok).toBe(true);
    expect((await vault.set('a-one1', 'smtp', 'smtp-of-one')).ok).toBe(true);
    expect((await vault.set('a-one1', 'imap-forwarding', 'forwarding-of-one')).ok).toBe(true);
    // Ids that share a prefix with a-one1 are other addresses.
    expect((await vault.set('a-one12', 'smtp', 'smtp-of-one12')).ok).toBe(true);
    expect((await vault.set('a-one', 'imap', 'imap-of-one')).ok).toBe(true);
    expect(accounts()).toEqual(['a-one--imap', 'a-one1', 'a-one1--imap-forwarding', 'a-one1--oauth-certificate', 'a-one12'].sort());

    expect(await vault.secretsOf('a-one1')).toEqual({ ok: true, value: ['smtp-of-one', 'forwarding-of-one', 'key-of-one'] });
    expect(await vault.secretsOf('a-none1')).toEqual({ ok: true, value: [] });
    expect((await vault.delete('a-one1', 'smtp')).ok).toBe(true);
    expect(await vault.secretsOf('a-one1')).toEqual({ ok: true, value: ['forwarding-of-one', 'key-of-one'] });
  });

  it('without a keychain, secretsOf is keychain-unavailable (a report then carries no secret to scrub, and says nothing of one)', async () => {
    const vault = createVault({ loadBackend: () => loadKeytar({ moduleName: 'relayproof-no-such-native-module' }), platform: 'linux' });
    const result = await vault.secretsOf('a-one1');
    expect(result.ok ? 'ok' : result.error.code).toBe('keychain-unavailable');
  });

  it('removeAccount deletes an entry by account name, including a purpose this version does not know, but never the unlock marker', async () => {
    const { vault, keychain, accounts } = memoryVault();
    await keychain.setPassword('relayproof', 'a-gone1--later-purpose', 'x');
    expect(await vault.removeAccount('a-gone1--later-purpose')).toEqual({ ok: true, value: true });
    expect(accounts()).toEqual([]);
    const marker = await vault.removeAccount(UNLOCK_CHECK_ACCOUNT);
    expect(marker.ok ? marker : marker.error.code).toBe('invalid-input');
    expect(await keychain.getPassword('relayproof', UNLOCK_CHECK_ACCOUNT)).not.toBeNull();
  });
});

describe('the keychain probe on macOS and Windows', () => {
  it('looks up the marker entry and never lists the keychain (a listing reads every secret, and macOS may ask for each)', async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const inner = memoryKeychain();
      const looked: string[] = [];
      const backend: KeychainBackend = {
        getPassword: (s, a) => {
          looked.push(a);
          return inner.getPassword(s, a);
        },
        setPassword: (s, a, p) => inner.setPassword(s, a, p),
        deletePassword: (s, a) => inner.deletePassword(s, a),
        findCredentials: () => Promise.reject(new Error('the probe must not list the keychain')),
      };
      const state = await createVault({ loadBackend: async () => backend, platform }).state();
      expect(state.status, platform).toBe('available');
      expect(looked, platform).toEqual([UNLOCK_CHECK_ACCOUNT]);
    }
  });
});

describe('vault without the keytar module', () => {
  it('is module-missing and refuses to store, with the install command as hint', async () => {
    const lines: string[] = [];
    const logger = createLogger({ stream: { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream });
    const vault = createVault({ loadBackend: () => loadKeytar({ moduleName: 'relayproof-no-such-native-module' }), platform: 'linux', logger });
    const state = await vault.state();
    expect(state.status).toBe('module-missing');
    expect(state.message).toMatch(/^OS keychain support not installed: /u);
    const set = await vault.set('a-nomodule1', 'smtp', 'never-stored-secret');
    expect(set).toEqual({
      ok: false,
      error: {
        code: 'keychain-unavailable',
        message: state.message,
        hint: 'sudo apt-get install libsecret-1-dev build-essential python3 && npm install --no-save keytar@7.9.0',
        details: { keychainStatus: 'module-missing' },
      },
    });
    for (const result of [await vault.has('a-nomodule1', 'smtp'), await vault.delete('a-nomodule1', 'smtp'), await vault.storedIds(), await vault.withSecret('a-nomodule1', 'smtp', async () => 1)]) {
      expect(result.ok ? 'ok' : result.error.code).toBe('keychain-unavailable');
    }
    // One warning when the state changes, not one per call; never the secret.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warn: keychain unusable .*"status":"module-missing"/u);
    expect(lines.join('')).not.toContain('never-stored-secret');
  });
});

describe('an item that vanishes while the keychain is listed', () => {
  function flaky(failures: number) {
    const inner = memoryKeychain();
    let left = failures;
    const backend: KeychainBackend = {
      getPassword: (s, a) => inner.getPassword(s, a),
      setPassword: (s, a, p) => inner.setPassword(s, a, p),
      deletePassword: (s, a) => inner.deletePassword(s, a),
      async findCredentials(s) {
        if (left > 0) {
          left -= 1;
          throw new Error('No such secret item at path: /org/freedesktop/secrets/collection/login/4');
        }
        return inner.findCredentials(s);
      },
    };
    return createVault({ loadBackend: async () => backend, platform: 'linux' });
  }

  it('is a race (a rotation replaced it), not an unusable keychain: the listing is tried again', async () => {
    const vault = flaky(2);
    expect((await vault.set('a-listed1', 'smtp', 'listed-secret')).ok).toBe(true);
    const ids = await vault.storedIds();
    expect(ids.ok && [...ids.value]).toEqual(['a-listed1']);
  });

  it('a lookup of storedAmong that meets the same race is asked again; one that keeps failing is a keychain error', async () => {
    const inner = memoryKeychain();
    let left = 2;
    const vanishing: KeychainBackend = {
      async getPassword(s, a) {
        if (a === 'a-listed1' && left > 0) {
          left -= 1;
          throw new Error('No such secret item at path: /org/freedesktop/secrets/collection/login/4');
        }
        return inner.getPassword(s, a);
      },
      setPassword: (s, a, p) => inner.setPassword(s, a, p),
      deletePassword: (s, a) => inner.deletePassword(s, a),
      findCredentials: () => Promise.reject(new Error('storedAmong must not list the keychain')),
    };
    const vault = createVault({ loadBackend: async () => vanishing, platform: 'linux' });
    expect((await vault.set('a-listed1', 'smtp', 'listed-secret')).ok).toBe(true);
    const among = await vault.storedAmong(['a-listed1', 'a-listed2'], 'smtp');
    expect(among.ok && [...among.value]).toEqual(['a-listed1']);
    left = 10;
    const failing = await vault.storedAmong(['a-listed1'], 'smtp');
    expect(failing.ok ? 'ok' : failing.error.code).toBe('keychain-unavailable');
  });

  it('still reports the keychain error when the listing keeps failing', async () => {
    const ids = await flaky(10).storedIds();
    expect(ids.ok ? 'ok' : ids.error.code).toBe('keychain-unavailable');
  });
});

// ---------------------------------------------------------------------------
// Child-process scenarios: each runs the real vault (loaded through Vite's module runner,
// as TypeScript) in a process whose D-Bus situation we choose.

const CHILD_SCRIPT = `
import { runnerImport } from 'vite';
const load = async (p) => (await runnerImport(p, { configFile: false, logLevel: 'silent' })).module;
const { createVault } = await load(${JSON.stringify(VAULT_TS)});
const { loadKeytar } = await load(${JSON.stringify(KEYTAR_TS)});
const vault = createVault({ loadBackend: loadKeytar, service: process.env.RP_SERVICE });
const out = {};
if (process.env.RP_PHASE === 'store') {
  out.set = await vault.set('a-child1', 'smtp', 'child-secret-one');
} else {
  out.state = await vault.state();
  out.has = await vault.has('a-child1', 'smtp');
  const ids = await vault.storedIds();
  out.storedIds = ids.ok ? { ok: true, value: [...ids.value] } : ids;
  out.withSecret = await vault.withSecret('a-child1', 'smtp', async (s) => s.length);
  out.delete = await vault.delete('a-child1', 'smtp');
  out.set = await vault.set('a-child2', 'smtp', 'child-secret-two');
}
// The store phase tags its line differently: a crash in the next process must not be hidden by it.
process.stdout.write((process.env.RP_PHASE === 'store' ? 'STORED ' : 'RESULT ') + JSON.stringify(out) + '\\n');
`;

const RAW_FIND_SCRIPT = `
import { createRequire } from 'node:module';
const keytar = createRequire(${JSON.stringify(`${REPO}/package.json`)})('keytar');
await keytar.findCredentials(process.env.RP_SERVICE);
process.stdout.write('RESULT {}\\n');
`;

type ChildResult = { ok: boolean; error?: { code: string; message: string; hint?: string; details?: Record<string, unknown> } };
interface ChildOutput {
  readonly state?: KeychainState;
  readonly set?: ChildResult;
  readonly has?: ChildResult;
  readonly storedIds?: ChildResult;
  readonly withSecret?: ChildResult;
  readonly delete?: ChildResult;
}

const scratch = mkdtempSync(join(tmpdir(), 'relayproof-vault-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** HOME and XDG dirs of a fresh user: a child keyring daemon never sees the real keyrings. */
function isolatedEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(scratch, 'home-'));
  const runtime = join(home, 'run');
  mkdirSync(runtime, { mode: 0o700 });
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config'), XDG_CACHE_HOME: join(home, 'cache'), XDG_RUNTIME_DIR: runtime };
  for (const name of ['DISPLAY', 'WAYLAND_DISPLAY', 'DBUS_SESSION_BUS_ADDRESS', 'GNOME_KEYRING_CONTROL']) delete env[name];
  return { ...env, RP_SERVICE: SERVICE, RP_SCRIPT: CHILD_SCRIPT, RP_RAW_FIND: RAW_FIND_SCRIPT, ...extra };
}

function runChild(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): { status: number | null; signal: string | null; stdout: string; output: ChildOutput | undefined; log: string } {
  const r = spawnSync(command, args, { cwd: REPO, env, encoding: 'utf8', timeout: 25_000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  return {
    status: r.status,
    signal: r.signal,
    stdout: r.stdout,
    output: line === undefined ? undefined : (JSON.parse(line.slice('RESULT '.length)) as ChildOutput),
    // The daemons are chatty on stderr (prompter without a display); keep stdout whole.
    log: `${r.stderr.slice(-3000)}\n${r.stdout}`,
  };
}

const UNLOCK = 'echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null';
const LOCK_LOGIN = `gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets --method org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" >/dev/null`;
const NODE_CHILD = 'node --input-type=module -e "$RP_SCRIPT"';

function expectRefusedEverywhere(output: ChildOutput | undefined, status: KeychainState['status']): void {
  expect(output?.state?.status).toBe(status);
  for (const key of ['set', 'has', 'storedIds', 'withSecret', 'delete'] as const) {
    expect({ key, code: output?.[key]?.error?.code, keychainStatus: output?.[key]?.error?.details?.['keychainStatus'] }).toEqual({ key, code: 'keychain-unavailable', keychainStatus: status });
  }
  expect(JSON.stringify(output)).not.toContain('child-secret');
}

describe(childSkip === undefined ? 'vault in other D-Bus situations' : `vault in other D-Bus situations (SKIPPED: ${childSkip})`, () => {
  it.skipIf(keytarMissing !== undefined)('a bus address that points nowhere is no-service, and set() refuses', () => {
    const r = runChild('node', ['--input-type=module', '-e', CHILD_SCRIPT], isolatedEnv({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' }));
    expect(r.output, r.log).toBeDefined();
    expectRefusedEverywhere(r.output, 'no-service');
    expect(r.output?.state?.message).toContain('Could not connect: No such file or directory');
    expect(r.output?.set?.error?.hint).toContain('gnome-keyring-daemon --unlock --components=secrets; exec npx relayproof serve');
  });

  it.skipIf(keytarMissing !== undefined)('no bus at all and no display is no-service', () => {
    const r = runChild('node', ['--input-type=module', '-e', CHILD_SCRIPT], isolatedEnv({}));
    expectRefusedEverywhere(r.output, 'no-service');
    expect(r.output?.state?.message).toContain('Cannot autolaunch D-Bus without X11 $DISPLAY');
  });

  it.skipIf(childSkip !== undefined)('a session bus without any Secret Service is no-service', () => {
    const config = join(scratch, 'bus-without-services.conf');
    writeFileSync(
      config,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=${scratch}</listen>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`,
    );
    const r = runChild('dbus-run-session', [`--config-file=${config}`, '--', 'sh', '-c', `exec ${NODE_CHILD}`], isolatedEnv({}));
    expect(r.output, r.log).toBeDefined();
    expectRefusedEverywhere(r.output, 'no-service');
    expect(r.output?.state?.message).toContain('org.freedesktop.secrets was not provided by any .service files');
  });

  it.skipIf(childSkip !== undefined)('a keyring daemon with no login keyring yet is locked, not available', () => {
    // D-Bus starts gnome-keyring on demand; without --unlock it has no login collection.
    const r = runChild('dbus-run-session', ['--', 'sh', '-c', `exec ${NODE_CHILD}`], isolatedEnv({}));
    expect(r.output, r.log).toBeDefined();
    expectRefusedEverywhere(r.output, 'locked');
  });

  it.skipIf(childSkip !== undefined)('a locked keyring is reported as locked by every call and never crashes the process', () => {
    const script = [UNLOCK, `RP_PHASE=store ${NODE_CHILD}`, LOCK_LOGIN, `exec ${NODE_CHILD}`].join(' && ');
    const r = runChild('dbus-run-session', ['--', 'sh', '-c', script], isolatedEnv({}));
    expect(r.stdout, r.log).toContain('STORED {"set":{"ok":true}}');
    expect({ status: r.status, signal: r.signal }, r.log).toEqual({ status: 0, signal: null });
    expectRefusedEverywhere(r.output, 'locked');
    expect(r.output?.state?.message).toContain('Cannot create an item in a locked collection');
  });

  it.skipIf(childSkip !== undefined)('why the unlock check exists: raw keytar.findCredentials on a locked keyring kills the process', () => {
    // If this starts passing cleanly, keytar no longer crashes and the unlock check could be revisited.
    const script = [UNLOCK, `RP_PHASE=store ${NODE_CHILD}`, LOCK_LOGIN, 'exec node --input-type=module -e "$RP_RAW_FIND"'].join(' && ');
    const r = runChild('dbus-run-session', ['--', 'sh', '-c', script], isolatedEnv({}));
    expect(r.stdout, r.log).toContain('STORED {"set":{"ok":true}}');
    expect(r.output, r.log).toBeUndefined();
    expect(r.status === 139 || r.signal === 'SIGSEGV', r.log).toBe(true);
  });
});

/**
 * `relayproof address …` end to end, in-process: the real dispatcher and handlers, the
 * real OS keychain (gnome-keyring over D-Bus, checked from outside with `secret-tool`),
 * and a real SMTP server on 127.0.0.1 whose password the test changes the way a
 * provider's admin would. Run under a private session bus:
 *   dbus-run-session -- sh -c 'export XDG_DATA_HOME=/tmp/xdg-$$; mkdir -p $XDG_DATA_HOME; echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec npx vitest run --config src-main/dev/vitest.config.ts src-main/cli/address-commands.test.ts'
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger';
import { createServices } from '../services';
import { runCliCaptured, type CliRun } from '../testing/cli-run';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { createTestPki, type TestPki } from '../testing/tls-certs';

const USER = 'support@example.test';
const OLD = `Old-${randomBytes(9).toString('base64url')}`;
const NEW = `New-${randomBytes(9).toString('base64url')}`;
const WRONG = `Wrong-${randomBytes(9).toString('base64url')}`;
const SECRETS = [OLD, NEW, WRONG];

const dataDir = mkdtempSync(join(tmpdir(), 'relayproof-cli-address-'));
const keychain = await createServices({ dataDirectory: dataDir, mode: 'cli', logger: silentLogger }).vault.state();
const hasSecretTool = spawnSync('sh', ['-c', 'command -v secret-tool']).status === 0;
const keychainSkip =
  keychain.status !== 'available'
    ? `the OS keychain is ${keychain.status} (${keychain.message}). Run under dbus-run-session with gnome-keyring unlocked (see the top of this file).`
    : hasSecretTool
      ? undefined
      : 'secret-tool is not installed (apt-get install libsecret-tools)';
if (keychainSkip !== undefined) console.warn(`[address-commands.test] SKIPPING the keychain lifecycle: ${keychainSkip}`);

/** The provider's side of the account: the test changes its password as a mail admin would. */
const account = { username: USER, secret: OLD };
let pki: TestPki;
let peer: SmtpPeer;
/** Every run's output, scanned for the secrets at the end. */
const runs: CliRun[] = [];
/** Ids this file created, removed from the keychain afterwards whatever happened. */
const created = new Set<string>();

beforeAll(async () => {
  pki = createTestPki();
  peer = await startSmtpPeer({ security: 'starttls', certificate: pki.leaf, account });
  // The test server's certificate comes from a private CA: pinned in Settings, the only
  // way a stored secret is ever sent to it.
  const pinned = await createServices({ dataDirectory: dataDir, mode: 'cli', logger: silentLogger })
    .createDispatcher()
    .dispatch('settings:update', { patch: { pinnedCertificates: [{ host: '127.0.0.1', sha256: pki.leaf.fingerprint256.replace(/:/gu, ''), pinnedAt: new Date().toISOString() }] } });
  expect(pinned.ok).toBe(true);
});

afterAll(async () => {
  await peer.close();
  pki.cleanup();
  if (keychainSkip === undefined) {
    const vault = createServices({ dataDirectory: dataDir, mode: 'cli', logger: silentLogger }).vault;
    for (const id of created) await vault.delete(id, 'smtp');
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function cli(args: string[], stdinText?: string): Promise<CliRun> {
  const run = await runCliCaptured(args, dataDir, stdinText);
  runs.push(run);
  return run;
}

function json<T>(run: CliRun): T {
  return JSON.parse(run.stdout) as T;
}

/** What `secret-tool` finds in the keychain for this id ('' when there is no entry). */
function keychainEntry(id: string): string {
  const r = spawnSync('secret-tool', ['lookup', 'service', 'relayproof', 'account', id], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : '';
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

interface Listed {
  id: string;
  address: string;
  setup: string;
  provider: string;
  host: string;
  secret: { stored: boolean | null };
  credentialAgeDays: number | null;
  rotation: { everyDays: number | null; source: string | null; dueInDays: number | null; overdue: boolean };
}

const addArgs = (address: string) => [
  'address',
  'add',
  '--address',
  address,
  '--platform',
  'zendesk',
  '--environment',
  'sandbox',
  '--provider',
  'custom',
  '--host',
  '127.0.0.1',
  '--port',
  String(peer.port),
  '--security',
  'starttls',
  '--user',
  USER,
  '--subdomain',
  'acme',
  '--password-stdin',
];

describe('relayproof address: usage errors (exit 2, nothing stored)', () => {
  it('refuses a missing subcommand, missing options, a password argument and a terminal instead of a pipe', async () => {
    const cases: Array<[string[], string | undefined, RegExp]> = [
      [['address'], undefined, /relayproof address add/u],
      [['address', 'frob'], undefined, /relayproof address list/u],
      [['address', 'add', '--platform', 'zendesk'], undefined, /Missing --address, --environment, --provider/u],
      [addArgs(USER).filter((a) => a !== '--password-stdin'), OLD, /--password-stdin/u],
      [[...addArgs(USER).filter((a) => a !== '--password-stdin'), `--password=${OLD}`], undefined, /visible to every user/u],
      [addArgs(USER), undefined, /from a pipe/u],
      [addArgs(USER).map((a) => (a === 'zendesk' ? 'freshdesk' : a)), OLD, /Unknown platform "freshdesk"/u],
      [addArgs(USER).map((a) => (a === 'sandbox' ? 'staging' : a)), OLD, /production or sandbox/u],
      [addArgs(USER).map((a, i, all) => (all[i - 1] === '--port' ? 'submission' : a)), OLD, /--port must be a whole number/u],
      [addArgs(USER).map((a) => (a === '127.0.0.1' ? '127.0.0.1\r\nRSET' : a)), OLD, /Host contains a line break/u],
      [addArgs(USER).filter((a, i, all) => a !== '--host' && all[i - 1] !== '--host'), OLD, /custom provider needs --host/u],
      [[...addArgs(USER), '--route', 'ses'], OLD, /zendesk has no "ses" sending route\. Choose one of: connector \(Through your mail server[^)]*\)\), direct/u],
      [[...addArgs(USER), '--route', 'sideways'], OLD, /route: A sending route is connector \(through your mail server\), direct/u],
      [addArgs(USER).map((a) => (a === 'starttls' ? 'none' : a)), OLD, /--security none sends the password in clear text[\s\S]*--security starttls/u],
      [['address', 'test'], undefined, /address test ID/u],
      [['address', 'rotate', 'a-1'], NEW, /--password-stdin/u],
      [['address', 'remove'], undefined, /address remove ID/u],
      [['address', 'export'], undefined, /address export FILE/u],
      [['address', 'list', '--bogus'], undefined, /bogus/u],
    ];
    for (const [args, stdin, message] of cases) {
      const run = await cli(args, stdin);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
    }
    expect(json<{ addresses: unknown[] }>(await cli(['address', 'list', '--json'])).addresses).toEqual([]);
  });

  it('an id that is not configured is an input error with the way to find the ids', async () => {
    const run = await cli(['address', 'test', 'a-nothing-here']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/No address with id a-nothing-here[\s\S]*relayproof address list/u);
  });

  it('import says plainly when the file is missing, not JSON or too large', async () => {
    const missing = await cli(['address', 'import', join(dataDir, 'nope.json'), '--json']);
    expect(missing.code).toBe(2);
    expect(json<{ ok: boolean; error: { message: string } }>(missing).error.message).toMatch(/no such file/u);

    const notJson = join(dataDir, 'not-json.json');
    writeFileSync(notJson, 'address,platform\nsupport@example.test,zendesk\n');
    const bad = await cli(['address', 'import', notJson]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not JSON[\s\S]*relayproof address export/u);

    const huge = join(dataDir, 'huge.json');
    writeFileSync(huge, JSON.stringify({ padding: 'x'.repeat(1_100_000) }));
    const big = await cli(['address', 'import', huge]);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/at most 1 MB/u);
  });
});

describe(keychainSkip === undefined ? 'relayproof address: the lifecycle' : `relayproof address: the lifecycle (SKIPPED: ${keychainSkip})`, () => {
  let id = '';
  const exportFile = join(dataDir, 'export.json');

  it.skipIf(keychainSkip !== undefined)('add checks the address, stores the password in the keychain only, and prints the new id', async () => {
    const run = await cli([...addArgs(USER), '--json'], `${OLD}\n`);
    expect(run.code, run.stderr).toBe(0);
    const out = json<{ ok: boolean; address: Listed; warnings: unknown[] }>(run);
    expect(out.ok).toBe(true);
    id = out.address.id;
    created.add(id);
    expect(out.address).toMatchObject({ address: USER, host: '127.0.0.1', secret: { stored: true } });
    expect(keychainEntry(id)).toBe(OLD);

    // The same address on the same platform and environment again: refused, nothing stored.
    const again = await cli(addArgs(USER), `${NEW}\n`);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already|duplicate/iu);
    expect(json<{ addresses: Listed[] }>(await cli(['address', 'list', '--json'])).addresses).toHaveLength(1);
    expect(keychainEntry(id)).toBe(OLD);
  });

  it.skipIf(keychainSkip !== undefined)('add refuses what the platform would refuse (its own system address) with exit 1', async () => {
    const run = await cli(addArgs('support@acme.zendesk.com'), `${OLD}\n`);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/✗ /u);
    expect(run.stderr).toMatch(/was not added; nothing was stored/u);
    expect(json<{ addresses: Listed[] }>(await cli(['address', 'list', '--json'])).addresses.map((a) => a.address)).toEqual([USER]);
  });

  it.skipIf(keychainSkip !== undefined)('list shows setup, credential age and the rotation reminder from Settings', async () => {
    const listed = json<{ ok: boolean; addresses: Listed[] }>(await cli(['address', 'list', '--json'])).addresses;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id, provider: 'custom', setup: 'complete', credentialAgeDays: 0, rotation: { everyDays: 90, source: 'settings', overdue: false } });
    expect(listed[0]?.rotation.dueInDays).toBe(90);
    const text = await cli(['address', 'list']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ID\s+ADDRESS\s+PLATFORM/mu);
    expect(text.stdout).toContain(id);
    expect(text.stdout).toMatch(/0 days old\s+due in 90 days/u);
  });

  it.skipIf(keychainSkip !== undefined)('test signs in with the stored password and checks send-as', async () => {
    const run = await cli(['address', 'test', id, '--send-as', '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const out = json<{ ok: boolean; addressId: string; auth: { accepted: boolean }; sendAs: { accepted: boolean; from: string } }>(run);
    expect(out).toMatchObject({ ok: true, addressId: id, auth: { accepted: true }, sendAs: { accepted: true, from: USER } });
    expect(peer.sessions.at(-1)?.authAttempts.at(-1)?.secret).toBe(OLD);

    const text = await cli(['address', 'test', id]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Testing support@example\.test with its stored password against 127\.0\.0\.1:\d+ \(starttls\)/u);
    expect(text.stdout).toMatch(/✓ auth/u);
  });

  it.skipIf(keychainSkip !== undefined)('rotate with a password the server refuses keeps the old one, which still works', async () => {
    const run = await cli(['address', 'rotate', id, '--password-stdin'], `${WRONG}\n`);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`The new password was refused by 127.0.0.1:${peer.port}; the old password is still stored and in use.`);
    expect(run.stdout).toMatch(/✗ auth/u);
    expect(keychainEntry(id)).toBe(OLD);
    expect((await cli(['address', 'test', id])).code).toBe(0);
    expect(peer.sessions.at(-1)?.authAttempts.at(-1)?.secret).toBe(OLD);
  });

  it.skipIf(keychainSkip !== undefined)('rotate with the password the server now expects replaces the stored one', async () => {
    account.secret = NEW;
    // The provider changed the password: the stored one no longer signs in.
    expect((await cli(['address', 'test', id])).code).toBe(1);
    const run = await cli(['address', 'rotate', id, '--password-stdin', '--json'], `${NEW}\n`);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(json<{ ok: boolean; rotated: boolean; oldSecretKept: boolean; changedAt: string | null }>(run)).toMatchObject({ ok: true, rotated: true, oldSecretKept: false });
    expect(keychainEntry(id)).toBe(NEW);
    expect((await cli(['address', 'test', id])).code).toBe(0);
    expect(peer.sessions.at(-1)?.authAttempts.at(-1)?.secret).toBe(NEW);
  });

  it.skipIf(keychainSkip !== undefined)('export writes the non-secret configuration as JSON readable by the owner only', async () => {
    const run = await cli(['address', 'export', exportFile, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(json<{ ok: boolean; count: number }>(run)).toMatchObject({ ok: true, count: 1 });
    expect(statSync(exportFile).mode & 0o777).toBe(0o600);
    const text = readFileSync(exportFile, 'utf8');
    expect(text).toMatch(/^\{\n {2}"format": "relayproof-addresses"/u);
    const document = JSON.parse(text) as { version: number; addresses: Array<{ address: string; host: string; platformSubdomain: string | null }> };
    expect(document.version).toBe(1);
    expect(document.addresses).toEqual([expect.objectContaining({ address: USER, host: '127.0.0.1', platformSubdomain: 'acme' })]);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

  it.skipIf(keychainSkip !== undefined)('remove needs --yes when it cannot ask, then deletes the configuration and the keychain entry', async () => {
    const piped = await cli(['address', 'remove', id], '');
    expect(piped.code).toBe(2);
    expect(piped.stderr).toMatch(/Not removed: this run cannot ask for confirmation\. Add --yes/u);
    const unanswered = await cli(['address', 'remove', id]);
    expect(unanswered.code).toBe(2);
    expect(unanswered.stderr).toMatch(/low-traffic time[\s\S]*Type yes to confirm[\s\S]*Not removed: not confirmed/u);
    expect(keychainEntry(id)).toBe(NEW);

    const run = await cli(['address', 'remove', id, '--yes']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/low-traffic time/u);
    expect(run.stdout).toMatch(/pause ticket updates/u);
    expect(run.stdout).toMatch(/its password is gone from the OS keychain/u);
    expect(keychainEntry(id)).toBe('');
    expect(json<{ addresses: Listed[] }>(await cli(['address', 'list', '--json'])).addresses).toEqual([]);
    expect((await cli(['address', 'test', id])).code).toBe(2);
  });

  it.skipIf(keychainSkip !== undefined)('import brings the export back without a secret; the password is needed again', async () => {
    const run = await cli(['address', 'import', exportFile, '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const out = json<{ ok: boolean; imported: Listed[]; rejected: unknown[] }>(run);
    expect(out.ok).toBe(true);
    expect(out.rejected).toEqual([]);
    expect(out.imported).toHaveLength(1);
    const imported = out.imported[0];
    if (imported === undefined) throw new Error('nothing imported');
    created.add(imported.id);
    expect(imported).toMatchObject({ address: USER, host: '127.0.0.1', secret: { stored: false } });
    expect(keychainEntry(imported.id)).toBe('');

    const test = await cli(['address', 'test', imported.id]);
    expect(test.code).toBe(1);
    expect(test.stderr).toMatch(/No password is stored[\s\S]*address set-secret/u);

    expect((await cli(['address', 'set-secret', imported.id, '--password-stdin'], `${NEW}\n`)).code).toBe(0);
    expect(keychainEntry(imported.id)).toBe(NEW);
    expect((await cli(['address', 'test', imported.id, '--send-as'])).code).toBe(0);
    expect((await cli(['address', 'remove', imported.id, '--yes'])).code).toBe(0);
    expect(keychainEntry(imported.id)).toBe('');
  });

  it.skipIf(keychainSkip !== undefined)('import reports every bad row with its reason, imports the rest and exits 1', async () => {
    const document = JSON.parse(readFileSync(exportFile, 'utf8')) as { addresses: Array<Record<string, unknown>> };
    const good = document.addresses[0] ?? {};
    const mixed = join(dataDir, 'mixed.json');
    writeFileSync(
      mixed,
      JSON.stringify({ ...document, addresses: [{ ...good, address: 'billing@example.test' }, { ...good, address: 'not an address' }, { ...good, port: 'five-eight-seven', address: 'help@example.test' }] }),
    );
    const run = await cli(['address', 'import', mixed]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ row 2\b.*: \S/mu);
    expect(run.stdout).toMatch(/^✗ row 3\b.*: \S/mu);
    expect(run.stdout).toMatch(/Imported 1 of 3 addresses; 2 rejected/u);
    const listed = json<{ addresses: Listed[] }>(await cli(['address', 'list', '--json'])).addresses;
    expect(listed.map((a) => a.address)).toEqual(['billing@example.test']);
    for (const a of listed) {
      created.add(a.id);
      expect((await cli(['address', 'remove', a.id, '--yes'])).code).toBe(0);
    }
  });

  it.skipIf(keychainSkip !== undefined)('a provider preset fills in its recommended server, its fixed username and its kind of secret', async () => {
    const presets = await createServices({ dataDirectory: dataDir, mode: 'cli', logger: silentLogger }).createDispatcher().dispatch('providers:list', {});
    expect(presets.ok).toBe(true);
    const sendgrid = (presets.ok ? (presets.value as Array<{ id: string; endpoints: Array<{ host: string; port: number; security: string; recommended: boolean }> }>) : []).find((p) => p.id === 'sendgrid');
    const recommended = sendgrid?.endpoints.find((e) => e.recommended);
    expect(recommended).toBeDefined();
    const args = ['address', 'add', '--address', 'news@example.test', '--platform', 'generic', '--environment', 'production', '--provider', 'sendgrid', '--password-stdin', '--json'];
    const run = await cli(args, `${OLD}\n`);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const address = json<{ address: Listed & { port: number; security: string; username: string; authKind: string } }>(run).address;
    created.add(address.id);
    expect(address).toMatchObject({ provider: 'sendgrid', host: recommended?.host, port: recommended?.port, security: recommended?.security, username: 'apikey', authKind: 'api-key' });

    const unknown = await cli(args.map((a) => (a === 'sendgrid' ? 'sendmail-cloud' : a)), `${OLD}\n`);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown provider "sendmail-cloud"\. Choose one of: .*sendgrid.*custom/u);
    expect((await cli(['address', 'remove', address.id, '--yes'])).code).toBe(0);
    expect(keychainEntry(address.id)).toBe('');
  });

  it.skipIf(keychainSkip !== undefined)('the older `addresses` command still lists and stores secrets', async () => {
    const added = json<{ address: Listed }>(await cli([...addArgs('sales@example.test'), '--json'], `${OLD}\n`)).address;
    created.add(added.id);
    const listed = json<{ ok: boolean; addresses: Listed[] }>(await cli(['addresses', 'list', '--json']));
    expect(listed.addresses.map((a) => a.id)).toEqual([added.id]);
    expect((await cli(['addresses', 'set-secret', added.id, '--password-stdin'], `${NEW}\n`)).code).toBe(0);
    expect(keychainEntry(added.id)).toBe(NEW);
    expect((await cli(['address', 'remove', added.id, '--yes'])).code).toBe(0);
  });
});

describe('relayproof address: secrets stay secret', () => {
  it('no password appears in any output, settings file or log', () => {
    expect(runs.length).toBeGreaterThan(10);
    const forms = SECRETS.flatMap((s) => [s, Buffer.from(s).toString('base64'), Buffer.from(`\0${USER}\0${s}`).toString('base64')]);
    for (const run of runs) for (const form of forms) expect(run.stdout + run.stderr).not.toContain(form);
    for (const file of filesUnder(dataDir)) {
      const text = readFileSync(file, 'utf8');
      for (const form of forms) expect({ file, leaked: text.includes(form) }).toEqual({ file, leaked: false });
    }
  });
});

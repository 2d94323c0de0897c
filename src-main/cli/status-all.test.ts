/**
 * `relayproof status --all [--recheck]` spawned as its own process, as an admin runs it:
 * the built CLI, the addresses' secrets in the OS keychain, two relays on 127.0.0.1 behind
 * proxies that count the connections open at once. Needs the OS keychain: run under
 * dbus-run-session with gnome-keyring unlocked (`npm test` does); skipped with the reason
 * otherwise.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetRun } from '../../src-preload/contract/fleet-schemas';
import { silentLogger } from '../log/logger';
import { createServices } from '../services';
import { buildEntries, type BuiltEntries } from '../testing/built-entries';
import { startCountingProxy, type CountingProxy } from '../testing/counting-proxy';
import { useTestDns } from '../testing/dns-fixture';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { ACME, createVerificationKeys, verificationZones } from '../testing/verification-zone';

const dns = useTestDns(verificationZones(createVerificationKeys()));
const USER = `relay@${ACME}`;
const SECRET = 'status-all-secret-8d1f';
const dataDir = mkdtempSync(join(tmpdir(), 'relayproof-cli-status-all-'));
const open = () => createServices({ dataDirectory: dataDir, mode: 'cli', logger: silentLogger });
const keychain = await open().vault.state();
const keychainSkip = keychain.status === 'available' ? undefined : `the OS keychain is ${keychain.status} (${keychain.message}). Run under dbus-run-session with gnome-keyring unlocked.`;
if (keychainSkip !== undefined) console.warn(`[status-all.test] SKIPPING: ${keychainSkip}`);

let built: BuiltEntries;
let pki: TestPki;
const peers: SmtpPeer[] = [];
const proxies: CountingProxy[] = [];
const ids: string[] = [];

beforeAll(async () => {
  if (keychainSkip !== undefined) return;
  built = await buildEntries({ cli: 'src-main/cli/cli.ts' });
  pki = createTestPki();
  const d = open().createDispatcher();
  const settings = await d.dispatch('settings:update', {
    patch: {
      dnsServers: [`127.0.0.1:${dns.server().port}`],
      pinnedCertificates: [{ host: '127.0.0.1', sha256: pki.leaf.fingerprint256.replace(/:/gu, ''), pinnedAt: new Date().toISOString() }],
    },
  });
  expect(settings.ok).toBe(true);
  for (let s = 0; s < 2; s += 1) {
    const peer = await startSmtpPeer({ security: 'starttls', certificate: pki.leaf, account: { username: USER, secret: SECRET } });
    peers.push(peer);
    const proxy = await startCountingProxy(peer, { oneWayMs: 15 });
    proxies.push(proxy);
    for (let i = 0; i < 3; i += 1) {
      const created = await d.dispatch('addresses:create', {
        fields: { address: `team${s}${i}@${ACME}`, platform: 'generic', environment: 'production', provider: 'custom', host: '127.0.0.1', port: proxy.port, security: 'starttls', username: USER, authKind: 'password', selectors: [] },
        secret: SECRET,
      });
      if (!created.ok) throw new Error(created.error.message);
      ids.push((created.value as { id: string }).id);
    }
  }
}, 120_000);

afterAll(async () => {
  if (keychainSkip === undefined) {
    const vault = open().vault;
    for (const id of ids) await vault.delete(id, 'smtp');
  }
  await Promise.all(proxies.map((p) => p.close()));
  await Promise.all(peers.map((p) => p.close()));
  pki?.cleanup();
  built?.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

function relayproof(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [built.path('cli'), ...args], { env: { ...process.env, ...built.env, RELAYPROOF_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(keychainSkip !== undefined)('relayproof status --all', () => {
  it('--recheck --per-host 1 re-checks every address with its stored secret, one connection per server at a time, and prints the JSON shape', async () => {
    const run = await relayproof(['status', '--all', '--recheck', '--per-host', '1', '--json']);
    const out = JSON.parse(run.stdout) as FleetRun;
    expect(out.addresses.map((a) => a.id).sort()).toEqual([...ids].sort());
    for (const a of out.addresses) {
      expect(Object.keys(a)).toEqual(expect.arrayContaining(['id', 'address', 'platform', 'environment', 'overall', 'items', 'checkedAt', 'throttled']));
      expect(a).toMatchObject({ rechecked: true, throttled: false, platform: 'generic', environment: 'production' });
      expect(a.items.find((i) => i.id === 'connection-auth')?.state).toBe('verified');
    }
    expect(out.run).toMatchObject({ perHost: 1, concurrency: 8, cancelled: false });
    expect(out.run.hosts.map((h) => h.host).sort()).toEqual(proxies.map((p) => `127.0.0.1:${p.port}`).sort());
    for (const h of out.run.hosts) expect(h).toMatchObject({ addresses: 3, maxConcurrent: 1 });
    // On the wire: never two connections to one server at once.
    for (const p of proxies) {
      expect(p.total).toBe(3);
      expect(p.maxOpen).toBe(1);
    }
    // Exit 1 unless every address is verified (the test zone's DNS does not cover a loopback relay).
    const allVerified = out.addresses.every((a) => a.overall === 'verified');
    expect(run.code).toBe(allVerified ? 0 : 1);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  }, 120_000);

  it('without --recheck shows the stored status (run: null) and connects to nothing; exit 0 when nothing is unverified; 2 on a bad limit', async () => {
    const before = proxies.map((p) => p.total);
    const run = await relayproof(['status', '--all', '--json']);
    const out = JSON.parse(run.stdout) as { addresses: FleetRun['addresses']; run: null };
    expect(out.run).toBeNull();
    expect(out.addresses).toHaveLength(ids.length);
    expect(proxies.map((p) => p.total)).toEqual(before);

    const none = await relayproof(['status', '--all', '--platform', 'zendesk', '--json']);
    expect(none.code).toBe(0);
    expect(JSON.parse(none.stdout)).toEqual({ addresses: [], run: null });

    const human = await relayproof(['status', '--all']);
    expect(human.stdout).toContain(`team00@${ACME}`);

    const bad = await relayproof(['status', '--all', '--recheck', '--per-host', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--per-host is a whole number from 1 to 10');
    const without = await relayproof(['status', '--recheck']);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('--recheck goes with --all');
  }, 120_000);
});

/**
 * "Re-check all" through the dispatcher against real servers on 127.0.0.1: SMTP peers
 * (STARTTLS + AUTH) each behind a proxy that counts the connections open through it at
 * once, the test DNS zone of acme.test, the stored secrets in an in-memory keychain.
 * The limits are checked on the wire: a proxy sees every connection Relayproof opens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationEvent } from '../../src-preload/contract';
import type { FleetEvent, FleetRun } from '../../src-preload/contract/fleet-schemas';
import { silentLogger } from '../log/logger';
import { createServices, type Services } from '../services';
import { createHostLimiter } from '../smtp/host-limiter';
import type { AddressStatusBatchOptions } from '../store/address-status-batch';
import { openStore } from '../store/store';
import { runCliCaptured } from '../testing/cli-run';
import { connectionGroup, startCountingProxy, type ConnectionGroup, type CountingProxy } from '../testing/counting-proxy';
import { useTestDns } from '../testing/dns-fixture';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { memoryKeychain } from '../testing/transport-support';
import { ACME, createVerificationKeys, verificationZones } from '../testing/verification-zone';

const dns = useTestDns(verificationZones(createVerificationKeys()));
const USER = `relay@${ACME}`;
const SECRET = 'fleet-relay-secret-5c2e';

let pki: TestPki;
const peers: SmtpPeer[] = [];
const proxies: CountingProxy[] = [];
const dirs: string[] = [];

beforeAll(() => {
  pki = createTestPki();
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await Promise.all(peers.map((p) => p.close()));
  pki.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A relay that signs in USER, behind a counting proxy with a 15 ms one-way delay (so connections overlap). */
async function server(options: { throttleFirst?: number; group?: ConnectionGroup } = {}): Promise<CountingProxy> {
  const peer = await startSmtpPeer({ security: 'starttls', certificate: pki.leaf, account: { username: USER, secret: SECRET } });
  peers.push(peer);
  const proxy = await startCountingProxy(peer, { oneWayMs: 15, ...options });
  proxies.push(proxy);
  return proxy;
}

async function open(extra: { throttleBackoffMs?: number[]; fleetStatusBatch?: AddressStatusBatchOptions; onDocumentWrite?: (path: string) => void } = {}): Promise<Services> {
  const dir = mkdtempSync(join(tmpdir(), 'relayproof-fleet-'));
  dirs.push(dir);
  const keychain = memoryKeychain();
  const services = createServices({
    dataDirectory: dir,
    mode: 'cli',
    logger: silentLogger,
    keychain: async () => keychain,
    validateOutput: true,
    ...(extra.onDocumentWrite === undefined ? {} : { onDocumentWrite: extra.onDocumentWrite }),
    verification: {
      resolverOptions: { timeoutMs: 1_000, retries: 0 },
      hostLimiter: createHostLimiter({ backoffMs: extra.throttleBackoffMs ?? [200] }),
      ...(extra.fleetStatusBatch === undefined ? {} : { fleetStatusBatch: extra.fleetStatusBatch }),
    },
  });
  const settings = await services.createDispatcher().dispatch('settings:update', {
    patch: {
      dnsServers: [`127.0.0.1:${dns.server().port}`],
      pinnedCertificates: [{ host: '127.0.0.1', sha256: pki.leaf.fingerprint256.replace(/:/gu, ''), pinnedAt: new Date().toISOString() }],
    },
  });
  if (!settings.ok) throw new Error(settings.error.message);
  return services;
}

let serial = 0;
/** `count` saved addresses of acme.test whose relay is `proxy`; returns their ids. */
async function addresses(services: Services, proxy: CountingProxy, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    serial += 1;
    const created = await services.createDispatcher().dispatch('addresses:create', {
      fields: { address: `desk${serial}@${ACME}`, platform: 'generic', environment: 'production', provider: 'custom', host: '127.0.0.1', port: proxy.port, security: 'starttls', username: USER, authKind: 'password', selectors: [] },
      secret: SECRET,
    });
    if (!created.ok) throw new Error(created.error.message);
    ids.push((created.value as { id: string }).id);
  }
  return ids;
}

async function recheckAll(services: Services, input: Record<string, unknown>, events: FleetEvent[] = []): Promise<FleetRun> {
  const d = services.createDispatcher((e: OperationEvent) => {
    if (e.operationId === 'op_fleet0001') events.push(e.event as FleetEvent);
  });
  const result = await d.dispatch('verification:recheck-all', { operationId: 'op_fleet0001', ...input });
  if (!result.ok) throw new Error(result.error.message);
  return result.value as FleetRun;
}

describe('re-check all', () => {
  it('never holds more than --per-host connections to one server, and reports the most it held', async () => {
    const services = await open();
    const a = await server();
    const b = await server();
    await addresses(services, a, 6);
    await addresses(services, b, 6);
    const run = await recheckAll(services, { perHost: 2, concurrency: 8 });
    expect(run.addresses).toHaveLength(12);
    expect(run.addresses.every((x) => x.rechecked && !x.throttled)).toBe(true);
    // Every address signed in with its stored secret through the proxy.
    expect(run.addresses.every((x) => x.items.find((i) => i.id === 'connection-auth')?.state === 'verified')).toBe(true);
    expect(a.total).toBeGreaterThanOrEqual(6);
    // Six addresses per server, all started at once: without the limit the proxy sees 6.
    expect(a.maxOpen).toBeLessThanOrEqual(2);
    expect(b.maxOpen).toBeLessThanOrEqual(2);
    const hosts = new Map(run.run.hosts.map((h) => [h.host, h]));
    expect(hosts.get(`127.0.0.1:${a.port}`)).toMatchObject({ addresses: 6, names: [`127.0.0.1:${a.port}`] });
    expect(hosts.get(`127.0.0.1:${a.port}`)?.maxConcurrent).toBeLessThanOrEqual(2);
    expect(run.run).toMatchObject({ perHost: 2, concurrency: 8, cancelled: false });
  });

  it('--per-host 1 and --concurrency 1 hold one connection per server, and one in all', async () => {
    const services = await open();
    const group = connectionGroup();
    const a = await server({ group });
    const b = await server({ group });
    await addresses(services, a, 4);
    await addresses(services, b, 4);
    await recheckAll(services, { perHost: 1, concurrency: 8 });
    expect(a.maxOpen).toBe(1);
    expect(b.maxOpen).toBe(1);
    // Both servers at once under --per-host 1 ...
    expect(group.maxOpen).toBeGreaterThanOrEqual(1);

    const serial1 = await open();
    const group2 = connectionGroup();
    const c = await server({ group: group2 });
    const d = await server({ group: group2 });
    await addresses(serial1, c, 3);
    await addresses(serial1, d, 3);
    const run = await recheckAll(serial1, { concurrency: 1 });
    // ... and one at a time over every server with --concurrency 1.
    expect(group2.maxOpen).toBe(1);
    expect(run.run.concurrency).toBe(1);
    expect(run.addresses.every((x) => x.rechecked)).toBe(true);
  });

  it('reads DNS once per name for the whole run, not once per address', async () => {
    const services = await open();
    const a = await server();
    await addresses(services, a, 5);
    dns.server().resetQueries();
    await recheckAll(services, {});
    const asked = dns.server().queries.filter((q) => q.name.toLowerCase() === `_dmarc.${ACME}` && q.type === 'TXT');
    expect(asked).toHaveLength(1);
  });

  it('a server that throttles slows only its own queue: its addresses say throttled, the other server runs on', async () => {
    const services = await open({ throttleBackoffMs: [3_000] });
    const slow = await server({ throttleFirst: 1 });
    const fine = await server();
    const slowIds = await addresses(services, slow, 2);
    const fineIds = await addresses(services, fine, 4);
    const events: FleetEvent[] = [];
    const run = await recheckAll(services, { perHost: 2 }, events);
    const byId = new Map(run.addresses.map((x) => [x.id, x]));
    // The throttled test was tried again after the pause, and went through.
    const throttled = slowIds.filter((id) => byId.get(id)?.throttled === true);
    expect(throttled).toHaveLength(1);
    expect(byId.get(throttled[0] ?? '')?.items.find((i) => i.id === 'connection-auth')?.state).toBe('verified');
    expect(fineIds.every((id) => byId.get(id)?.throttled === false && byId.get(id)?.rechecked === true)).toBe(true);
    expect(slow.throttled).toBe(1);
    expect(events.some((e) => e.type === 'throttled' && e.host === `127.0.0.1:${slow.port}`)).toBe(true);
    // Order, not time: every address of the other server was done before the throttled one
    // (its server paused for 3 s while the other kept going).
    const order = events.flatMap((e) => (e.type === 'done' ? [e.address.id] : []));
    const throttledAt = order.indexOf(throttled[0] ?? '');
    for (const id of fineIds) expect(order.indexOf(id)).toBeLessThan(throttledAt);
    expect(run.run.hosts.find((h) => h.host === `127.0.0.1:${slow.port}`)?.throttled).toBe(1);
  });

  it('respects each address\'s manual gap: an address checked moments ago is reported as it stands', async () => {
    const services = await open();
    const a = await server();
    const [first, second] = await addresses(services, a, 2);
    const d = services.createDispatcher();
    const once = await d.dispatch('verification:recheck', { operationId: 'op_single01', addressId: first ?? '' });
    expect(once.ok).toBe(true);
    const before = a.total;
    const run = await recheckAll(services, {});
    const byId = new Map(run.addresses.map((x) => [x.id, x]));
    expect(byId.get(first ?? '')).toMatchObject({ rechecked: false, note: expect.stringMatching(/^Not checked: Checked \d+ s ago/u) });
    expect(byId.get(second ?? '')?.rechecked).toBe(true);
    // Only the second address connected.
    expect(a.total - before).toBe(1);
  });

  it('checks only the selected addresses or one platform, and refuses an unknown id', async () => {
    const services = await open();
    const a = await server();
    const [one] = await addresses(services, a, 3);
    const run = await recheckAll(services, { addressIds: [one] });
    expect(run.addresses.map((x) => x.id)).toEqual([one]);
    const none = await recheckAll(services, { platform: 'zendesk' });
    expect(none.addresses).toEqual([]);
    const unknown = await services.createDispatcher().dispatch('verification:recheck-all', { operationId: 'op_fleet0002', addressIds: ['no-such-address'] });
    expect(unknown.ok ? null : unknown.error.code).toBe('not-found');
  });

  it('writes the addresses\' last tests in one batch, read again inside the lock: an address the CLI adds during the run is kept', async () => {
    const configWrites: string[] = [];
    // One batch for the whole run, so the CLI's write certainly falls between the first
    // re-check and the batch's write; the throttled server's pause keeps the run going meanwhile.
    const services = await open({ throttleBackoffMs: [3_000], fleetStatusBatch: { maxPending: 1_000, maxDelayMs: 600_000 }, onDocumentWrite: (path) => configWrites.push(path) });
    const dir = dirs.at(-1) ?? '';
    const slow = await server({ throttleFirst: 1 });
    const fine = await server();
    const ids = [...(await addresses(services, slow, 1)), ...(await addresses(services, fine, 4))];
    const writesBefore = configWrites.filter((p) => p.endsWith('config.json')).length;
    let cliAdd: Promise<{ code: number; stderr: string }> | null = null;
    let cliDoneAt = Number.POSITIVE_INFINITY;
    const d = services.createDispatcher((e: OperationEvent) => {
      if (e.operationId !== 'op_fleet0003' || (e.event as FleetEvent).type !== 'done' || cliAdd !== null) return;
      cliAdd = runCliCaptured(
        ['address', 'add', '--address', `added-meanwhile@${ACME}`, '--platform', 'zendesk', '--environment', 'production', '--provider', 'custom', '--host', '127.0.0.1', '--port', String(fine.port), '--security', 'starttls', '--user', USER, '--subdomain', 'acme', '--password-stdin'],
        dir,
        `${SECRET}\n`,
      ).then((r) => {
        cliDoneAt = performance.now();
        return r;
      });
    });
    const result = await d.dispatch('verification:recheck-all', { operationId: 'op_fleet0003', perHost: 2 });
    const runDoneAt = performance.now();
    expect(result.ok).toBe(true);
    expect(cliAdd).not.toBeNull();
    const added = await (cliAdd as unknown as Promise<{ code: number; stderr: string }>);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    // The CLI's address was saved while the batch still waited.
    expect(cliDoneAt).toBeLessThan(runDoneAt);
    const after = openStore({ directory: dir });
    expect(after.listAddresses().map((a) => a.address)).toContain(`added-meanwhile@${ACME}`);
    // Every re-checked address has its last test, written once for the whole run.
    for (const id of ids) expect(after.getAddress(id)?.lastTest?.ok).toBe(true);
    expect(configWrites.filter((p) => p.endsWith('config.json')).length - writesBefore).toBe(1);
  });

  it('a batched last test never overwrites a newer one: a test the admin ran meanwhile is kept', async () => {
    const services = await open({ throttleBackoffMs: [3_000], fleetStatusBatch: { maxPending: 1_000, maxDelayMs: 600_000 } });
    const slow = await server({ throttleFirst: 1 });
    const fine = await server();
    await addresses(services, slow, 1);
    const [tested] = await addresses(services, fine, 1);
    // The admin's own test, written at once while the run's result still waits in the batch.
    const newer = { at: new Date(Date.now() + 60_000).toISOString(), ok: false, summary: 'The admin tested it meanwhile', platformReady: null, blockers: [] };
    let wroteNewer = false;
    const d = services.createDispatcher((e: OperationEvent) => {
      const event = e.event as FleetEvent;
      if (e.operationId !== 'op_fleet0004' || event.type !== 'done' || wroteNewer || tested === undefined) return;
      if (services.store.getAddress(tested)?.lastTest !== null) return;
      services.store.setAddressStatus(tested, { lastTest: newer });
      wroteNewer = true;
    });
    const result = await d.dispatch('verification:recheck-all', { operationId: 'op_fleet0004', perHost: 2 });
    expect(result.ok).toBe(true);
    expect(wroteNewer).toBe(true);
    expect(openStore({ directory: dirs.at(-1) ?? '' }).getAddress(tested ?? '')?.lastTest).toEqual(newer);
  });
});

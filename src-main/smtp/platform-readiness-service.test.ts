/**
 * Platform readiness end to end: a real smtp-server on 127.0.0.1 with a self-signed
 * certificate the admin pinned. The test passes here (`ok: true`) — and is not platform
 * ready: the host is loopback and the certificate is trusted only through the pin. A
 * saved address's test names its platform, counts its "continue anyway" reason, and
 * leaves the blockers on the address's last test.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressView } from '../../src-preload/contract';
import type { ConnectionReport } from '../../src-preload/contract/smtp-schemas';
import { silentLogger } from '../log/logger';
import { createServices, type Services } from '../services';
import { startTestDnsServer, type TestDnsServer } from '../testing/dns-test-server';
import { rr } from '../testing/dns-zone';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { runTest } from '../testing/smtp-run';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { makeTempDir, memoryKeychain, type TempDir } from '../testing/transport-support';

const USER = 'support@example.test';
const SECRET = 'readiness-Secret-4k8q';

let temp: TempDir;
let pki: TestPki;
let peer: SmtpPeer;
let dns: TestDnsServer;
let services: Services;
let dispatcher: ReturnType<Services['createDispatcher']>;
let pin: string;

beforeAll(async () => {
  temp = await makeTempDir('platform-readiness');
  pki = createTestPki();
  pin = pki.selfSigned.fingerprint256.replace(/:/gu, '');
  peer = await startSmtpPeer({ security: 'starttls', certificate: pki.selfSigned, account: { username: USER, secret: SECRET } });
  // A public-looking name whose only address is loopback: judged by what it resolves to.
  dns = await startTestDnsServer({ zones: [{ origin: 'relay-readiness.com', records: [rr.a('smtp.relay-readiness.com', '127.0.0.1')] }] });
  services = createServices({ dataDirectory: join(temp.path, 'data'), mode: 'cli', logger: silentLogger, keychain: async () => memoryKeychain(), validateOutput: true });
  dispatcher = services.createDispatcher();
  const settings = await dispatcher.dispatch('settings:update', { patch: { pinnedCertificates: [{ host: '127.0.0.1', sha256: pin, pinnedAt: new Date().toISOString() }] } });
  if (!settings.ok) throw new Error(settings.error.message);
}, 60_000);

afterAll(async () => {
  await peer.close();
  await dns.close();
  pki.cleanup();
  await temp.remove();
}, 60_000);

const credentials = { kind: 'password' as const, username: USER };

async function createAddress(address: string, setup?: 'in-progress'): Promise<AddressView> {
  const created = await dispatcher.dispatch('addresses:create', {
    fields: { address, platform: 'zendesk', environment: 'sandbox', provider: 'custom', host: '127.0.0.1', port: peer.port, security: 'starttls', username: USER, authKind: 'password' },
    secret: SECRET,
    ...(setup !== undefined ? { setup } : {}),
  });
  if (!created.ok) throw new Error(created.error.message);
  return created.value as AddressView;
}

async function testStored(addressId: string, operationId: string): Promise<ConnectionReport> {
  const answer = await dispatcher.dispatch('smtp:test-connection', { operationId, host: '127.0.0.1', port: peer.port, security: 'starttls', from: USER, addressId, credentials });
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value as ConnectionReport;
}

describe('a test that passes only on this workstation', () => {
  it('the engine: loopback host and a pinned self-signed certificate pass the test and block the platform', async () => {
    const report = await runTest({ host: '127.0.0.1', port: peer.port, security: 'starttls', pinSha256: pin, from: USER, credentials: { ...credentials, secret: SECRET } });
    expect(report.ok).toBe(true);
    expect(report.auth?.accepted).toBe(true);
    expect(report.tls?.verdict).toBe('pinned');
    expect(report.platformReady).toBe(false);
    expect(report.blockers.map((b) => b.code)).toEqual(['host-not-public', 'certificate-not-public']);
    expect(report.blockers[0]?.message).toContain('127.0.0.1 is a loopback address');
  });

  it('the engine: a name that resolves only to loopback is not public either', async () => {
    const report = await runTest({ host: 'smtp.relay-readiness.com', port: peer.port, security: 'starttls', dnsServers: [dns.address] }, { lookup: null });
    expect(report.dns?.a).toEqual(['127.0.0.1']);
    expect(report.blockers.map((b) => b.code)).toContain('host-not-public');
    expect(report.blockers.find((b) => b.code === 'host-not-public')?.message).toContain('smtp.relay-readiness.com resolves through DNS only to 127.0.0.1');
  });

  it('smtp:test-connection of a saved Zendesk address names Zendesk and keeps the blockers on the address', async () => {
    const address = await createAddress('agent1@example.test');
    const report = await testStored(address.id, 'op_readiness_1');
    expect(report.ok).toBe(true);
    expect(report.platformReady).toBe(false);
    expect(report.blockers.map((b) => b.code)).toEqual(['host-not-public', 'certificate-not-public']);
    expect(report.blockers[0]?.message).toMatch(/^Zendesk connects to the server from the internet/u);
    const stored = services.store.getAddress(address.id);
    expect(stored?.lastTest).toMatchObject({ ok: true, platformReady: false });
    expect(stored?.lastTest?.blockers.map((b) => b.code)).toEqual(['host-not-public', 'certificate-not-public']);
  });

  it('an address finished with "continue anyway" carries that blocker until a test with the stored secret passes; the history keeps both', async () => {
    const address = await createAddress('agent2@example.test', 'in-progress');
    const completed = await dispatcher.dispatch('addresses:complete-setup', { id: address.id, proceedReason: 'Port 587 is blocked from the office network' });
    if (!completed.ok) throw new Error(completed.error.message);
    // A stored secret the server refuses: the test fails, so nothing is proven and the reason stays.
    const saved = await dispatcher.dispatch('vault:set-secret', { addressId: address.id, secret: 'not-the-Secret-1' });
    if (!saved.ok) throw new Error(saved.error.message);
    const failed = await testStored(address.id, 'op_readiness_2a');
    expect(failed.ok).toBe(false);
    expect(failed.blockers.map((b) => b.code)).toContain('continued-anyway');
    expect(failed.blockers.find((b) => b.code === 'continued-anyway')?.message).toContain('Port 587 is blocked from the office network');
    expect(services.store.getAddress(address.id)?.proceedReason).toBe('Port 587 is blocked from the office network');

    const restored = await dispatcher.dispatch('vault:set-secret', { addressId: address.id, secret: SECRET });
    if (!restored.ok) throw new Error(restored.error.message);
    const report = await testStored(address.id, 'op_readiness_2b');
    expect(report.ok).toBe(true);
    expect(report.blockers.map((b) => b.code)).toEqual(['host-not-public', 'certificate-not-public']);
    // The addresses table and the Status view read the address and its last test.
    const listed = await dispatcher.dispatch('addresses:list', {});
    if (!listed.ok) throw new Error(listed.error.message);
    const row = (listed.value as AddressView[]).find((a) => a.id === address.id);
    expect(row?.proceedReason).toBeNull();
    expect(row?.lastTest?.blockers.map((b) => b.code)).toEqual(['host-not-public', 'certificate-not-public']);
    const history = await dispatcher.dispatch('addresses:events', { addressId: address.id });
    if (!history.ok) throw new Error(history.error.message);
    const kinds = (history.value as Array<{ kind: string; detail: string }>).map((e) => e.kind);
    expect(kinds).toContain('continued-past-failure');
    expect(kinds).toContain('continue-anyway-proven');
    expect((history.value as Array<{ kind: string; detail: string }>).find((e) => e.kind === 'continue-anyway-proven')?.detail).toContain('Port 587 is blocked from the office network');
  });

  it('a passing connection test does not clear a reason given at the verification-email step', async () => {
    const address = await createAddress('agent4@example.test', 'in-progress');
    const reason = 'Verification email not accepted: the mailbox is not reachable from here';
    const completed = await dispatcher.dispatch('addresses:complete-setup', { id: address.id, proceedReason: reason });
    if (!completed.ok) throw new Error(completed.error.message);
    const report = await testStored(address.id, 'op_readiness_4');
    expect(report.ok).toBe(true);
    expect(report.blockers.map((b) => b.code)).toContain('continued-anyway');
    expect(services.store.getAddress(address.id)?.proceedReason).toBe(reason);
  });

  it('a test without a saved address never claims "continue anyway"', async () => {
    const answer = await dispatcher.dispatch('smtp:test-connection', {
      operationId: 'op_readiness_3',
      host: '127.0.0.1',
      port: peer.port,
      security: 'starttls',
      from: USER,
      pinSha256: pin,
      secret: SECRET,
      credentials,
    });
    if (!answer.ok) throw new Error(answer.error.message);
    const report = answer.value as ConnectionReport;
    expect(report.ok).toBe(true);
    expect(report.blockers.map((b) => b.code)).toEqual(['host-not-public', 'certificate-not-public']);
    expect(report.blockers[0]?.message).toMatch(/^The platform connects/u);
  });
});

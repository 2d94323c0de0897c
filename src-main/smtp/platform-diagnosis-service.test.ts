/**
 * A saved address's connection test speaks for its platform: a relay that refuses the
 * client by IP (a real smtp-server on 127.0.0.1 answering MAIL FROM with Postfix's
 * "Client host rejected") is diagnosed, for a Zendesk address, with Zendesk's IP
 * allowlist as the likely cause; the same reply for a generic address is not.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressView } from '../../src-preload/contract';
import type { ConnectionReport } from '../../src-preload/contract/smtp-schemas';
import { silentLogger } from '../log/logger';
import { createServices, type Services } from '../services';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { makeTempDir, memoryKeychain, type TempDir } from '../testing/transport-support';

const USER = 'support@example.test';
const SECRET = 'allowlist-Secret-7c2m';

let temp: TempDir;
let pki: TestPki;
let peer: SmtpPeer;
let dispatcher: ReturnType<Services['createDispatcher']>;

beforeAll(async () => {
  temp = await makeTempDir('platform-diagnosis');
  pki = createTestPki();
  peer = await startSmtpPeer({
    security: 'starttls',
    certificate: pki.selfSigned,
    account: { username: USER, secret: SECRET },
    rejectMailFrom: () => ({ code: 554, message: '5.7.1 <unknown[127.0.0.1]>: Client host rejected: Access denied' }),
  });
  const services = createServices({ dataDirectory: join(temp.path, 'data'), mode: 'cli', logger: silentLogger, keychain: async () => memoryKeychain(), validateOutput: true });
  dispatcher = services.createDispatcher();
  const pin = pki.selfSigned.fingerprint256.replace(/:/gu, '');
  const settings = await dispatcher.dispatch('settings:update', { patch: { pinnedCertificates: [{ host: '127.0.0.1', sha256: pin, pinnedAt: new Date().toISOString() }] } });
  if (!settings.ok) throw new Error(settings.error.message);
}, 60_000);

afterAll(async () => {
  await peer.close();
  pki.cleanup();
  await temp.remove();
}, 60_000);

async function testSaved(platform: string, address: string, platformSubdomain: string | null): Promise<ConnectionReport> {
  const created = await dispatcher.dispatch('addresses:create', {
    fields: { address, platform, environment: 'production', provider: 'custom', host: '127.0.0.1', port: peer.port, security: 'starttls', username: USER, authKind: 'password', platformSubdomain },
    secret: SECRET,
  });
  if (!created.ok) throw new Error(created.error.message);
  const id = (created.value as AddressView).id;
  const answer = await dispatcher.dispatch('smtp:test-connection', { operationId: `op_${platform}`, host: '127.0.0.1', port: peer.port, security: 'starttls', from: address, addressId: id, credentials: { kind: 'password', username: USER } });
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value as ConnectionReport;
}

describe('an IP refusal in a saved address\'s test', () => {
  it('for a Zendesk address, names the Zendesk allowlist with the account\'s IP list', async () => {
    const report = await testSaved('zendesk', 'support@zd-allowlist.test', 'acme');
    expect(report.auth?.accepted).toBe(true);
    expect(report.diagnosis?.code).toBe('client-host-rejected');
    expect(report.diagnosis?.cause).toMatch(/^Likely cause for a Zendesk address: /u);
    expect(report.diagnosis?.steps[0]).toContain('https://acme.zendesk.com/ips');
  });

  it('for a generic address, keeps the catalogue\'s words', async () => {
    const report = await testSaved('generic', 'support@generic-allowlist.test', null);
    expect(report.diagnosis?.code).toBe('client-host-rejected');
    expect(report.diagnosis?.cause).not.toMatch(/Zendesk/u);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlatforms, repositoryResourcesDir, type PlatformCatalog } from '../providers/platforms';
import { startSmtpPeer, type SmtpPeer } from '../testing/smtp-peer';
import { runTest } from '../testing/smtp-run';
import { createTestPki, type TestPki } from '../testing/tls-certs';
import { diagnoseFailure } from './diagnose-failure';
import { diagnosisForPlatform } from './platform-diagnosis';
import { loadReplyCatalogue, type ReplyCatalogue } from './reply-catalogue';

let catalogue: ReplyCatalogue;
let platforms: PlatformCatalog;
let pki: TestPki;
const peers: SmtpPeer[] = [];

beforeAll(async () => {
  const loaded = await loadReplyCatalogue(repositoryResourcesDir());
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  catalogue = loaded.catalogue;
  const p = await loadPlatforms(repositoryResourcesDir());
  if (!p.ok) throw new Error(p.problems.join('\n'));
  platforms = p.platforms;
  pki = createTestPki();
});
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
  pki.cleanup();
});

const refusal = (text: string, code: number) => {
  const [enhanced] = /\d\.\d{1,3}\.\d{1,3}/u.exec(text) ?? [null];
  return diagnoseFailure({ code: 'sender-rejected', phase: 'send-as', message: text, reply: { code, enhanced, text: `${code} ${text}`, lines: [`${code} ${text}`] }, errorCode: null }, catalogue);
};

describe('an IP or ACL refusal, said for a Zendesk address', () => {
  it('a relay refusing the client by IP names the Zendesk allowlist first, with the account’s IP list and how-to', async () => {
    const server = await startSmtpPeer({
      security: 'starttls',
      certificate: pki.leaf,
      offerAuth: false,
      rejectMailFrom: () => ({ code: 554, message: '5.7.1 <unknown[127.0.0.1]>: Client host rejected: Access denied' }),
    });
    peers.push(server);
    const report = await runTest({ host: '127.0.0.1', port: server.port, security: 'starttls', from: 'support@acme.test', credentials: null }, { ca: [pki.ca], catalogue });
    expect(report.diagnosis?.code).toBe('client-host-rejected');
    const diagnosis = report.diagnosis;
    if (diagnosis === null) throw new Error('no diagnosis');
    const said = diagnosisForPlatform(diagnosis, catalogue, platforms.get('zendesk'), 'acme');
    expect(said.cause).toMatch(/^Likely cause for a Zendesk address: .*Zendesk's outbound IPs are not on that allowlist/u);
    expect(said.steps[0]).toContain('https://acme.zendesk.com/ips');
    expect(said.steps[0]).toContain(platforms.get('zendesk')?.networkAllowlist?.docsUrl);
    // The catalogue's own steps follow.
    expect(said.steps.slice(1)).toEqual(report.diagnosis?.steps);
  });

  it.each([
    ['Relay access denied', '5.7.1 <user@other.example>: Relay access denied', 554],
    ['not permitted to relay', '5.7.1 Client is not permitted to relay', 550],
    ['554 access denied', '5.7.1 Access denied', 554],
    ['Microsoft 5.7.606', '5.7.606 Access denied, banned sending IP [203.0.113.5]. To request removal from this list please visit https://sender.office.com/', 550],
    ['Microsoft 5.7.708', '5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.', 550],
  ])('%s is an IP refusal: the allowlist is named', (_name, text, code) => {
    const said = diagnosisForPlatform(refusal(text, code), catalogue, platforms.get('zendesk'), null);
    expect(said.cause).toMatch(/^Likely cause for a Zendesk address/u);
    expect(said.steps[0]).toContain('https://yoursubdomain.zendesk.com/ips');
  });

  it('a wrong password is not an IP refusal: the diagnosis is unchanged', () => {
    const wrong = diagnoseFailure({ code: 'auth-rejected', phase: 'auth', message: 'x', reply: { code: 535, enhanced: '5.7.8', text: '535 5.7.8 Error: authentication failed', lines: [] }, errorCode: null }, catalogue);
    expect(diagnosisForPlatform(wrong, catalogue, platforms.get('zendesk'), 'acme')).toBe(wrong);
  });

  it('for a platform without a published allowlist the diagnosis is unchanged', () => {
    const d = refusal('5.7.1 Access denied', 554);
    expect(diagnosisForPlatform(d, catalogue, platforms.get('generic'), null)).toBe(d);
  });
});

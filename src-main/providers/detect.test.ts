/**
 * Autodetect against a real DNS server on 127.0.0.1 (src-main/testing/dns-test-server.ts)
 * through Relayproof's own resolver, with the repository's presets.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDnsServer, type TestDnsServer } from '../testing/dns-test-server';
import { rr, type Zone } from '../testing/dns-zone';
import { detectProvider, type DetectDeps } from './detect';
import { repositoryResourcesDir } from './platforms';
import { loadProviders } from './providers';
import { providerDetectReportSchema, type ProviderPreset } from '../../src-preload/contract/providers';

const zone = (origin: string, ...records: Zone['records'][number][]): Zone => ({ origin, records });

const zones: Zone[] = [
  zone('contoso.example', rr.mx('contoso.example', 0, 'contoso-example.mail.protection.outlook.com')),
  zone(
    'google.example',
    rr.mx('google.example', 1, 'aspmx.l.google.com'),
    rr.mx('google.example', 5, 'alt1.aspmx.l.google.com'),
    rr.mx('google.example', 10, 'aspmx2.googlemail.com'),
  ),
  zone('newgoogle.example', rr.mx('newgoogle.example', 1, 'smtp.google.com')),
  zone(
    'srv.example',
    rr.mx('srv.example', 10, 'mx.srv.example'),
    rr.srv('_submission._tcp.srv.example', 0, 1, 587, 'mail.srv.example'),
    rr.srv('_submissions._tcp.srv.example', 0, 1, 465, 'mail.srv.example'),
  ),
  zone('srvknown.example', rr.mx('srvknown.example', 0, 'srvknown-example.mail.protection.outlook.com'), rr.srv('_submission._tcp.srvknown.example', 0, 0, 587, 'smtp.office365.com')),
  zone('dot.example', rr.mx('dot.example', 10, 'mx.dot.example'), rr.srv('_submissions._tcp.dot.example', 0, 0, 0, '.')),
  zone('nomx.example', rr.a('nomx.example', '192.0.2.10')),
  zone('unknown.example', rr.mx('unknown.example', 10, 'mx1.mailhost.example.net')),
  zone('broken.example', rr.mx('broken.example', 10, 'mx.broken.example')),
  zone('ses.example', rr.mx('ses.example', 10, 'inbound-smtp.eu-west-1.amazonaws.com')),
  zone('gmail.com', rr.mx('gmail.com', 5, 'gmail-smtp-in.l.google.com')),
  zone('xn--bcher-kva.example', rr.mx('xn--bcher-kva.example', 1, 'aspmx.l.google.com')),
];

let server: TestDnsServer;
let presets: readonly ProviderPreset[];
let silent: Socket;
let silentAddress: string;

beforeAll(async () => {
  server = await startTestDnsServer({ zones });
  server.setFault('broken.example', { kind: 'servfail' }, 'MX');
  const loaded = await loadProviders(repositoryResourcesDir());
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  presets = loaded.providers;
  // A "resolver" that takes every question and never answers.
  silent = createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  silentAddress = `127.0.0.1:${silent.address().port}`;
});
afterAll(async () => {
  await server.close();
  silent.close();
});

async function detect(domain: string, options: Partial<DetectDeps> & { dnsServers?: string[] } = {}) {
  const { dnsServers = [server.address], ...deps } = options;
  const report = await detectProvider({ domain, dnsServers }, { presets, resolverOptions: { timeoutMs: 400, retries: 0 }, ...deps });
  // What the channel sends must satisfy the contract.
  expect(providerDetectReportSchema.safeParse(report).success).toBe(true);
  return report;
}

const brief = (report: Awaited<ReturnType<typeof detect>>) =>
  report.suggestions.map((s) => `${s.providerId} ${s.endpoint.host}:${s.endpoint.port}/${s.endpoint.security} ${s.confidence}`);

describe('provider autodetect', () => {
  it('recognises a Microsoft 365 domain by its mail.protection.outlook.com MX', async () => {
    const report = await detect('contoso.example');
    expect(report.mx).toEqual([{ exchange: 'contoso-example.mail.protection.outlook.com', priority: 0 }]);
    expect(brief(report)).toEqual(['microsoft-365 smtp.office365.com:587/starttls high']);
    expect(report.suggestions[0]?.reason).toContain('ends in mail.protection.outlook.com');
    expect(report.problems).toEqual([]);
  });

  it('recognises Google Workspace MX (aspmx.l.google.com and its alternates), with the relay service as a lesser option', async () => {
    const report = await detect('google.example');
    expect(report.mx.map((m) => m.exchange)).toEqual(['aspmx.l.google.com', 'alt1.aspmx.l.google.com', 'aspmx2.googlemail.com']);
    expect(brief(report)).toEqual(['google-workspace smtp.gmail.com:587/starttls high', 'google-smtp-relay smtp-relay.gmail.com:587/starttls medium']);
    expect(report.suggestions[0]?.reason).toContain('The MX record aspmx.l.google.com is aspmx.l.google.com');
    const single = await detect('newgoogle.example');
    expect(brief(single)[0]).toBe('google-workspace smtp.gmail.com:587/starttls high');
  });

  it('turns RFC 6186 SRV records into suggestions: _submissions as implicit TLS before _submission as STARTTLS', async () => {
    server.resetQueries();
    const report = await detect('srv.example');
    expect(server.queries.map((q) => `${q.type} ${q.name}`).sort()).toEqual(['MX srv.example', 'SRV _submission._tcp.srv.example', 'SRV _submissions._tcp.srv.example']);
    expect(report.srv).toEqual([
      { service: '_submissions._tcp', target: 'mail.srv.example', port: 465, priority: 0, weight: 1 },
      { service: '_submission._tcp', target: 'mail.srv.example', port: 587, priority: 0, weight: 1 },
    ]);
    expect(brief(report)).toEqual(['custom mail.srv.example:465/tls high', 'custom mail.srv.example:587/starttls high']);
    expect(report.problems).toEqual([]);
  });

  it('names the preset when an SRV target is a known provider host, and does not repeat it for the MX', async () => {
    const report = await detect('srvknown.example');
    expect(brief(report)).toEqual(['microsoft-365 smtp.office365.com:587/starttls high']);
    expect(report.suggestions[0]?.reason).toContain('that is Microsoft 365');
    expect(report.suggestions[0]?.endpoint.label).toBe('STARTTLS on port 587');
  });

  it('treats an SRV target of "." as "not offered"', async () => {
    const report = await detect('dot.example');
    expect(report.srv).toEqual([{ service: '_submissions._tcp', target: '.', port: 0, priority: 0, weight: 0 }]);
    expect(report.suggestions).toEqual([]);
    expect(report.problems.join('\n')).toContain('offers no implicit-TLS mail submission');
  });

  it('says plainly when a domain has no MX, does not exist, or has MX of an unknown host', async () => {
    const noMx = await detect('nomx.example');
    expect(noMx.suggestions).toEqual([]);
    expect(noMx.problems).toEqual(['nomx.example publishes no MX records, so nothing in DNS says who handles its mail. Choose the provider yourself.']);
    const missing = await detect('missing.nomx.example');
    expect(missing.problems[0]).toMatch(/^missing\.nomx\.example does not exist in DNS \(NXDOMAIN from 127\.0\.0\.1:\d+\)\. Check the spelling/u);
    const unknown = await detect('unknown.example');
    expect(unknown.suggestions).toEqual([]);
    expect(unknown.problems).toEqual([expect.stringContaining('(mx1.mailhost.example.net) do not belong to a provider Relayproof knows')]);
  });

  it('reports SERVFAIL as a problem and still answers', async () => {
    const report = await detect('broken.example');
    expect(report.suggestions).toEqual([]);
    expect(report.problems[0]).toMatch(/^Could not read the MX records of broken\.example: .*SERVFAIL/u);
  });

  it('returns with problems, not an exception, when the resolver never answers', async () => {
    const started = performance.now();
    const report = await detect('contoso.example', { dnsServers: [silentAddress] });
    // Three lookups in parallel, each one 400 ms try: well under three sequential timeouts.
    expect(performance.now() - started).toBeLessThan(1100);
    expect(report.suggestions).toEqual([]);
    expect(report.problems).toHaveLength(3);
    expect(report.problems[0]).toMatch(/^Could not read the MX records of contoso\.example: No answer for MX contoso\.example from 127\.0\.0\.1:\d+ within 400 ms/u);
    expect(report.problems[1]).toContain('_submissions._tcp.contoso.example');
  });

  it('stops at its overall deadline', async () => {
    const report = await detect('contoso.example', { dnsServers: [silentAddress], resolverOptions: { timeoutMs: 5000, retries: 0 }, deadlineMs: 300 });
    expect(report.problems).toHaveLength(3);
    expect(report.problems[0]).toMatch(/^No answer for (MX|SRV) .* so autodetect stopped waiting/u);
  });

  it('asks for a Unicode domain (or a whole address) in punycode', async () => {
    server.resetQueries();
    const report = await detect('support@Bücher.example');
    expect(report.domain).toBe('xn--bcher-kva.example');
    expect(server.queries.map((q) => q.name)).toContain('xn--bcher-kva.example');
    expect(brief(report)[0]).toBe('google-workspace smtp.gmail.com:587/starttls high');
  });

  it('picks the SES region its inbound MX names, and knows consumer mailbox domains', async () => {
    const ses = await detect('ses.example');
    expect(brief(ses)).toEqual(['amazon-ses email-smtp.eu-west-1.amazonaws.com:587/starttls medium']);
    const gmail = await detect('gmail.com');
    expect(brief(gmail)).toEqual(['gmail smtp.gmail.com:587/starttls high']);
  });

  it('refuses what is not a domain, or a bad DNS server, without asking anything', async () => {
    server.resetQueries();
    const report = await detect('not a domain');
    expect(report.problems).toEqual(['"not a domain" is not a domain name. Type the part of the address after the @, such as example.com.']);
    const badServer = await detect('contoso.example', { dnsServers: ['dns.example'] });
    expect(badServer.problems[0]).toContain('"dns.example" is not an IP address');
    expect(server.queries).toEqual([]);
  });
});

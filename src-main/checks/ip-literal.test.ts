/**
 * An IP literal (an SMTP host typed as `192.0.2.1` or `[::1]`, an EHLO address literal, a
 * forwarding address at `[192.0.2.1]`, an SPF macro that expands to the client IP) is an
 * address already: it goes straight to its PTR, and no check asks DNS for it as a name.
 * The test DNS server records every question it is asked.
 */
import { describe, expect, it } from 'vitest';
import { addressLiteral } from '../dns/names';
import { detectProvider } from '../providers/detect';
import { useTestDns } from '../testing/dns-fixture';
import { reverseName, rr } from '../testing/dns-zone';
import { checkForwarding } from './forwarding';
import { checkHelo } from './helo';
import { checkPtr } from './ptr';
import { checkSpf } from './spf';
import { checkItemSchema, type CheckDetailsOf, type CheckItem } from '../../src-preload/contract/checks-schemas';

const dns = useTestDns([
  { origin: '2.0.192.in-addr.arpa', records: [rr.ptr(reverseName('192.0.2.1'), 'mail.lit.test')] },
  { origin: 'ip6.arpa', records: [rr.ptr(reverseName('2001:db8::1'), 'mail6.lit.test')] },
  {
    origin: 'lit.test',
    records: [rr.a('mail.lit.test', '192.0.2.1'), rr.aaaa('mail6.lit.test', '2001:db8::1'), rr.txt('lit.test', 'v=spf1 a:%{i} -all'), rr.txt('exists.lit.test', 'v=spf1 exists:%{i} -all')],
  },
]);

/** Every question the server was asked for a name that is an IP literal. */
function literalQuestions(): string[] {
  return dns
    .server()
    .queries.filter((q) => addressLiteral(q.name.replace(/\.$/u, '')) !== null)
    .map((q) => `${q.type} ${q.name}`);
}

async function asked(run: () => Promise<CheckItem>): Promise<{ item: CheckItem; literal: string[]; questions: string[] }> {
  dns.server().resetQueries();
  const item = await run();
  expect(checkItemSchema.parse(item)).toEqual(item);
  return { item, literal: literalQuestions(), questions: dns.server().queries.map((q) => `${q.type} ${q.name}`) };
}

const resolver = () => dns.resolver();

describe('an IP literal is never looked up as a name', () => {
  const ptrCases = [
    { host: '192.0.2.1', ip: '192.0.2.1', name: 'mail.lit.test' },
    { host: '[192.0.2.1]', ip: '192.0.2.1', name: 'mail.lit.test' },
    { host: '[IPv6:2001:db8::1]', ip: '2001:db8::1', name: 'mail6.lit.test' },
    { host: '[2001:db8::1]', ip: '2001:db8::1', name: 'mail6.lit.test' },
  ];
  it.each(ptrCases)('PTR: the SMTP host $host goes straight to its PTR', async ({ host, ip, name }) => {
    const { item, literal, questions } = await asked(() => checkPtr({ domain: 'lit.test', resolver: resolver(), smtpHost: host }));
    expect(literal).toEqual([]);
    expect(questions[0]).toBe(`PTR ${reverseName(ip)}`);
    expect(item.status).toBe('pass');
    expect(item.evidence.details as CheckDetailsOf<'ptr'>).toMatchObject({ ip, source: 'smtp-host', names: [name], forwardConfirmed: true });
    expect(item.findings.find((f) => f.code === 'ptr-ip-from-host')?.message).toBe(`Checking ${ip}, the SMTP host given as an IP address; the IP your mail really leaves from can differ (give it with the sending IP).`);
  });

  const heloCases = [
    { name: '[192.0.2.1]', says: 'an address literal (RFC 5321 §4.1.3) instead of a host name: there is no name to look up' },
    { name: '[IPv6:2001:db8::1]', says: 'an address literal (RFC 5321 §4.1.3) instead of a host name: there is no name to look up' },
    { name: '192.0.2.1', says: 'a bare IP address instead of a host name (RFC 5321 allows an address only as a literal in brackets): there is no name to look up' },
  ];
  it.each(heloCases)('HELO: $name is an address literal, not a name to resolve', async ({ name, says }) => {
    const { item, questions } = await asked(() => checkHelo({ domain: 'lit.test', resolver: resolver(), name, source: 'ehlo', sendingIp: '192.0.2.1' }));
    expect(questions).toEqual([]);
    expect(item.status).toBe('fail');
    expect(item.findings.find((f) => f.code === 'helo-ip-literal')?.message).toContain(`The server says EHLO "${name}", ${says}`);
  });

  it('forwarding: an address at [192.0.2.1] is not looked up as MX or A', async () => {
    const { item, questions } = await asked(() =>
      checkForwarding({ domain: 'lit.test', resolver: resolver(), address: 'support@[192.0.2.1]', platformName: 'Zendesk', pattern: { addressPattern: 'support@{subdomain}.zendesk.com', domainSuffix: 'zendesk.com', singleHopOnly: true, note: 'Forward once.' } }),
    );
    expect(questions).toEqual([]);
    expect(item.status).toBe('fail');
    expect(item.findings.find((f) => f.code === 'forwarding-address-literal')?.message).toBe(
      'support@[192.0.2.1] is addressed to an IP address ([192.0.2.1]), not a domain: forward to your Zendesk address (support@{subdomain}.zendesk.com).',
    );
  });

  it.each(['lit.test', 'exists.lit.test'])('SPF: a macro of %s that expands to the client IP is a permerror, not an A query for the IP', async (domain) => {
    const { item, literal } = await asked(() => checkSpf({ domain, resolver: resolver(), client: { ip: '192.0.2.1' } }));
    expect(literal).toEqual([]);
    expect((item.evidence.details as CheckDetailsOf<'spf'>).verdict?.result).toBe('permerror');
  });

  it.each(['support@[192.0.2.1]', '192.0.2.1', '[::1]'])('provider autodetect: %s is not a domain to ask MX or SRV for', async (typed) => {
    dns.server().resetQueries();
    const report = await detectProvider({ domain: typed, dnsServers: [dns.server().address] }, { presets: [] });
    expect(dns.server().queries).toEqual([]);
    expect(report.problems[0]).toMatch(/is an IP address, not a domain name\. Type the domain of the address, such as example\.com\.$/u);
  });
});

import { describe, expect, it } from 'vitest';
import { useTestDns } from '../testing/dns-fixture';
import { rr } from '../testing/dns-zone';
import { checkHelo } from './helo';
import { checkItemSchema, type CheckItem } from '../../src-preload/contract/checks-schemas';

const dns = useTestDns([
  {
    origin: 'com',
    records: [rr.a('mail.example.com', '192.0.2.10'), rr.a('relay.example.com', '192.0.2.11'), rr.a('mail.elsewhere-example.com', '192.0.2.12')],
  },
]);

async function helo(name: string | undefined, sendingIp?: string): Promise<CheckItem> {
  const item = await checkHelo({ domain: 'example.com', resolver: dns.resolver(), name, source: 'ehlo', sendingIp });
  expect(checkItemSchema.parse(item)).toEqual(item);
  return item;
}

describe('HELO / banner name check', () => {
  it('passes a resolvable name in the sender domain', async () => {
    const item = await helo('mail.example.com', '192.0.2.10');
    expect(item.status).toBe('pass');
    expect(item.summary).toBe('The server says EHLO "mail.example.com", which resolves to 192.0.2.10.');
  });

  it.each([
    ['localhost', 'helo-localhost', 'The server says EHLO "localhost": receivers distrust (and some reject) a server that calls itself localhost. Configure its public name, such as mail.example.com.'],
    ['[192.0.2.10]', 'helo-ip-literal', 'The server says EHLO "[192.0.2.10]", an address literal (RFC 5321 §4.1.3) instead of a host name: there is no name to look up, and receivers treat that as low trust. Configure a name such as mail.example.com.'],
    ['mailserver', 'helo-not-fqdn', 'The server says EHLO "mailserver", which is not a fully qualified name (RFC 5321 §4.1.1.1). Configure a name such as mail.example.com.'],
    ['invalid.tld', 'helo-invalid-tld', 'The server says EHLO "invalid.tld", whose top-level domain ".tld" does not exist on the internet. Configure its public name.'],
    ['not.existing.example.com', 'helo-unresolvable', 'The server says EHLO "not.existing.example.com", but that name does not resolve (NXDOMAIN). Receivers expect a resolvable name (RFC 5321 §2.3.5).'],
  ])('"%s" fails (%s)', async (name, code, text) => {
    const item = await helo(name);
    expect(item.status).toBe('fail');
    expect(item.findings.map((f) => f.code)).toEqual([code]);
    expect(item.summary).toBe(text);
  });

  it('warns for another domain or another address', async () => {
    const other = await helo('mail.elsewhere-example.com');
    expect(other.status).toBe('warn');
    expect(other.summary).toBe("mail.elsewhere-example.com is not in example.com's domain; receivers trust a HELO name in the sender's own domain more (for example mail.example.com).");
    const mismatch = await helo('relay.example.com', '192.0.2.10');
    expect(mismatch.summary).toBe('relay.example.com resolves to 192.0.2.11, not to the sending IP 192.0.2.10.');
  });

  it('waits for the SMTP test when no name is known', async () => {
    const item = await helo(undefined);
    expect(item.status).toBe('needs-input');
  });
});

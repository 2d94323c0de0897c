import { describe, expect, it } from 'vitest';
import { useTestDns } from '../testing/dns-fixture';
import { rr } from '../testing/dns-zone';
import { checkMx } from './mx';
import { checkItemSchema, type CheckItem } from '../../src-preload/contract/checks-schemas';

const dns = useTestDns([
  {
    origin: 'test',
    records: [
      rr.mx('good.test', 10, 'mx1.good.test'),
      rr.mx('good.test', 20, 'mx2.good.test'),
      rr.a('mx1.good.test', '192.0.2.10'),
      rr.aaaa('mx2.good.test', '2001:db8::10'),
      rr.mx('ip.test', 10, '192.0.2.11'),
      rr.mx('alias.test', 10, 'mail.alias.test'),
      rr.cname('mail.alias.test', 'host.alias.test'),
      rr.a('host.alias.test', '192.0.2.12'),
      rr.mx('gone.test', 10, 'mail.gone.test.gone.test'),
      rr.mx('nullmx.test', 0, ''),
      rr.a('nomx.test', '192.0.2.13'),
    ],
  },
]);

async function mx(domain: string): Promise<CheckItem> {
  const item = await checkMx({ domain, resolver: dns.resolver() });
  expect(checkItemSchema.parse(item)).toEqual(item);
  return item;
}
const message = (item: CheckItem, code: string) => item.findings.find((f) => f.code === code)?.message ?? '';

describe('MX check', () => {
  it('passes resolvable mail hosts, in priority order', async () => {
    const item = await mx('good.test');
    expect(item.status).toBe('pass');
    expect(item.summary).toBe('2 mail servers: mx1.good.test (10), mx2.good.test (20).');
    expect(item.evidence.records).toEqual(['10 mx1.good.test', '20 mx2.good.test']);
  });

  it('an MX naming an IP address fails', async () => {
    const item = await mx('ip.test');
    expect(item.status).toBe('fail');
    expect(message(item, 'mx-ip-address')).toBe('MX 10 192.0.2.11 is an IP address; an MX must name a host (RFC 5321 §5.1), so many servers skip it.');
  });

  it('an MX pointing at a CNAME warns', async () => {
    const item = await mx('alias.test');
    expect(item.status).toBe('warn');
    expect(message(item, 'mx-cname')).toBe('mail.alias.test is a CNAME; RFC 2181 §10.3 says an MX must name the host itself. Most servers cope; point the MX at host.alias.test.');
  });

  it('an unresolvable MX fails and spots the doubled domain', async () => {
    const item = await mx('gone.test');
    expect(item.status).toBe('fail');
    expect(message(item, 'mx-unresolvable')).toBe(
      'mail.gone.test.gone.test has no address (it ends in gone.test twice: the DNS host appended the domain to a full name), so mail for gone.test cannot be delivered there.',
    );
  });

  it('a null MX or no MX fails; a missing domain fails', async () => {
    expect(message(await mx('nullmx.test'), 'mx-null')).toContain('publishes a null MX ("0 .")');
    expect(message(await mx('nomx.test'), 'mx-missing')).toBe('nomx.test has no MX record: replies to your support address go to its A record, if any (RFC 5321 §5.1), and usually bounce.');
    expect((await mx('missing.test')).findings[0]?.code).toBe('mx-domain-missing');
  });

  it('a timeout is an error, never a pass', async () => {
    dns.server().setFault('good.test', { kind: 'drop' }, 'MX');
    const item = await checkMx({ domain: 'good.test', resolver: dns.resolver({ timeoutMs: 100 }) });
    dns.server().setFault('good.test', null, 'MX');
    expect(item.status).toBe('error');
    expect(message(item, 'mx-lookup-failed')).toBe(`The MX records of good.test could not be read: No answer for MX good.test from ${dns.server().address} within 100 ms (1 try). Whether the record exists is unknown.`);
  });
});

import { describe, expect, it } from 'vitest';
import { spf } from 'mailauth/lib/spf';
import { useTestDns } from '../testing/dns-fixture';
import { rr } from '../testing/dns-zone';
import { toMailauthResolver } from './mailauth-resolver';
import type { DnsLookup } from '../../src-preload/contract/dns-schemas';

const dns = useTestDns([
  {
    origin: 'example.com',
    records: [
      rr.txt('example.com', 'v=spf1 ip4:192.0.2.0/24 mx -all'),
      rr.mx('example.com', 10, 'mail.example.com'),
      rr.a('mail.example.com', '198.51.100.5'),
      rr.txt('flaky.example.com', 'v=spf1 -all'),
    ],
  },
]);

describe('mailauth resolver adapter', () => {
  it("lets mailauth's SPF run over Relayproof's resolver, with every lookup recorded", async () => {
    const seen: DnsLookup[] = [];
    const resolver = toMailauthResolver(dns.resolver(), { onLookup: (l) => seen.push(l) });
    const result = await spf({ sender: 'support@example.com', ip: '198.51.100.5', helo: 'mail.example.com', mta: 'mx.test', resolver });
    expect(result.status.result).toBe('pass');
    expect(seen.map((l) => `${l.type} ${l.name}`)).toEqual(expect.arrayContaining(['TXT example.com', 'MX example.com', 'A mail.example.com']));
    expect(seen.every((l) => l.server === dns.server().address)).toBe(true);
  });

  it('answers in dns.promises shapes and fails with Node error codes', async () => {
    const resolver = toMailauthResolver(dns.resolver());
    expect(await resolver('example.com', 'TXT')).toEqual([['v=spf1 ip4:192.0.2.0/24 mx -all']]);
    expect(await resolver('example.com', 'MX')).toEqual([{ exchange: 'mail.example.com', priority: 10 }]);
    await expect(resolver('nothing.example.com', 'A')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver('mail.example.com', 'TXT')).rejects.toMatchObject({ code: 'ENODATA' });
    dns.server().setFault('flaky.example.com', { kind: 'servfail' });
    await expect(resolver('flaky.example.com', 'TXT')).rejects.toMatchObject({ code: 'ESERVFAIL', message: expect.stringContaining('answered SERVFAIL') });
    const temp = await spf({ sender: 'a@flaky.example.com', ip: '192.0.2.1', helo: 'x.example.com', mta: 'mx.test', resolver });
    expect(temp.status.result).toBe('temperror');
  });
});

import { describe, expect, it } from 'vitest';
import { useTestDns } from '../testing/dns-fixture';
import { reverseName, rr } from '../testing/dns-zone';
import { checkPtr, residentialHints } from './ptr';
import { checkItemSchema, type CheckDetailsOf, type CheckItem } from '../../src-preload/contract/checks-schemas';

const dns = useTestDns([
  {
    origin: '2.0.192.in-addr.arpa',
    records: [
      rr.ptr(reverseName('192.0.2.10'), 'mail.good.test'),
      rr.ptr(reverseName('192.0.2.30'), '30-2-0-192-cable-subscribers.isp.test'),
      rr.ptr(reverseName('192.0.2.40'), 'mail.other.test'),
      rr.ptr(reverseName('192.0.2.50'), 'dyn-pool-x.isp.test'),
      rr.ptr(reverseName('192.0.2.60'), 'mail.good.test'),
    ],
  },
  {
    origin: 'test',
    records: [
      rr.a('mail.good.test', '192.0.2.10'),
      rr.a('smtp.good.test', '192.0.2.10'),
      rr.a('30-2-0-192-cable-subscribers.isp.test', '192.0.2.30'),
      rr.a('mail.other.test', '192.0.2.99'),
      rr.a('dyn-pool-x.isp.test', '192.0.2.50'),
    ],
  },
]);

async function ptr(options: { ip?: string; smtpHost?: string }): Promise<CheckItem> {
  const item = await checkPtr({ domain: 'good.test', resolver: dns.resolver(), ...options });
  expect(checkItemSchema.parse(item)).toEqual(item);
  return item;
}
const details = (item: CheckItem) => item.evidence.details as CheckDetailsOf<'ptr'>;
const message = (item: CheckItem, code: string) => item.findings.find((f) => f.code === code)?.message ?? '';

describe('PTR / FCrDNS check', () => {
  it('passes a forward-confirmed name in the domain (queried as in-addr.arpa PTR)', async () => {
    const item = await ptr({ ip: '192.0.2.10' });
    expect(item.status).toBe('pass');
    expect(item.summary).toBe('192.0.2.10 → mail.good.test → 192.0.2.10: forward-confirmed reverse DNS.');
    expect(item.evidence.queries[0]).toMatchObject({ name: '10.2.0.192.in-addr.arpa', type: 'PTR', outcome: 'answer' });
  });

  it('a missing PTR fails with who must fix it', async () => {
    const item = await ptr({ ip: '192.0.2.20' });
    expect(item.status).toBe('fail');
    expect(message(item, 'ptr-missing')).toBe('192.0.2.20 has no PTR record (20.2.0.192.in-addr.arpa does not exist): receivers such as Zendesk trust mail from it less, and some reject it.');
    expect(item.fix?.records[0]).toMatchObject({ name: '20.2.0.192.in-addr.arpa', type: 'PTR', value: 'mail.good.test' });
    expect(item.fix?.steps[0]).toContain('Ask whoever owns 192.0.2.20');
  });

  it('a residential-looking name warns and says why', async () => {
    const item = await ptr({ ip: '192.0.2.30' });
    expect(item.status).toBe('warn');
    expect(details(item).residentialHints).toEqual(['contains "cable", "subscribers"', 'contains the IP address']);
    expect(message(item, 'ptr-generic-name')).toBe(
      '30-2-0-192-cable-subscribers.isp.test looks like a residential or generic pool name (contains "cable", "subscribers"; contains the IP address); receivers score such senders as likely spam. Ask the IP owner for a PTR in your own domain, such as mail.good.test.',
    );
    expect(residentialHints('dyn-pool-x.isp.test', '192.0.2.50')).toEqual(['contains "dyn", "pool"']);
    expect(residentialHints('mail.good.test', '192.0.2.10')).toEqual([]);
    expect(residentialHints('c0000232.example.net', '192.0.2.50')).toEqual(['contains the IP address']);
  });

  it('an FCrDNS mismatch fails with both directions shown', async () => {
    const item = await ptr({ ip: '192.0.2.40' });
    expect(item.status).toBe('fail');
    expect(details(item).forwardConfirmed).toBe(false);
    expect(message(item, 'ptr-fcrdns-mismatch')).toBe(
      '192.0.2.40 has PTR mail.other.test, but that name does not resolve back to 192.0.2.40 (mail.other.test → 192.0.2.99): forward-confirmed reverse DNS fails.',
    );
  });

  it("uses the SMTP host's address when no IP is given, and waits for input otherwise", async () => {
    const fromHost = await ptr({ smtpHost: 'smtp.good.test' });
    expect(fromHost.status).toBe('pass');
    expect(details(fromHost)).toMatchObject({ ip: '192.0.2.10', source: 'smtp-host' });
    const none = await ptr({});
    expect(none.status).toBe('needs-input');
    expect(none.summary).toBe('Give the sending IP (or the SMTP host) to check its reverse DNS.');
  });

  it('a SERVFAIL on the reverse zone is an error', async () => {
    dns.server().setFault(reverseName('192.0.2.60'), { kind: 'servfail' });
    const item = await ptr({ ip: '192.0.2.60' });
    expect(item.status).toBe('error');
    expect(message(item, 'ptr-lookup-failed')).toContain('answered SERVFAIL for PTR 60.2.0.192.in-addr.arpa');
  });
});

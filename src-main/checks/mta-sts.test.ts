import { describe, expect, it } from 'vitest';
import { useTestDns } from '../testing/dns-fixture';
import { rr } from '../testing/dns-zone';
import { checkMtaSts, parseStsPolicy } from './mta-sts';
import { checkItemSchema, type CheckDetailsOf, type CheckItem } from '../../src-preload/contract/checks-schemas';

const dns = useTestDns([
  {
    origin: 'test',
    records: [
      rr.txt('_mta-sts.good.test', 'v=STSv1; id=20261123T01'),
      rr.a('mta-sts.good.test', '192.0.2.80'),
      rr.mx('good.test', 10, 'mx1.good.test'),
      rr.mx('good.test', 20, 'backup.other.test'),
      rr.txt('_mta-sts.badid.test', 'v=STSv1; id=2026-11-23!'),
      rr.a('mta-sts.badid.test', '192.0.2.81'),
      rr.txt('_mta-sts.nohost.test', 'v=STSv1; id=1'),
    ],
  },
]);

async function sts(domain: string, fetchPolicy?: (url: string) => Promise<string>): Promise<CheckItem> {
  const item = await checkMtaSts({ domain, resolver: dns.resolver(), fetchPolicy });
  expect(checkItemSchema.parse(item)).toEqual(item);
  return item;
}
const message = (item: CheckItem, code: string) => item.findings.find((f) => f.code === code)?.message ?? '';

describe('MTA-STS check', () => {
  it('checks the TXT record and does not fetch the policy unless asked', async () => {
    const item = await sts('good.test');
    expect(item.status).toBe('pass');
    expect(item.summary).toBe('MTA-STS is published (id=20261123T01).');
    expect(message(item, 'mta-sts-policy-not-fetched')).toBe('The HTTPS policy file was not fetched (Relayproof only reads DNS here).');
  });

  it('with an injected fetch, compares the policy mx lines with the MX hosts', async () => {
    const urls: string[] = [];
    const item = await sts('good.test', async (url) => {
      urls.push(url);
      return 'version: STSv1\r\nmode: enforce\r\nmx: *.good.test\r\nmax_age: 604800\r\n';
    });
    expect(urls).toEqual(['https://mta-sts.good.test/.well-known/mta-sts.txt']);
    expect(item.status).toBe('fail');
    expect(message(item, 'mta-sts-mx-not-covered')).toBe("The policy's mx lines do not cover backup.other.test; in enforce mode senders refuse to deliver there.");
    expect((item.evidence.details as CheckDetailsOf<'mta-sts'>).policy).toEqual({ mode: 'enforce', mx: ['*.good.test'], maxAge: 604800 });
  });

  it('rejects a bad id, a missing policy host, and warns when absent', async () => {
    expect(message(await sts('badid.test'), 'mta-sts-bad-id')).toBe('id=2026-11-23!: the id must be 1-32 letters and digits, changed whenever the policy changes (RFC 8461 §3.1).');
    expect((await sts('nohost.test')).findings.map((f) => f.code)).toContain('mta-sts-no-policy-host');
    const missing = await sts('none.test');
    expect(missing.status).toBe('warn');
    expect(missing.fix?.records[0]?.name).toBe('_mta-sts.none.test');
    expect(parseStsPolicy('version: STSv1\nmode: sometimes\nmax_age: 99999999999\n').problems).toEqual([
      'mode is "sometimes"; use enforce, testing or none',
      'max_age must be a number of seconds up to 31557600',
      'no mx: lines, so no server matches',
    ]);
  });
});

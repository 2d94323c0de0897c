import { describe, expect, it } from 'vitest';
import { useTestDns } from '../testing/dns-fixture';
import { rr } from '../testing/dns-zone';
import { checkBimi } from './bimi';
import { checkItemSchema } from '../../src-preload/contract/checks-schemas';

const dns = useTestDns([
  {
    origin: 'test',
    records: [
      rr.txt('default._bimi.good.test', 'v=BIMI1; l=https://good.test/logo.svg; a=https://good.test/vmc.pem'),
      rr.txt('_dmarc.good.test', 'v=DMARC1; p=reject'),
      rr.txt('default._bimi.weak.test', 'v=BIMI1; l=http://weak.test/logo.png'),
      rr.txt('_dmarc.weak.test', 'v=DMARC1; p=none'),
    ],
  },
]);

describe('BIMI check (informational)', () => {
  it('passes a logo with enforced DMARC, warns otherwise, and is optional when absent', async () => {
    const good = await checkBimi({ domain: 'good.test', resolver: dns.resolver() });
    expect(checkItemSchema.parse(good)).toEqual(good);
    expect(good).toMatchObject({ status: 'pass', importance: 'optional', summary: 'BIMI logo published with a mark certificate.' });
    const weak = await checkBimi({ domain: 'weak.test', resolver: dns.resolver() });
    expect(weak.status).toBe('warn');
    expect(weak.findings.map((f) => f.code)).toEqual(['bimi-bad-logo', 'bimi-needs-dmarc']);
    const none = await checkBimi({ domain: 'none.test', resolver: dns.resolver() });
    expect(none).toMatchObject({ status: 'pass', summary: 'No BIMI record at default._bimi.none.test. BIMI is optional: it shows your logo in some mailboxes.' });
  });
});

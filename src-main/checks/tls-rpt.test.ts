import { describe, expect, it } from 'vitest';
import { useTestDns } from '../testing/dns-fixture';
import { rr } from '../testing/dns-zone';
import { checkItemSchema } from '../../src-preload/contract/checks-schemas';
import { checkTlsRpt } from './tls-rpt';

const dns = useTestDns([
  {
    origin: 'test',
    records: [
      rr.txt('_smtp._tls.good.test', 'v=TLSRPTv1; rua=mailto:tls@good.test,https://reports.good.test/tlsrpt'),
      rr.txt('_smtp._tls.bad.test', 'v=TLSRPTv1; rua=tls@bad.test'),
      rr.txt('_smtp._tls.two.test', 'v=TLSRPTv1; rua=mailto:a@two.test'),
      rr.txt('_smtp._tls.two.test', 'v=TLSRPTv1; rua=mailto:b@two.test'),
      rr.txt('_smtp._tls.hidden.test', 'v=TLSRPTv1; rua=mailto:tls@\u202Eelpmaxe.test'),
    ],
  },
]);

describe('TLS-RPT check', () => {
  it('warns about hidden or look-alike characters in the record', async () => {
    const hidden = await checkTlsRpt({ domain: 'hidden.test', resolver: dns.resolver() });
    expect(hidden.status).toBe('warn');
    expect(hidden.findings.map((f) => f.code)).toContain('tls-rpt-hidden-characters');
  });

  it('passes mailto: and https: destinations and names a bad one', async () => {
    const good = await checkTlsRpt({ domain: 'good.test', resolver: dns.resolver() });
    expect(checkItemSchema.parse(good)).toEqual(good);
    expect(good.status).toBe('pass');
    expect(good.summary).toBe('TLS reports go to mailto:tls@good.test, https://reports.good.test/tlsrpt.');
    const bad = await checkTlsRpt({ domain: 'bad.test', resolver: dns.resolver() });
    expect(bad.status).toBe('fail');
    expect(bad.summary).toBe('rua=tls@bad.test must be a mailto: or https: URI (RFC 8460 §3).');
    expect((await checkTlsRpt({ domain: 'two.test', resolver: dns.resolver() })).findings[0]?.code).toBe('tls-rpt-multiple');
    const none = await checkTlsRpt({ domain: 'none.test', resolver: dns.resolver() });
    expect(none.status).toBe('warn');
    expect(none.fix?.records[0]).toMatchObject({ nameRelative: '_smtp._tls', value: 'v=TLSRPTv1; rua=mailto:tls-reports@none.test' });
  });
});

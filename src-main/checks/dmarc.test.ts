import { describe, expect, it } from 'vitest';
import { useTestDns } from '../testing/dns-fixture';
import { rr } from '../testing/dns-zone';
import { checkDmarc, treeWalkTargets } from './dmarc';
import { analyzeDmarcRecord } from './dmarc-record';
import { checkItemSchema, type CheckDetailsOf, type CheckItem } from '../../src-preload/contract/checks-schemas';

const dns = useTestDns([
  {
    // Parent zone: every other *.test name is NXDOMAIN, as on the internet.
    origin: 'test',
    records: [
      rr.txt('_dmarc.good.test', 'v=DMARC1; p=reject; rua=mailto:dmarc@good.test; adkim=s'),
      rr.txt('_dmarc.typo.test', 'v=DMARC1; p=rejectt; rua=mailto:d@typo.test'),
      rr.txt('_dmarc.pct.test', 'v=DMARC1; p=quarantine; pct=150; rua=mailto:d@pct.test'),
      rr.txt('_dmarc.nomailto.test', 'v=DMARC1; p=none; rua=reports@nomailto.test'),
      rr.txt('_dmarc.align.test', 'v=DMARC1; p=reject; adkim=x; rua=mailto:d@align.test'),
      rr.txt('_dmarc.ext.test', 'v=DMARC1; p=quarantine; rua=mailto:agg@reports.example.net'),
      rr.txt('_dmarc.extno.test', 'v=DMARC1; p=quarantine; rua=mailto:agg@reports.example.net,mailto:me@extno.test'),
      rr.txt('_dmarc.bis.test', 'v=DMARC1; p=reject; np=reject; psd=n; t=y; rf=afrf; ri=86400; rua=mailto:d@bis.test'),
      rr.txt('_dmarc.walk.test', 'v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@walk.test'),
      rr.a('support.walk.test', '192.0.2.1'),
      rr.txt('_dmarc.two.test', 'v=DMARC1; p=none'),
      rr.txt('_dmarc.two.test', 'v=DMARC1; p=reject'),
      rr.txt('_dmarc.none.test', 'v=DMARC1; p=none; rua=mailto:d@none.test'),
      rr.txt('_dmarc.flaky.test', 'v=DMARC1; p=reject'),
      rr.a('nodmarc.test', '192.0.2.2'),
    ],
  },
  { origin: 'example.net', records: [rr.txt('ext.test._report._dmarc.reports.example.net', 'v=DMARC1')] },
]);

async function dmarc(domain: string): Promise<CheckItem> {
  const item = await checkDmarc({ domain, resolver: dns.resolver(), alignmentNote: 'Zendesk signs with d=your domain.' });
  expect(checkItemSchema.parse(item)).toEqual(item);
  return item;
}
const details = (item: CheckItem) => item.evidence.details as CheckDetailsOf<'dmarc'>;
const message = (item: CheckItem, code: string) => item.findings.find((f) => f.code === code)?.message ?? '';
const subject = (item: CheckItem, code: string) => item.findings.find((f) => f.code === code)?.subject;

describe('DMARC check', () => {
  it('passes an enforced policy and explains alignment', async () => {
    const item = await dmarc('good.test');
    expect(item.status).toBe('pass');
    expect(item.summary).toBe('Policy reject: mail failing DMARC is refused.');
    expect(message(item, 'dmarc-alignment')).toBe(
      'Alignment: DKIM strict, SPF relaxed (the signing domain must equal the From domain). Zendesk signs with d=your domain.',
    );
    expect(details(item)).toMatchObject({ policyDomain: 'good.test', policy: 'reject', tags: { adkim: 's' } });
  });

  it('p=rejectt fails on that exact tag and offers the corrected record', async () => {
    const item = await dmarc('typo.test');
    expect(item.status).toBe('fail');
    expect(subject(item, 'dmarc-invalid-p')).toBe('p=rejectt');
    expect(message(item, 'dmarc-invalid-p')).toBe(
      'p=rejectt is not a policy (did you mean p=reject?): the domain policy must be none, quarantine or reject. Receivers treat the record as p=none when rua= is valid, and ignore it otherwise (RFC 9989 §4.10.1).',
    );
    expect(item.fix?.records[0]).toMatchObject({ action: 'replace', nameRelative: '_dmarc', value: 'v=DMARC1; p=reject; rua=mailto:d@typo.test', replaces: 'v=DMARC1; p=rejectt; rua=mailto:d@typo.test' });
  });

  it('pct=150 is out of range, and pct is removed by DMARCbis', async () => {
    const item = await dmarc('pct.test');
    expect(item.status).toBe('fail');
    expect(message(item, 'dmarc-invalid-pct')).toBe('pct=150 is out of range: it must be a whole number from 0 to 100 (RFC 7489 §6.3), so older receivers ignore the whole record.');
    expect(message(item, 'dmarc-removed-pct')).toBe('pct= was removed by DMARCbis (RFC 9989); current receivers ignore it. Use t=y while testing instead. Remove it.');
    expect(item.fix?.records[0]?.value).toBe('v=DMARC1; p=quarantine; rua=mailto:d@pct.test');
  });

  it('rua without mailto: fails with the fixed URI', async () => {
    const item = await dmarc('nomailto.test');
    expect(item.status).toBe('fail');
    expect(subject(item, 'dmarc-rua-without-mailto')).toBe('rua=reports@nomailto.test');
    expect(message(item, 'dmarc-rua-without-mailto')).toBe('rua=reports@nomailto.test is missing "mailto:": write rua=mailto:reports@nomailto.test. Without it no reports are sent.');
  });

  it('adkim=x is invalid', async () => {
    const item = await dmarc('align.test');
    expect(item.status).toBe('fail');
    expect(message(item, 'dmarc-invalid-adkim')).toBe('adkim=x is invalid: use adkim=r (relaxed, the default) or adkim=s (strict). Receivers ignore the tag and use relaxed.');
  });

  it('an external report destination is authorised by <domain>._report._dmarc.<destination>', async () => {
    const ok = await dmarc('ext.test');
    expect(ok.status).toBe('pass');
    expect(details(ok).destinations).toEqual([
      { tag: 'rua', uri: 'mailto:agg@reports.example.net', domain: 'reports.example.net', external: true, authorized: true, checkedName: 'ext.test._report._dmarc.reports.example.net' },
    ]);
    const missing = await dmarc('extno.test');
    expect(missing.status).toBe('warn');
    expect(message(missing, 'dmarc-external-unauthorized')).toBe(
      'Reports to agg@reports.example.net will not be sent: reports.example.net does not publish extno.test._report._dmarc.reports.example.net (v=DMARC1), which authorises it to receive extno.test\'s reports (RFC 9990 §3).',
    );
    expect(details(missing).destinations[1]).toMatchObject({ domain: 'extno.test', external: false, authorized: null });
  });

  it('parses DMARCbis tags and flags rf/ri as removed and t=y as testing', async () => {
    const item = await dmarc('bis.test');
    expect(item.status).toBe('warn');
    expect(details(item).tags).toMatchObject({ np: 'reject', psd: 'n', t: 'y' });
    expect(details(item).testing).toBe(true);
    expect(item.findings.filter((f) => f.severity === 'warn').map((f) => f.code)).toEqual(['dmarc-removed-rf', 'dmarc-removed-ri', 'dmarc-testing']);
    expect(analyzeDmarcRecord('v=DMARC1; p=reject; np=quarantine').nonexistentPolicy).toBe('quarantine');
  });

  it('a subdomain without a record inherits its parent policy through the DNS tree walk', async () => {
    const item = await dmarc('support.walk.test');
    expect(item.status).toBe('pass');
    expect(details(item)).toMatchObject({ policyDomain: 'walk.test', orgDomain: 'walk.test', policy: 'quarantine' });
    expect(message(item, 'dmarc-inherited')).toBe('No record at _dmarc.support.walk.test; receivers apply the record of walk.test (sp=quarantine for subdomains).');
    expect(treeWalkTargets('a.b.c.d.e.f.g.h.i.j.mail.example.com')).toEqual(['g.h.i.j.mail.example.com', 'h.i.j.mail.example.com', 'i.j.mail.example.com', 'j.mail.example.com', 'mail.example.com', 'example.com', 'com']);
  });

  it('no record anywhere fails with the record to publish and the rollout', async () => {
    const item = await dmarc('nodmarc.test');
    expect(item.status).toBe('fail');
    expect(message(item, 'dmarc-missing')).toContain('nodmarc.test has no DMARC record (nor does any parent domain)');
    expect(item.fix?.records[0]).toMatchObject({ action: 'add', name: '_dmarc.nodmarc.test', nameRelative: '_dmarc', value: 'v=DMARC1; p=none; rua=mailto:dmarc-reports@nodmarc.test' });
    expect(item.fix?.steps[1]).toBe('Start with p=none and read the aggregate reports for 2-4 weeks; then move to p=quarantine, then p=reject.');
  });

  it('two records are discarded by receivers', async () => {
    const item = await dmarc('two.test');
    expect(item.status).toBe('fail');
    expect(message(item, 'dmarc-multiple-records')).toBe('_dmarc.two.test has 2 DMARC records; receivers discard all of them (RFC 9989 §4.10) and treat two.test as if it had none. Keep one.');
  });

  it('p=none is monitoring only: a warning with the next step', async () => {
    const item = await dmarc('none.test');
    expect(item.status).toBe('warn');
    expect(message(item, 'dmarc-monitoring-only')).toContain('The policy is none: receivers only report');
    expect(item.fix?.records[0]?.value).toBe('v=DMARC1; p=quarantine; rua=mailto:d@none.test');
  });

  it('a resolver fault is an error', async () => {
    dns.server().setFault('_dmarc.flaky.test', { kind: 'refused' });
    const item = await dmarc('flaky.test');
    expect(item.status).toBe('error');
    expect(message(item, 'dmarc-lookup-failed')).toContain('answered REFUSED for TXT _dmarc.flaky.test');
  });
});

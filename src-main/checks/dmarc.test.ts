import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryResourcesDir } from '../providers/platforms';
import { useTestDns } from '../testing/dns-fixture';
import { rr } from '../testing/dns-zone';
import { checkDkim } from './dkim';
import { checkDmarc, treeWalkTargets, type DmarcAlignment, type DmarcCheckOptions } from './dmarc';
import { analyzeDmarcRecord } from './dmarc-record';
import { checkSpf } from './spf';
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
      // A broken domain: SPF includes a name without SPF (permerror), no DKIM key, no DMARC.
      rr.txt('broken.test', 'v=spf1 include:gone.test -all'),
      rr.txt('_dmarc.reject.test', 'v=DMARC1; p=reject; rua=mailto:d@reject.test'),
      rr.txt('_dmarc.quarantine.test', 'v=DMARC1; p=quarantine; rua=mailto:d@quarantine.test'),
      rr.txt('_dmarc.trial.test', 'v=DMARC1; p=quarantine; t=y; rua=mailto:d@trial.test'),
      rr.txt('_dmarc.subtypo.test', 'v=DMARC1; p=reject; sp=nonee; rua=mailto:d@subtypo.test'),
    ],
  },
  { origin: 'example.net', records: [rr.txt('ext.test._report._dmarc.reports.example.net', 'v=DMARC1')] },
]);

async function dmarc(domain: string, extra: Partial<DmarcCheckOptions> = {}): Promise<CheckItem> {
  const item = await checkDmarc({ domain, resolver: dns.resolver(), alignmentNote: 'Zendesk signs with d=your domain.', ...extra });
  expect(checkItemSchema.parse(item)).toEqual(item);
  return item;
}
const details = (item: CheckItem) => item.evidence.details as CheckDetailsOf<'dmarc'>;
const message = (item: CheckItem, code: string) => item.findings.find((f) => f.code === code)?.message ?? '';
const subject = (item: CheckItem, code: string) => item.findings.find((f) => f.code === code)?.subject;
const aligned = (spf: DmarcAlignment['spf'], dkim: DmarcAlignment['dkim']) => () => Promise.resolve<DmarcAlignment>({ spf, dkim });
/** Records the item offers to paste now: never stricter than what receivers apply today. */
const pasted = (item: CheckItem) => item.fix?.records.filter((r) => r.action !== 'remove').map((r) => r.value) ?? [];

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
    // Receivers apply p=none today: the correction keeps it, and p=reject is a later stage.
    expect(item.fix?.records[0]).toMatchObject({ action: 'replace', nameRelative: '_dmarc', value: 'v=DMARC1; p=none; rua=mailto:d@typo.test', replaces: 'v=DMARC1; p=rejectt; rua=mailto:d@typo.test' });
    expect(item.fix?.steps).toContain(
      'The corrected record keeps p=none, which is what receivers apply today: moving straight to p=reject would act on mail nobody has seen pass DMARC yet. Reach p=reject through the stages below.',
    );
    expect(item.fix?.steps.some((s) => s.startsWith('Stage 3, p=reject: ') && s.includes('v=DMARC1; p=reject; rua=mailto:d@typo.test'))).toBe(true);
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
    expect(item.fix?.steps[1]).toBe(
      "Stage 1, p=none (now): receivers only send aggregate reports to rua= and block nothing. This route's mail is not proven to pass SPF or DKIM aligned (SPF aligned: unknown, DKIM aligned: unknown): a stricter policy now would send it to spam or have it refused.",
    );
    expect(item.fix?.steps[2]).toBe(
      'Stage 2, p=quarantine: after 2–4 weeks of aggregate reports show every legitimate source (this platform, your own mail server, newsletters, billing) passing SPF or DKIM aligned, replace the record with: v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@nodmarc.test. First confirm with a verification email that this route\'s mail passes SPF or DKIM aligned.',
    );
    expect(item.fix?.steps[3]).toBe(
      'Stage 3, p=reject: after another 2–4 weeks under quarantine in which the reports show nothing legitimate failing, replace the record with: v=DMARC1; p=reject; rua=mailto:dmarc-reports@nodmarc.test.',
    );
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
    // The next stage is a step with its condition, not a record to paste now.
    expect(item.fix?.records).toEqual([]);
    expect(item.fix?.steps[0]).toContain('Stage 2, p=quarantine: after 2–4 weeks of aggregate reports show every legitimate source');
    expect(item.fix?.steps[0]).toContain('replace the record with: v=DMARC1; p=quarantine; rua=mailto:d@none.test.');
  });

  it('a resolver fault is an error', async () => {
    dns.server().setFault('_dmarc.flaky.test', { kind: 'refused' });
    const item = await dmarc('flaky.test');
    expect(item.status).toBe('error');
    expect(message(item, 'dmarc-lookup-failed')).toContain('answered REFUSED for TXT _dmarc.flaky.test');
  });
});

describe('DMARC advice never makes delivery worse', () => {
  const clientTether = async (): Promise<string> => {
    const preset = JSON.parse(await readFile(join(repositoryResourcesDir(), 'platforms', 'clienttether.json'), 'utf8')) as { dmarc: { recommended: string } };
    return preset.dmarc.recommended;
  };

  /** The alignment of broken.test's mail as the SPF verdict and the DKIM check on the same server see it. */
  const brokenAlignment = async (): Promise<DmarcAlignment> => {
    const [spf, dkim] = await Promise.all([
      checkSpf({ domain: 'broken.test', resolver: dns.resolver(), client: { ip: '192.0.2.7' } }),
      checkDkim({ domain: 'broken.test', selector: 'relay1', resolver: dns.resolver() }),
    ]);
    const verdict = (spf.evidence.details as CheckDetailsOf<'spf'>).verdict;
    return { spf: verdict?.result === 'pass' ? 'pass' : 'fail', dkim: dkim.status === 'pass' ? 'pass' : 'fail', detail: `SPF ${verdict?.result ?? 'unknown'}, no DKIM key at relay1` };
  };

  const noRecordCases: ReadonlyArray<{ name: string; domain: string; alignment?: () => Promise<DmarcAlignment>; recommended?: () => Promise<string>; now: string; why: string }> = [
    {
      name: 'broken SPF and no DKIM key',
      domain: 'broken.test',
      alignment: brokenAlignment,
      now: 'v=DMARC1; p=none; rua=mailto:dmarc-reports@broken.test',
      why: "This route's mail is not proven to pass SPF or DKIM aligned (SPF aligned: fail, DKIM aligned: fail; SPF permerror, no DKIM key at relay1)",
    },
    {
      name: 'the ClientTether preset (p=quarantine) with alignment unknown',
      domain: 'nodmarc.test',
      recommended: clientTether,
      now: 'v=DMARC1; p=none; rua=mailto:postmaster@nodmarc.test; ruf=mailto:postmaster@nodmarc.test; fo=1',
      why: "This route's mail is not proven to pass SPF or DKIM aligned",
    },
    {
      name: 'the ClientTether preset with SPF and DKIM both passing',
      domain: 'nodmarc.test',
      alignment: aligned('pass', 'pass'),
      recommended: clientTether,
      now: 'v=DMARC1; p=none; rua=mailto:postmaster@nodmarc.test; ruf=mailto:postmaster@nodmarc.test; fo=1',
      why: "This route's mail passes SPF and DKIM aligned, but other services may send as nodmarc.test",
    },
  ];

  it.each(noRecordCases)('no record, $name: the record to paste now is p=none with rua=', async ({ domain, alignment, recommended, now, why }) => {
    const item = await dmarc(domain, { ...(alignment ? { alignment } : {}), ...(recommended ? { recommended: await recommended() } : {}) });
    expect(item.status).toBe('fail');
    expect(pasted(item)).toEqual([now]);
    for (const value of pasted(item)) expect(value).not.toMatch(/quarantine|reject/u);
    expect(item.fix?.steps[0]).toBe(`Publish a TXT record named "_dmarc" with: ${now}`);
    expect(item.fix?.steps[1]).toContain(why);
  });

  it("the ClientTether preset's p=quarantine is offered as the later stage, as text", async () => {
    const recommended = await clientTether();
    expect(recommended).toContain('p=quarantine');
    const item = await dmarc('nodmarc.test', { recommended });
    const stage2 = item.fix?.steps.find((s) => s.startsWith('Stage 2'));
    expect(stage2).toContain("Stage 2, p=quarantine (the platform's recommended record): after 2–4 weeks of aggregate reports");
    expect(stage2).toContain(recommended.replaceAll('{domain}', 'nodmarc.test'));
    expect(item.fix?.steps.find((s) => s.startsWith('Stage 3'))).toContain('v=DMARC1; p=reject; rua=mailto:postmaster@nodmarc.test; ruf=mailto:postmaster@nodmarc.test; fo=1');
    expect(item.fix?.steps.at(-1)).toContain('t=y');
  });

  const enforced: ReadonlyArray<{ name: string; domain: string; alignment: () => Promise<DmarcAlignment>; risky: boolean }> = [
    { name: 'reject, SPF and DKIM failing', domain: 'reject.test', alignment: aligned('fail', 'fail'), risky: true },
    { name: 'reject, SPF failing, DKIM unknown', domain: 'reject.test', alignment: aligned('fail', 'unknown'), risky: true },
    { name: 'reject, SPF failing, DKIM passing', domain: 'reject.test', alignment: aligned('fail', 'pass'), risky: false },
    { name: 'reject, both unknown', domain: 'reject.test', alignment: aligned('unknown', 'unknown'), risky: false },
    { name: 'quarantine, DKIM failing, SPF unknown', domain: 'quarantine.test', alignment: aligned('unknown', 'fail'), risky: true },
    { name: 'quarantine in testing (t=y: applied as none), both failing', domain: 'trial.test', alignment: aligned('fail', 'fail'), risky: false },
  ];

  it.each(enforced)('an existing enforcing policy is kept: $name', async ({ domain, alignment, risky }) => {
    const item = await dmarc(domain, { alignment });
    // Never weakened: nothing to paste replaces the enforcing record.
    expect(pasted(item)).toEqual([]);
    const flag = item.findings.find((f) => f.code === 'dmarc-policy-risky');
    expect(flag?.severity).toBe(risky ? 'warn' : undefined);
    if (risky) {
      expect(item.status).toBe('warn');
      expect(flag?.message).toMatch(/^The policy is (reject|quarantine), but this route's mail passes neither SPF nor DKIM aligned/u);
      expect(flag?.message).toContain('Fix alignment first; do not lower the policy unless mail is being lost.');
      expect(item.fix?.steps.some((s) => s.startsWith('Keep p=') && s.includes('publish p=none temporarily, note why'))).toBe(true);
    }
  });

  it('existing reject with failing alignment says what receivers will do with the mail', async () => {
    const item = await dmarc('reject.test', { alignment: () => Promise.resolve({ spf: 'fail', dkim: 'fail', detail: 'the relay 192.0.2.7 is not in SPF' }) });
    expect(item.findings.find((f) => f.code === 'dmarc-policy-risky')?.message).toBe(
      "The policy is reject, but this route's mail passes neither SPF nor DKIM aligned (SPF aligned: fail, DKIM aligned: fail; the relay 192.0.2.7 is not in SPF): receivers will refuse it until alignment is fixed. Fix alignment first; do not lower the policy unless mail is being lost.",
    );
    expect(details(item).policy).toBe('reject');
  });

  it('existing p=none with alignment passing: the move to quarantine is a step, not a record', async () => {
    const item = await dmarc('none.test', { alignment: aligned('pass', 'fail') });
    expect(item.status).toBe('warn');
    expect(pasted(item)).toEqual([]);
    expect(item.fix?.steps[0]).toBe(
      'Stage 2, p=quarantine: after 2–4 weeks of aggregate reports show every legitimate source (this platform, your own mail server, newsletters, billing) passing SPF or DKIM aligned, replace the record with: v=DMARC1; p=quarantine; rua=mailto:d@none.test.',
    );
    expect(item.fix?.steps[1]).toContain('Stage 3, p=reject');
  });

  it('existing p=none with alignment failing: stay at none and fix alignment first', async () => {
    const item = await dmarc('none.test', { alignment: aligned('fail', 'fail') });
    expect(pasted(item)).toEqual([]);
    expect(item.findings.some((f) => f.code === 'dmarc-policy-risky')).toBe(false);
    expect(item.fix?.steps).toEqual([
      "Stay at p=none for now: this route's mail does not pass SPF or DKIM aligned (SPF aligned: fail, DKIM aligned: fail), so p=quarantine would send it to spam. Fix alignment, then follow the stages: after 2–4 weeks of aggregate reports show every legitimate source (this platform, your own mail server, newsletters, billing) passing SPF or DKIM aligned, p=quarantine; then p=reject.",
    ]);
  });

  it('an invalid sp= is dropped, not guessed: subdomains keep the p= they get today', async () => {
    const item = await dmarc('subtypo.test');
    expect(pasted(item)).toEqual(['v=DMARC1; p=reject; rua=mailto:d@subtypo.test']);
  });
});

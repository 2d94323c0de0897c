/**
 * Platforms × sending routes × domain states, against a real DNS server on loopback:
 * what each route requires, whether an item is required, optional or not needed, and
 * whether the address is ready (nothing required fails or errors).
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlatforms, repositoryResourcesDir, type PlatformCatalog } from '../providers/platforms';
import { useTestDns } from '../testing/dns-fixture';
import { rr } from '../testing/dns-zone';
import { runChecklist } from './checklist';
import { checklistInputSchema, checklistReportSchema, type ChecklistInputDraft, type ChecklistReport } from '../../src-preload/contract/checks-schemas';

const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const dkim = `v=DKIM1; k=rsa; p=${key}`;

// ClientTether's published pic key, as the platform preset holds it.
const pic = (JSON.parse(readFileSync(join(repositoryResourcesDir(), 'platforms', 'clienttether.json'), 'utf8')) as { dkim: { selectors: { value: string }[] } }).dkim.selectors[0]?.value ?? '';

const dns = useTestDns([
  {
    origin: 'test',
    records: [
      // relay.test: the admin's own server sends and signs (selector relay1); no Zendesk records at all.
      rr.txt('relay.test', 'v=spf1 ip4:192.0.2.0/24 include:_spf.provider.test -all'),
      rr.txt('_spf.provider.test', 'v=spf1 ip4:198.51.100.0/24 -all'),
      rr.txt('relay1._domainkey.relay.test', dkim),
      rr.txt('_dmarc.relay.test', 'v=DMARC1; p=none; rua=mailto:dmarc@relay.test'),
      rr.mx('relay.test', 10, 'mx.relay.test'),
      rr.a('mx.relay.test', '192.0.2.25'),
      rr.a('smtp.relay.test', '192.0.2.30'),
      // zd.test: set up for Zendesk's own servers (include and both CNAMEs).
      rr.txt('zd.test', 'v=spf1 include:mail.zendesk.test include:mail.zendesk.com -all'),
      rr.txt('mail.zendesk.com', 'v=spf1 ip4:203.0.113.0/24 ~all'),
      rr.txt('mail.zendesk.test', 'v=spf1 ip4:203.0.114.0/24 ~all'),
      rr.cname('zendesk1._domainkey.zd.test', 'zendesk1.zd.test._domainkey.zendesk.com'),
      rr.cname('zendesk2._domainkey.zd.test', 'zendesk2.zd.test._domainkey.zendesk.com'),
      rr.txt('_dmarc.zd.test', 'v=DMARC1; p=quarantine; rua=mailto:dmarc@zd.test'),
      rr.mx('zd.test', 10, 'mx.relay.test'),
      // broken.test: SPF permerror (two records), no DKIM, no DMARC.
      rr.txt('broken.test', 'v=spf1 ip4:192.0.2.1 -all'),
      rr.txt('broken.test', 'v=spf1 mx -all'),
      rr.mx('broken.test', 10, 'mx.relay.test'),
      // risky.test: p=reject although the relay's IP fails SPF and no key is published.
      rr.txt('risky.test', 'v=spf1 ip4:192.0.2.1 -all'),
      rr.txt('_dmarc.risky.test', 'v=DMARC1; p=reject; rua=mailto:dmarc@risky.test'),
      // ses.test: Zuora advanced SMTP (SES): include and the three token CNAMEs.
      rr.txt('ses.test', 'v=spf1 include:amazonses.com ~all'),
      rr.txt('amazonses.com', 'v=spf1 ip4:54.240.0.0/18 ~all'),
      ...['tok1', 'tok2', 'tok3'].map((t) => rr.cname(`${t}._domainkey.ses.test`, `${t}.dkim.amazonses.com`)),
      rr.txt('_dmarc.ses.test', 'v=DMARC1; p=none; rua=mailto:dmarc@ses.test'),
      rr.mx('ses.test', 10, 'mx.relay.test'),
      // ct.test: ClientTether's mg3 (Mailgun) route.
      rr.txt('ct.test', 'v=spf1 include:mailgun.org ~all'),
      rr.txt('mailgun.org', 'v=spf1 ip4:209.61.151.0/24 ~all'),
      rr.mx('ct.test', 10, 'mx.relay.test'),
      rr.txt('_dmarc.ct.test', 'v=DMARC1; p=none; rua=mailto:dmarc@ct.test'),
      rr.txt('pic._domainkey.ct.test', pic),
    ],
  },
  { origin: 'com', records: [...['tok1', 'tok2', 'tok3'].map((t) => rr.txt(`${t}.dkim.amazonses.com`, dkim)), rr.txt('zendesk1.zd.test._domainkey.zendesk.com', dkim), rr.txt('zendesk2.zd.test._domainkey.zendesk.com', dkim), rr.txt('mail.zendesk.com', 'v=spf1 ip4:203.0.113.0/24 ~all'), rr.txt('amazonses.com', 'v=spf1 ip4:54.240.0.0/18 ~all')] },
  { origin: 'org', records: [rr.txt('mailgun.org', 'v=spf1 ip4:209.61.151.0/24 ~all')] },
]);

let platforms: PlatformCatalog;
beforeAll(async () => {
  const loaded = await loadPlatforms(repositoryResourcesDir());
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  platforms = loaded.platforms;
});

async function run(draft: ChecklistInputDraft): Promise<ChecklistReport> {
  const only = ['spf', 'dkim', 'dmarc', 'ptr', 'helo'] as const;
  const result = await runChecklist(checklistInputSchema.parse({ only: [...only], ...draft }), { platforms, resolver: dns.resolver({ timeoutMs: 3_000, retries: 1 }) });
  if (!result.ok) throw new Error(result.error.message);
  expect(checklistReportSchema.parse(result.value)).toEqual(result.value);
  return result.value;
}

/** `status/level` per item, for compact tables (DMARC at p=none is a warning: monitoring only). */
const verdicts = (report: ChecklistReport) => Object.fromEntries(report.items.filter((i) => i.kind !== 'ptr' && i.kind !== 'helo').map((i) => [i.id, `${i.status}/${i.requirement.level}`]));

interface Row {
  readonly name: string;
  readonly input: ChecklistInputDraft;
  readonly route: string;
  readonly ok: boolean;
  readonly items: Record<string, string>;
}

const rows: readonly Row[] = [
  {
    name: 'Zendesk connector, the relay signs with its own selector: no Zendesk include or CNAMEs needed',
    input: { domain: 'relay.test', platform: 'zendesk', relaySelectors: ['relay1'], sendingIp: '192.0.2.30' },
    route: 'connector',
    ok: true,
    items: { spf: 'pass/required', 'dkim:zendesk1': 'not-needed/not-needed', 'dkim:zendesk2': 'not-needed/not-needed', 'dkim:relay1': 'pass/required', dmarc: 'warn/required' },
  },
  {
    name: 'Zendesk direct on the same domain: Zendesk include and both CNAMEs required and missing',
    input: { domain: 'relay.test', platform: 'zendesk', route: 'direct', relaySelectors: ['relay1'], sendingIp: '192.0.2.30' },
    route: 'direct',
    ok: false,
    items: { spf: 'fail/required', 'dkim:zendesk1': 'fail/required', 'dkim:zendesk2': 'fail/required', 'dkim:relay1': 'pass/not-needed', dmarc: 'warn/required' },
  },
  {
    name: 'Zendesk direct, set up for Zendesk',
    input: { domain: 'zd.test', platform: 'zendesk', route: 'direct' },
    route: 'direct',
    ok: true,
    items: { spf: 'pass/required', 'dkim:zendesk1': 'pass/required', 'dkim:zendesk2': 'pass/required', dmarc: 'pass/required' },
  },
  {
    name: "Zendesk connector with Zendesk's signatures and no relay selector: Zendesk's keys are enough",
    input: { domain: 'zd.test', platform: 'zendesk', sendingIp: '203.0.114.9' },
    route: 'connector',
    ok: true,
    items: { spf: 'pass/required', 'dkim:zendesk1': 'pass/required', 'dkim:zendesk2': 'pass/required', 'dkim:*': 'not-needed/not-needed', dmarc: 'pass/required' },
  },
  {
    name: 'Zendesk connector, broken domain: SPF permerror, no key, no DMARC; the relay selector is asked for',
    input: { domain: 'broken.test', platform: 'zendesk', sendingIp: '192.0.2.1' },
    route: 'connector',
    ok: false,
    items: { spf: 'fail/required', 'dkim:zendesk1': 'fail/required', 'dkim:zendesk2': 'fail/required', 'dkim:*': 'needs-input/required', dmarc: 'fail/required' },
  },
  {
    name: 'Zuora external SMTP: the relay signs and passes SPF',
    input: { domain: 'relay.test', platform: 'zuora', relaySelectors: ['relay1'], sendingIp: '192.0.2.30' },
    route: 'connector',
    ok: true,
    items: { spf: 'pass/required', 'dkim:relay1': 'pass/required', dmarc: 'warn/required' },
  },
  {
    name: 'Zuora external SMTP without a sending IP: judged for the SMTP host, said so',
    input: { domain: 'relay.test', platform: 'zuora', relaySelectors: ['relay1'], smtpHost: 'smtp.relay.test' },
    route: 'connector',
    ok: true,
    items: { spf: 'pass/required', 'dkim:relay1': 'pass/required', dmarc: 'warn/required' },
  },
  {
    name: "Zuora external SMTP with the provider's include known: the include proves the relay",
    input: { domain: 'relay.test', platform: 'zuora', relaySelectors: ['relay1'], relayInclude: '_spf.provider.test' },
    route: 'connector',
    ok: true,
    items: { spf: 'pass/required', 'dkim:relay1': 'pass/required', dmarc: 'warn/required' },
  },
  {
    name: 'Zuora external SMTP with nothing to judge the relay by: SPF and DKIM need input, nothing fails',
    input: { domain: 'relay.test', platform: 'zuora' },
    route: 'connector',
    ok: true,
    items: { spf: 'needs-input/required', 'dkim:*': 'needs-input/required', dmarc: 'warn/required' },
  },
  {
    name: 'Zuora advanced SMTP (SES): amazonses.com and the three token CNAMEs',
    input: { domain: 'ses.test', platform: 'zuora-ses', selectors: ['tok1', 'tok2', 'tok3'] },
    route: 'ses',
    ok: true,
    items: { spf: 'pass/required', 'dkim:tok1': 'pass/required', 'dkim:tok2': 'pass/required', 'dkim:tok3': 'pass/required', dmarc: 'warn/required' },
  },
  {
    name: 'Zuora advanced SMTP on a domain without SES records',
    input: { domain: 'relay.test', platform: 'zuora-ses', selectors: ['tok1', 'tok2', 'tok3'] },
    route: 'ses',
    ok: false,
    items: { spf: 'fail/required', 'dkim:tok1': 'fail/required', 'dkim:tok2': 'fail/required', 'dkim:tok3': 'fail/required', dmarc: 'warn/required' },
  },
  {
    name: "ClientTether's mg3 (Mailgun): mailgun.org and pic._domainkey",
    input: { domain: 'ct.test', platform: 'clienttether', route: 'direct' },
    route: 'direct',
    ok: true,
    items: { spf: 'pass/required', 'dkim:pic': 'pass/required', dmarc: 'warn/required' },
  },
  {
    name: "ClientTether through the admin's own server: pic is not needed there",
    input: { domain: 'relay.test', platform: 'clienttether', relaySelectors: ['relay1'], sendingIp: '192.0.2.30' },
    route: 'connector',
    ok: true,
    items: { spf: 'pass/required', 'dkim:pic': 'not-needed/not-needed', 'dkim:relay1': 'pass/required', dmarc: 'warn/required' },
  },
];

describe('route-aware checklist', () => {
  it.each(rows)('$name', async (row) => {
    const report = await run(row.input);
    expect(report.route).toBe(row.route);
    expect(verdicts(report)).toEqual(row.items);
    expect(report.ok).toBe(row.ok);
    expect(report.blocking).toEqual(report.items.filter((i) => i.required && (i.status === 'fail' || i.status === 'error')).map((i) => i.id));
    // Every item says which route it was judged for and why it is (not) needed there.
    for (const item of report.items) {
      expect(item.requirement.route).toBe(row.route);
      expect(item.requirement.why).not.toBe('');
      expect(item.required).toBe(item.requirement.level === 'required');
      if (item.status === 'needs-input') expect(item.needsInput?.field).toBeDefined();
    }
  });

  it('says when the SPF verdict was judged for the SMTP host rather than a known sending IP', async () => {
    const report = await run({ domain: 'relay.test', platform: 'zuora', relaySelectors: ['relay1'], smtpHost: 'smtp.relay.test' });
    expect(report.items.find((i) => i.id === 'spf')?.summary).toContain('Judged for 192.0.2.30, the address of smtp.relay.test');
  });

  it("does not fail SPF on an assumption: the SMTP host's address not being authorised asks for the real sending IP", async () => {
    const report = await run({ domain: 'relay.test', platform: 'zuora', relaySelectors: ['relay1'], smtpHost: '203.0.113.50' });
    const spf = report.items.find((i) => i.id === 'spf');
    expect(spf).toMatchObject({ status: 'needs-input', needsInput: { field: 'sendingIp' } });
    expect(spf?.summary).toContain('SPF does not authorise 203.0.113.50, the address of 203.0.113.50 (fail)');
    expect(report.ok).toBe(true);
  });

  it('asks for the relay selector by the field that takes it, naming Zendesk\'s alternative', async () => {
    const report = await run({ domain: 'broken.test', platform: 'zendesk', sendingIp: '192.0.2.1' });
    const ask = report.items.find((i) => i.id === 'dkim:*');
    expect(ask?.needsInput).toEqual({ field: 'relaySelectors', label: 'DKIM selector your mail server signs with' });
    expect(ask?.summary).toContain("Zendesk's zendesk1 and zendesk2, only when digital signatures are turned on in Zendesk");
  });

  it('does not publish records for an item the route does not need', async () => {
    const report = await run({ domain: 'relay.test', platform: 'zendesk', relaySelectors: ['relay1'], sendingIp: '192.0.2.30' });
    expect(report.records.filter((r) => r.name.includes('zendesk'))).toEqual([]);
    expect(report.items.find((i) => i.id === 'dkim:zendesk1')?.summary).toBe('Not needed: relay1 (your mail server\'s key) already gives an aligned DKIM signature on this route.');
  });

  it("suggests p=none for a broken domain: never stricter than what the domain's mail passes today", async () => {
    const report = await run({ domain: 'broken.test', platform: 'clienttether', sendingIp: '192.0.2.1' });
    const dmarc = report.items.find((i) => i.id === 'dmarc');
    const records = dmarc?.fix?.records.map((r) => r.value) ?? [];
    expect(records).toHaveLength(1);
    expect(records[0]).toMatch(/^v=DMARC1; p=none; rua=mailto:/u);
    expect(records.join(' ')).not.toMatch(/p=(quarantine|reject)/u);
    // The stricter stages are steps with their conditions, not records to paste.
    expect(dmarc?.fix?.steps.join(' ')).toMatch(/quarantine/u);
  });

  it('keeps an enforcing policy the route fails, and flags it as risky', async () => {
    const report = await run({ domain: 'risky.test', platform: 'zuora', relaySelectors: ['relay1'], sendingIp: '192.0.2.30' });
    const dmarc = report.items.find((i) => i.id === 'dmarc');
    expect(dmarc?.findings.some((f) => f.code === 'dmarc-policy-risky' && f.severity === 'warn')).toBe(true);
    expect((dmarc?.fix?.records ?? []).some((r) => /p=none/u.test(r.value))).toBe(false);
  });

  it("judges the relay's PTR and HELO by the route's declared level: recommended where it delivers, required when the data says so, not needed where it does not", async () => {
    const level = (report: ChecklistReport) => report.items.find((i) => i.id === 'ptr')?.requirement.level;
    expect(level(await run({ domain: 'relay.test', platform: 'zendesk', sendingIp: '192.0.2.30' }))).toBe('recommended');
    expect(level(await run({ domain: 'relay.test', platform: 'zendesk', route: 'direct', sendingIp: '192.0.2.30' }))).toBe('not-needed');
    const zendesk = platforms.get('zendesk');
    if (zendesk === undefined) throw new Error('zendesk preset missing');
    const strict = new Map(platforms);
    strict.set('zendesk', { ...zendesk, routes: zendesk.routes.map((r) => (r.id === 'connector' ? { ...r, relayIdentity: 'required' as const } : r)) });
    const result = await runChecklist(checklistInputSchema.parse({ domain: 'relay.test', platform: 'zendesk', sendingIp: '192.0.2.30', only: ['ptr'] }), { platforms: strict, resolver: dns.resolver() });
    expect(result.ok && result.value.items[0]?.requirement.level).toBe('required');
  });

  it('refuses a route the platform does not have, naming the ones it has', async () => {
    const result = await runChecklist(checklistInputSchema.parse({ domain: 'relay.test', platform: 'zuora', route: 'direct' }), { platforms, resolver: dns.resolver() });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input', message: 'Zuora external SMTP has no "direct" sending route. Choose one of: connector (Through your SMTP server (external SMTP)).' } });
  });
});

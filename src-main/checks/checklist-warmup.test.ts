/**
 * The warm-up asks only what the checklist asks, and the checklist then asks nothing twice:
 * on a real DNS server, a run after the warm-up sends the server exactly the questions a run
 * without it sends, one each, and reports the same items. If the warm-up's list drifted from
 * the checklist's (a check asking another name, a new check), the question sets differ here.
 */
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlatforms, repositoryResourcesDir, type PlatformCatalog } from '../providers/platforms';
import { useTestDns } from '../testing/dns-fixture';
import { reverseName, rr } from '../testing/dns-zone';
import { runChecklist } from './checklist';
import { warmChecklist, warmResolverFor, type WarmupInput } from './checklist-warmup';
import { checklistInputSchema, type ChecklistInputDraft, type ChecklistReport } from '../../src-preload/contract/checks-schemas';

const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

const dns = useTestDns([
  {
    origin: 'example',
    records: [
      // Includes three deep, mx/a/exists/ptr mechanisms and a macro that needs the sender.
      rr.txt('warm.example', 'v=spf1 include:l1.warm.example include:relay.example a mx exists:%{i}.bl.warm.example ptr -all'),
      rr.txt('l1.warm.example', 'v=spf1 include:l2.warm.example ip4:10.1.0.0/16 -all'),
      rr.txt('l2.warm.example', 'v=spf1 ip4:10.2.0.0/16 include:%{l}.users.warm.example -all'),
      rr.txt('relay.example', 'v=spf1 ip4:203.0.113.0/24 ~all'),
      rr.a('warm.example', '192.0.2.80'),
      rr.mx('warm.example', 10, 'mx1.warm.example'),
      rr.mx('warm.example', 20, 'mx2.warm.example'),
      rr.a('mx1.warm.example', '192.0.2.25'),
      rr.aaaa('mx2.warm.example', '2001:db8::25'),
      rr.a('out.warm.example', '192.0.2.25'),
      rr.a('smtp.warm.example', '192.0.2.25'),
      rr.txt('_dmarc.warm.example', 'v=DMARC1; p=quarantine; rua=mailto:agg@reports.example,mailto:d@warm.example'),
      rr.txt('warm.example._report._dmarc.reports.example', 'v=DMARC1'),
      rr.txt('_mta-sts.warm.example', 'v=STSv1; id=2026120701'),
      rr.a('mta-sts.warm.example', '192.0.2.26'),
      rr.txt('_smtp._tls.warm.example', 'v=TLSRPTv1; rua=mailto:tls@warm.example'),
      rr.txt('default._bimi.warm.example', 'v=BIMI1; l=https://warm.example/logo.svg'),
      rr.txt('s1._domainkey.warm.example', `v=DKIM1; k=rsa; p=${key}`),
      // A subdomain without its own DMARC record: the tree walk to the organisational domain.
      rr.txt('news.warm.example', 'v=spf1 redirect=warm.example'),
    ],
  },
  { origin: '2.0.192.in-addr.arpa', records: [rr.ptr(reverseName('192.0.2.25'), 'out.warm.example')] },
]);

let platforms: PlatformCatalog;
beforeAll(async () => {
  const loaded = await loadPlatforms(repositoryResourcesDir());
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  platforms = loaded.platforms;
});

const questions = () => dns.server().queries.map((q) => `${q.type} ${q.name.toLowerCase()}`);
/**
 * The report without what differs from run to run: times, and the order of an item's
 * lookups in its evidence (the order their answers arrived, which concurrent questions do
 * not fix).
 */
const isLookup = (v: unknown): v is { name: string; type: string } => typeof v === 'object' && v !== null && 'explanation' in v && 'name' in v && 'type' in v;
const comparable = (report: ChecklistReport) =>
  JSON.parse(JSON.stringify(report), (k: string, v: unknown) => {
    if (['at', 'startedAt', 'finishedAt', 'durationMs'].includes(k)) return undefined;
    if (Array.isArray(v) && v.every(isLookup)) return [...v].sort((a, b) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));
    return v;
  }) as unknown;

async function runOnce(draft: ChecklistInputDraft, warm: boolean): Promise<{ report: ChecklistReport; asked: string[] }> {
  const input = checklistInputSchema.parse({ ...draft, dnsServers: [dns.server().address] });
  dns.server().resetQueries();
  const warmupInput: WarmupInput = {
    domain: input.domain,
    ...(input.sendingIp !== undefined ? { sendingIp: input.sendingIp } : {}),
    ...(input.smtpHost !== undefined ? { smtpHost: input.smtpHost } : {}),
    ...(input.heloName !== undefined ? { heloName: input.heloName, heloSource: input.heloSource } : {}),
    ...(input.only !== undefined ? { only: input.only } : {}),
  };
  const warmup = warm ? warmChecklist(warmupInput, input.dnsServers) : null;
  if (warm) expect(warmup).not.toBeNull();
  try {
    const resolver = warmResolverFor(warmup, input.dnsServers);
    const result = await runChecklist(input, { platforms, ...(resolver !== undefined ? { resolver } : {}) });
    if (!result.ok) throw new Error(result.error.message);
    // Whatever the warm-up still had in flight has landed too: the server saw all of it.
    await warmup?.resolver.lookups();
    return { report: result.value, asked: questions() };
  } finally {
    warmup?.stop();
  }
}

describe('the checklist warm-up', () => {
  const cases: Array<[string, ChecklistInputDraft]> = [
    ['a sending IP and a HELO name (Zendesk)', { domain: 'warm.example', platform: 'zendesk', sendingIp: '192.0.2.25', heloName: 'out.warm.example', heloSource: 'user', selectors: ['s1'] }],
    ['the SMTP host only, standing in for the IP (generic)', { domain: 'warm.example', smtpHost: 'smtp.warm.example' }],
    ['a subdomain that redirects, IPv6 client', { domain: 'news.warm.example', platform: 'clienttether', sendingIp: '2001:db8::25' }],
    ['one check re-run (only MX)', { domain: 'warm.example', only: ['mx'] }],
  ];
  for (const [name, draft] of cases) {
    it(`${name}: the server is asked exactly what a run without it asks, once each, and the report is the same`, async () => {
      const cold = await runOnce(draft, false);
      const warm = await runOnce(draft, true);
      expect(new Set(cold.asked).size).toBe(cold.asked.length);
      expect([...warm.asked].sort()).toEqual([...cold.asked].sort());
      expect(comparable(warm.report)).toEqual(comparable(cold.report));
    });
  }

  it('is used only by a run that asks the same servers', () => {
    const warmup = warmChecklist({ domain: 'warm.example' }, ['127.0.0.1:53']);
    try {
      expect(warmResolverFor(warmup, ['127.0.0.1:53'])).toBe(warmup?.resolver);
      expect(warmResolverFor(warmup, ['127.0.0.1:5353'])).toBeUndefined();
      expect(warmResolverFor(warmup, ['127.0.0.1:53', '127.0.0.2:53'])).toBeUndefined();
      expect(warmResolverFor(warmup, [])).toBeUndefined();
      expect(warmResolverFor(null, ['127.0.0.1:53'])).toBeUndefined();
    } finally {
      warmup?.stop();
    }
  });

  it('refuses servers the resolver cannot use, and stop() ends questions still in flight', async () => {
    expect(warmChecklist({ domain: 'warm.example' }, ['not a server!'])).toBeNull();
    dns.server().setFault('warm.example', { kind: 'drop' });
    try {
      const warmup = warmChecklist({ domain: 'warm.example' }, [dns.server().address]);
      expect(warmup).not.toBeNull();
      const pending = warmup?.resolver.lookup('warm.example', 'TXT');
      warmup?.stop();
      // The question in flight ends now with the stop's reason, not after the resolver's timeout with an outcome.
      await expect(pending).rejects.toThrow('the checklist no longer needs these answers');
    } finally {
      dns.server().setFault('warm.example', null);
    }
  });
});

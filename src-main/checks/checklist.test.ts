import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlatforms, repositoryResourcesDir, type PlatformCatalog } from '../providers/platforms';
import { useTestDns } from '../testing/dns-fixture';
import { reverseName, rr } from '../testing/dns-zone';
import { runChecklist } from './checklist';
import { checklistEventSchema, checklistInputSchema, checklistReportSchema, type ChecklistEvent, type ChecklistInputDraft, type ChecklistReport } from '../../src-preload/contract/checks-schemas';

const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

const dns = useTestDns([
  {
    origin: 'com',
    records: [
      // A healthy domain set up for Zendesk.
      rr.txt('example.com', 'v=spf1 ip4:192.0.2.0/24 include:mail.zendesk.com -all'),
      rr.txt('mail.zendesk.com', 'v=spf1 ip4:198.51.100.0/24 ~all'),
      rr.cname('zendesk1._domainkey.example.com', 'zendesk1.example.com._domainkey.zendesk.com'),
      rr.cname('zendesk2._domainkey.example.com', 'zendesk2.example.com._domainkey.zendesk.com'),
      rr.txt('zendesk1.example.com._domainkey.zendesk.com', `v=DKIM1; k=rsa; p=${key}`),
      rr.txt('zendesk2.example.com._domainkey.zendesk.com', `v=DKIM1; k=rsa; p=${key}`),
      rr.txt('s2026._domainkey.example.com', `v=DKIM1; k=rsa; p=${key}`),
      rr.txt('_dmarc.example.com', 'v=DMARC1; p=reject; rua=mailto:dmarc@example.com'),
      rr.mx('example.com', 10, 'mail.example.com'),
      rr.a('mail.example.com', '192.0.2.25'),
      rr.txt('_mta-sts.example.com', 'v=STSv1; id=2026112301'),
      rr.a('mta-sts.example.com', '192.0.2.26'),
      rr.txt('_smtp._tls.example.com', 'v=TLSRPTv1; rua=mailto:tls@example.com'),
      rr.txt('default._bimi.example.com', 'v=BIMI1; l=https://example.com/logo.svg'),
      rr.mx('acme.zendesk.com', 10, 'mx.zendesk.com'),
      rr.a('mx.zendesk.com', '198.51.100.10'),
      // A broken one.
      rr.txt('broken-example.com', 'v=spf1 mx ?all'),
      rr.cname('zendesk2._domainkey.broken-example.com.broken-example.com', 'zendesk2.broken-example.com._domainkey.zendesk.com'),
      rr.txt('zendesk2.broken-example.com._domainkey.zendesk.com', `v=DKIM1; k=rsa; p=${key}`),
      rr.txt('_dmarc.broken-example.com', 'v=DMARC1; p=rejectt; pct=150; rua=reports@broken-example.com'),
      rr.a('broken-example.com', '192.0.2.99'),
    ],
  },
  {
    origin: '2.0.192.in-addr.arpa',
    records: [rr.ptr(reverseName('192.0.2.25'), 'mail.example.com'), rr.ptr(reverseName('192.0.2.77'), '77-2-0-192.dsl.isp-example.com')],
  },
]);

let platforms: PlatformCatalog;
beforeAll(async () => {
  const loaded = await loadPlatforms(repositoryResourcesDir());
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  platforms = loaded.platforms;
});

async function run(draft: ChecklistInputDraft, extra: { signal?: AbortSignal; onEvent?: (e: ChecklistEvent) => void } = {}): Promise<ChecklistReport> {
  const result = await runChecklist(checklistInputSchema.parse(draft), { platforms, resolver: dns.resolver(), ...extra });
  if (!result.ok) throw new Error(result.error.message);
  expect(checklistReportSchema.parse(result.value)).toEqual(result.value);
  return result.value;
}
const status = (report: ChecklistReport) => Object.fromEntries(report.items.map((i) => [i.id, i.status]));

describe('checklist', () => {
  it('is all green with evidence on a healthy Zendesk domain', async () => {
    const events: ChecklistEvent[] = [];
    const report = await run(
      {
        domain: 'example.com',
        platform: 'zendesk',
        sendingIp: '192.0.2.25',
        heloName: 'mail.example.com',
        forwardingAddress: 'support@acme.zendesk.com',
        messageHeaders: 'DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s2026; b=x\r\n',
      },
      { onEvent: (e) => events.push(checklistEventSchema.parse(e)) },
    );
    expect(status(report)).toEqual({
      spf: 'pass',
      'dkim:zendesk1': 'pass',
      'dkim:zendesk2': 'pass',
      'dkim:s2026': 'pass',
      dmarc: 'pass',
      mx: 'pass',
      ptr: 'pass',
      helo: 'pass',
      'mta-sts': 'pass',
      'tls-rpt': 'pass',
      bimi: 'pass',
      forwarding: 'pass',
    });
    expect(report.counts).toEqual({ pass: 12, warn: 0, fail: 0, pending: 0, error: 0, 'needs-input': 0, 'not-needed': 0 });
    expect(report).toMatchObject({ route: 'connector', ok: true, blocking: [] });
    expect(report.records).toEqual([]);
    const spf = report.items.find((i) => i.id === 'spf');
    expect(spf?.findings.find((f) => f.code === 'spf-verdict-pass')?.message).toBe('For 192.0.2.25: pass. 192.0.2.25 may send for example.com: "ip4:192.0.2.0/24" matched, so SPF passes.');
    expect(spf?.evidence.queries[0]).toMatchObject({ name: 'example.com', type: 'TXT', server: dns.server().address, ttl: 300 });
    // Streamed: the plan first, then every item once.
    expect(events[0]).toMatchObject({ type: 'planned', ids: report.items.map((i) => i.id) });
    expect(events.slice(1).map((e) => (e.type === 'item' ? e.item.id : '')).sort()).toEqual(report.items.map((i) => i.id).sort());
    // One question per (name, type) in a run, shared between checks.
    expect(report.queries).toBe(new Set(dns.server().queries.map((q) => `${q.type} ${q.name}`)).size);
  });

  it('names every problem of a broken domain with the records to publish', async () => {
    // Zendesk's own servers send on the direct route: its include and both CNAMEs are required; the relay's PTR and HELO are beside the point.
    const report = await run({ domain: 'broken-example.com', platform: 'zendesk', route: 'direct', sendingIp: '192.0.2.77', heloName: 'localhost' });
    expect(status(report)).toEqual({
      spf: 'fail',
      'dkim:zendesk1': 'fail',
      'dkim:zendesk2': 'fail',
      dmarc: 'fail',
      mx: 'fail',
      ptr: 'not-needed',
      helo: 'not-needed',
      'mta-sts': 'warn',
      'tls-rpt': 'warn',
      bimi: 'pass',
      forwarding: 'needs-input',
    });
    expect(report.ok).toBe(false);
    expect(report.blocking).toEqual(['spf', 'dkim:zendesk1', 'dkim:zendesk2', 'dmarc', 'mx']);
    const codes = report.items.flatMap((i) => i.findings.filter((f) => f.severity === 'fail' || f.severity === 'warn').map((f) => f.code));
    expect(codes).toEqual(
      expect.arrayContaining([
        'spf-platform-include-missing',
        'spf-neutral-all',
        'spf-verdict-neutral',
        'dkim-missing',
        'dkim-doubled-domain',
        'dmarc-invalid-p',
        'dmarc-invalid-pct',
        'dmarc-rua-without-mailto',
        'mx-missing',
        'mta-sts-missing',
        'tls-rpt-missing',
      ]),
    );
    expect(report.records.map((r) => `${r.action} ${r.nameRelative} ${r.type} ${r.value}`)).toEqual(
      expect.arrayContaining([
        'replace @ TXT v=spf1 mx include:mail.zendesk.com ?all',
        'remove zendesk2._domainkey.broken-example.com CNAME zendesk2.broken-example.com._domainkey.zendesk.com',
        'add zendesk2._domainkey CNAME zendesk2.broken-example.com._domainkey.zendesk.com',
        // Never stricter than what the domain's mail passes today (SPF and DKIM fail here).
        'replace _dmarc TXT v=DMARC1; p=none; rua=mailto:reports@broken-example.com',
      ]),
    );
    expect(report.zoneFile).toContain('broken-example.com.\t3600\tIN\tTXT\t"v=spf1 mx include:mail.zendesk.com ?all"');
    expect(report.zoneFile).toContain('; replaces: v=spf1 mx ?all');
    expect(report.zoneFile).toContain('; remove: zendesk2._domainkey.broken-example.com.broken-example.com.\t3600\tIN\tCNAME\tzendesk2.broken-example.com._domainkey.zendesk.com.');
  });

  it('asks for the SES tokens when none are given, and runs only the checks asked for', async () => {
    const ses = await run({ domain: 'example.com', platform: 'zuora-ses', only: ['dkim', 'spf'] });
    expect(ses.items.map((i) => [i.id, i.status])).toEqual([
      ['spf', 'fail'],
      ['dkim:*', 'needs-input'],
    ]);
    expect(ses.items[1]?.summary).toBe('Enter the 3 DKIM tokens Zuora (Advanced SMTP server, Amazon SES) shows (the part before ._domainkey) as selectors.');
  });

  it('refuses a DNS server that is not an IP address', async () => {
    expect(checklistInputSchema.safeParse({ domain: 'example.com', dnsServers: ['dns.google'] }).success).toBe(false);
    const input = { ...checklistInputSchema.parse({ domain: 'example.com' }), dnsServers: ['dns.google'] };
    const result = await runChecklist(input, { platforms });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('"dns.google" is not an IP address') } });
  });

  it('stops promptly when cancelled', async () => {
    dns.server().setLatency(300);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('cancelled by the user')), 50);
    const result = await runChecklist(checklistInputSchema.parse({ domain: 'example.com', platform: 'zendesk' }), { platforms, resolver: dns.resolver({ timeoutMs: 2000 }), signal: controller.signal });
    dns.server().setLatency(0);
    expect(result).toEqual({ ok: false, error: { code: 'cancelled', message: 'The checklist was cancelled.' } });
    expect(Date.now() - started).toBeLessThan(250);
  });
});

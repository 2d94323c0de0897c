/**
 * Reports summed: totals over every aggregate report, and every sending IP summed across
 * reports, flagged when it is one of the address's relay IPs or the platform's, so the
 * admin sees at a glance whether the connector's mail aligns and who else sends as the
 * domain. A report that arrives twice (the same file handed in twice, or also fetched from
 * the mailbox) counts once: reporter and report id name it (RFC 7489 §7.2.1.1).
 */
import { BlockList } from 'node:net';
import { ipFamily } from '../dns/ip-family';
import type { DmarcAggregateReport, ReportFileOutcome, ReportSource, ReportsSummary, TlsReport } from '../../src-preload/contract/reports';

export interface KnownSenders {
  /** The address's relay IPs (or CIDR ranges). */
  readonly relayIps?: readonly string[];
  /** The platform's sending IPs (or CIDR ranges), where the platform data lists them. */
  readonly platformIps?: readonly string[];
}

const DAY_MS = 86_400_000;

function blockList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [ip = '', prefix] = entry.split('/');
    const family = ipFamily(ip);
    if (family === 0) continue;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(ip, type);
    else if (/^\d{1,3}$/u.test(prefix)) list.addSubnet(ip, Number(prefix), type);
  }
  return list;
}

function contains(list: BlockList, ip: string): boolean {
  const family = ipFamily(ip);
  return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

function dedupeKey(report: { readonly org: string | null; readonly reportId: string | null; readonly source: string }): string {
  return report.reportId === null ? `source:${report.source}` : `${(report.org ?? '').toLowerCase()}\u0000${report.reportId}`;
}

export function summarizeReports(files: readonly ReportFileOutcome[], dmarc: readonly DmarcAggregateReport[], tls: readonly TlsReport[], known: KnownSenders = {}): ReportsSummary {
  const relay = blockList(known.relayIps ?? []);
  const platform = blockList(known.platformIps ?? []);
  const seen = new Set<string>();
  const reports = dmarc.filter((r) => {
    const key = `${dedupeKey(r)}\u0000${r.domain ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const seenTls = new Set<string>();
  const tlsReports = tls.filter((r) => {
    const key = dedupeKey(r);
    if (seenTls.has(key)) return false;
    seenTls.add(key);
    return true;
  });
  const sources = new Map<string, { count: number; dmarcPass: number; dmarcFail: number }>();
  let messages = 0;
  let dmarcPass = 0;
  let begin = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const report of reports) {
    messages += report.totals.messages;
    dmarcPass += report.totals.dmarcPass;
    if (report.period !== null) {
      begin = Math.min(begin, Date.parse(report.period.begin));
      end = Math.max(end, Date.parse(report.period.end));
    }
    for (const row of report.records) {
      const entry = sources.get(row.sourceIp) ?? { count: 0, dmarcPass: 0, dmarcFail: 0 };
      entry.count += row.count;
      if (row.dmarc === 'pass') entry.dmarcPass += row.count;
      else entry.dmarcFail += row.count;
      sources.set(row.sourceIp, entry);
    }
  }
  let successful = 0;
  let failed = 0;
  for (const report of tlsReports) {
    for (const p of report.policies) {
      successful += p.successful;
      failed += p.failed;
    }
  }
  const sourceList: ReportSource[] = [...sources.entries()]
    .map(([ip, s]) => ({ ip, count: s.count, dmarcPass: s.dmarcPass, dmarcFail: s.dmarcFail, isRelay: contains(relay, ip), isPlatform: contains(platform, ip) }))
    .sort((a, b) => b.count - a.count || a.ip.localeCompare(b.ip));
  return {
    files: [...files],
    reports,
    tlsReports,
    totals: { messages, dmarcPass, dmarcFail: messages - dmarcPass },
    tlsTotals: { successful, failed },
    // The aggregate reports' period only (the DMARC numbers are over it); reports cover whole
    // days (RFC 7489 §7.2: a day by default), which the count rounds up to.
    period: Number.isFinite(begin) && Number.isFinite(end) && end >= begin ? { begin: new Date(begin).toISOString(), end: new Date(end).toISOString(), days: Math.ceil((end - begin) / DAY_MS) } : null,
    sources: sourceList,
  };
}

/** Reverse names for the top sources, looked up with the given function (at most `limit`, at once). */
export async function withReverseNames(summary: ReportsSummary, reverse: (ip: string) => Promise<string | null>, limit = 25): Promise<ReportsSummary> {
  const top = summary.sources.slice(0, limit);
  const names = await Promise.all(top.map((s) => reverse(s.ip).catch(() => null)));
  return {
    ...summary,
    sources: summary.sources.map((s, i) => {
      const name = i < top.length ? names[i] : null;
      return name === null || name === undefined ? s : { ...s, reverseName: name };
    }),
  };
}

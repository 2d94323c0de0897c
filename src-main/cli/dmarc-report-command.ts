/**
 * `relayproof dmarc-report FILE... [--address ID] [--json]`: DMARC aggregate and TLS-RPT
 * reports read offline, per report, per record, totals and the sources summed across
 * reports. Files alone load no services; `--address` opens them to flag the address's
 * relay IPs. Exit 0 when every file was read, 1 when some were not (missing, damaged, not a
 * report), 2 for a usage error or a refused file (a DTD, an entity, a zip bomb, too large).
 */
import type { ReportsSummary } from '../../src-preload/contract/reports';
import type { Services } from '../services';
import type { KnownSenders } from '../reports/summary';
import { readReportFiles } from '../reports/read-files';
import { parseConfig } from './command-table';
import { EXIT, oneLine, parseOptions, printJson, printText, UsageError, type CliIo, type ExitCode } from './io';

const USAGE = 'Usage: relayproof dmarc-report FILE... [--address ID] [--json]';
/** More files than this in one run are a folder's worth of reports: 10,000 is months of them. */
const MAX_FILES = 10_000;

function day(iso: string): string {
  return iso.slice(0, 10);
}

/** One decimal at most, rounded down: 99.96 % of messages passing is never shown as 100 %. */
function percent(part: number, whole: number): string {
  if (whole === 0) return '–';
  const text = (Math.floor((part / whole) * 1000) / 10).toFixed(1);
  return `${text.endsWith('.0') ? text.slice(0, -2) : text} %`;
}

function formatSummary(summary: ReportsSummary): string {
  const out: string[] = [];
  const t = summary.totals;
  const read = summary.files.filter((f) => f.ok).length;
  const period = summary.period === null ? '' : ` covering ${day(summary.period.begin)} to ${day(summary.period.end)} (${summary.period.days} ${summary.period.days === 1 ? 'day' : 'days'})`;
  out.push(`${read} of ${summary.files.length} ${summary.files.length === 1 ? 'file' : 'files'} read: ${summary.reports.length} DMARC aggregate ${summary.reports.length === 1 ? 'report' : 'reports'}, ${summary.tlsReports.length} TLS ${summary.tlsReports.length === 1 ? 'report' : 'reports'}${period}.`);
  if (summary.reports.length > 0) {
    out.push(`${t.messages.toLocaleString('en')} messages: ${t.dmarcPass.toLocaleString('en')} passed DMARC (${percent(t.dmarcPass, t.messages)}), ${t.dmarcFail.toLocaleString('en')} failed.`);
    out.push('', 'Sources (summed across reports, most messages first):');
    for (const s of summary.sources) {
      const flags = [s.isRelay ? 'your relay' : null, s.isPlatform ? 'the platform' : null].filter((f) => f !== null).join(', ');
      out.push(`  ${s.dmarcFail === 0 ? '✓' : s.dmarcPass === 0 ? '✗' : '!'} ${s.ip.padEnd(39)} ${String(s.count).padStart(8)} messages, ${s.dmarcPass} pass, ${s.dmarcFail} fail${s.reverseName === undefined ? '' : ` (${oneLine(s.reverseName)})`}${flags === '' ? '' : `  [${flags}]`}`);
    }
    if (summary.sources.length > 0 && !summary.sources.some((s) => s.isRelay)) out.push('  (No source is marked as your relay: give --address ID to mark the relay IPs Relayproof knows for that address.)');
    out.push('', 'Reports:');
    for (const r of summary.reports) {
      const when = r.period === null ? 'no period' : `${day(r.period.begin)} to ${day(r.period.end)}`;
      const p = r.policy;
      const policy = [`p=${p.p ?? '?'}`, p.sp === null ? null : `sp=${p.sp}`, p.np === null ? null : `np=${p.np}`, p.pct === null ? null : `pct=${p.pct}`, p.testing === null ? null : `t=${p.testing}`, p.discoveryMethod === null ? null : `discovery=${p.discoveryMethod}`]
        .filter((x) => x !== null)
        .join(' ');
      out.push(`  ${oneLine(r.org ?? 'unknown reporter')}, report ${oneLine(r.reportId ?? '?')} (${r.format === 'dmarcbis' ? 'DMARCbis' : 'RFC 7489'}), ${when}, ${oneLine(r.domain ?? '?')} ${oneLine(policy)}: ${r.totals.messages} messages, ${r.totals.dmarcPass} pass, ${r.totals.dmarcFail} fail`);
      for (const row of r.records) {
        const reasons = row.reasons.length === 0 ? '' : `, reason ${row.reasons.map((x) => oneLine(x.comment === null ? x.type : `${x.type} (${x.comment})`)).join('; ')}`;
        out.push(`    ${row.dmarc === 'pass' ? '✓' : '✗'} ${row.sourceIp} ×${row.count}: ${oneLine(row.disposition ?? '?')}, DKIM ${oneLine(row.dkim ?? '?')}, SPF ${oneLine(row.spf ?? '?')}, From ${oneLine(row.headerFrom ?? '?')}${reasons}`);
      }
    }
  }
  if (summary.tlsReports.length > 0) {
    out.push('', `TLS (RFC 8460): ${summary.tlsTotals.successful.toLocaleString('en')} sessions succeeded, ${summary.tlsTotals.failed.toLocaleString('en')} failed.`);
    for (const r of summary.tlsReports) {
      for (const p of r.policies) {
        out.push(`  ${p.failed === 0 ? '✓' : '✗'} ${oneLine(r.org ?? 'unknown reporter')}: ${oneLine(p.type)} policy of ${oneLine(p.domain ?? '?')}, ${p.successful} succeeded, ${p.failed} failed`);
        for (const f of p.failures) out.push(`      ${oneLine(f.resultType)} ×${f.count}${f.receivingMx === null ? '' : ` at ${oneLine(f.receivingMx)}`}${f.sendingMtaIp === null ? '' : ` from ${oneLine(f.sendingMtaIp)}`}`);
      }
    }
  }
  const problems = summary.files.filter((f) => !f.ok);
  if (problems.length > 0) {
    out.push('', 'Not read:');
    for (const f of problems) out.push(`  ✗ ${oneLine(f.message ?? f.file)}`);
  }
  return `${out.join('\n')}\n`;
}

export async function runDmarcReportCommand(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const { values, positionals } = parseOptions(args, parseConfig('dmarc-report'), true);
  if (positionals.length === 0) throw new UsageError(`Give one or more report files.\n${USAGE}`);
  if (positionals.length > MAX_FILES) throw new UsageError(`Give at most ${MAX_FILES} files at once.`);
  let known: KnownSenders = {};
  if (typeof values['address'] === 'string') {
    const services = openServices();
    const address = services.store.getAddress(values['address']);
    if (address === undefined) throw new UsageError(`No address with id ${values['address']} is configured. \`relayproof address list\` shows the ids.`);
    known = services.reports.knownSenders(address);
  }
  const summary = await readReportFiles(positionals, known);
  if (values.json === true) printJson(io, { ok: summary.files.every((f) => f.ok), ...summary });
  else printText(io, formatSummary(summary));
  if (summary.files.some((f) => f.problem === 'refused')) return EXIT.usage;
  return summary.files.every((f) => f.ok) ? EXIT.ok : EXIT.checkFailed;
}

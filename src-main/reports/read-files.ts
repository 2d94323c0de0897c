/**
 * Report files read and summed, without the services: what `relayproof dmarc-report` needs
 * when no address is named (no settings, keychain or schemas are loaded for it).
 */
import type { DmarcReportNumbers, ReportsSummary } from '../../src-preload/contract/reports';
import { fileOutcome, readReportFile, type ReportRead } from './report-files';
import { summarizeReports, type KnownSenders } from './summary';

export function summarizeReads(reads: ReadonlyArray<{ readonly name: string; readonly read: ReportRead }>, known: KnownSenders = {}): ReportsSummary {
  return summarizeReports(
    reads.map((r) => fileOutcome(r.name, r.read)),
    reads.flatMap((r) => r.read.dmarc),
    reads.flatMap((r) => r.read.tls),
    known,
  );
}

export async function readReportFiles(paths: readonly string[], known: KnownSenders = {}): Promise<ReportsSummary> {
  // One at a time: each file may inflate to its cap, and two at once would double the peak.
  const reads: Array<{ name: string; read: ReportRead }> = [];
  for (const path of paths) reads.push({ name: path, read: await readReportFile(path) });
  return summarizeReads(reads, known);
}

export function reportNumbers(summary: ReportsSummary): DmarcReportNumbers | null {
  if (summary.totals.messages === 0) return null;
  return { messages: summary.totals.messages, dmarcPass: summary.totals.dmarcPass, days: summary.period?.days ?? 0 };
}

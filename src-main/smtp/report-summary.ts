/**
 * The connection report as `relayproof smtp test` prints it: `--json` (the shape the
 * issue fixes) and the short human phase list. Pure: the renderer may use it too.
 */
import { terminalText } from '../../src-preload/contract/visible-text';
import type { ConnectionReport, PhaseOutcome } from '../../src-preload/contract/smtp-schemas';

export interface ReportSummary {
  readonly ok: boolean;
  readonly phases: readonly { name: string; outcome: PhaseOutcome; ms: number | null; detail: string }[];
  readonly tls: ConnectionReport['tls'];
  readonly auth: ConnectionReport['auth'];
  readonly sendAs: ConnectionReport['sendAs'];
  readonly diagnosis: { code: string; title: string; steps: readonly string[] } | null;
}

export function summarizeReport(report: ConnectionReport): ReportSummary {
  return {
    ok: report.ok,
    phases: report.phases.map((p) => ({ name: p.name, outcome: p.outcome, ms: p.ms, detail: p.detail })),
    tls: report.tls,
    auth: report.auth,
    sendAs: report.sendAs,
    diagnosis: report.diagnosis === null ? null : { code: report.diagnosis.code, title: report.diagnosis.title, steps: report.diagnosis.steps },
  };
}

const MARK: Record<PhaseOutcome, string> = { pass: '✓', warn: '!', fail: '✗', skipped: '·' };

/** The human phase list for a terminal: a detail or diagnosis quoting the server stays one line, its hidden characters escaped. */
export function formatReport(report: ConnectionReport): string {
  const lines = report.phases.map((p) => `${MARK[p.outcome]} ${p.name.padEnd(9)} ${p.ms === null ? '' : `${String(p.ms).padStart(5)} ms  `}${terminalText(p.detail)}`);
  const d = report.diagnosis;
  if (d !== null) {
    lines.push('', `${d.title} (${d.code})`, terminalText(d.happened), `Likely cause: ${terminalText(d.cause)}`, ...d.steps.map((step, i) => `  ${i + 1}. ${terminalText(step)}`));
    for (const shown of d.saasShows) lines.push(`What ${shown.platform} shows: "${shown.text}"`);
  }
  lines.push('', report.ok ? `Passed in ${report.ms} ms.` : `Failed in the ${report.failure?.phase ?? '?'} phase.`);
  return lines.join('\n');
}

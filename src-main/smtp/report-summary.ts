/**
 * The connection report as `relayproof smtp test` prints it: `--json` (the shape the
 * issue fixes) and the short human phase list. Pure: the renderer may use it too.
 */
import { forSurface } from '../../src-preload/contract/surface-text';
import { terminalText } from '../../src-preload/contract/visible-text';
import type { ConnectionReport, PhaseOutcome } from '../../src-preload/contract/smtp-schemas';

export interface ReportSummary {
  /** The test passed (the exit code says the same). */
  readonly ok: boolean;
  /** The test passed and nothing in it would stop the SaaS platform. */
  readonly platformReady: boolean;
  readonly blockers: ConnectionReport['blockers'];
  readonly phases: readonly { name: string; outcome: PhaseOutcome; ms: number | null; detail: string }[];
  readonly tls: ConnectionReport['tls'];
  readonly auth: ConnectionReport['auth'];
  readonly sendAs: ConnectionReport['sendAs'];
  readonly diagnosis: { code: string; title: string; steps: readonly string[] } | null;
}

export function summarizeReport(report: ConnectionReport): ReportSummary {
  return {
    ok: report.ok,
    platformReady: report.platformReady,
    blockers: report.blockers,
    phases: report.phases.map((p) => ({ name: p.name, outcome: p.outcome, ms: p.ms, detail: p.detail })),
    tls: report.tls,
    auth: report.auth,
    sendAs: report.sendAs,
    diagnosis: report.diagnosis === null ? null : { code: report.diagnosis.code, title: report.diagnosis.title, steps: report.diagnosis.steps.map((step) => forSurface(step, 'cli', { host: report.target.host })) },
  };
}

const MARK: Record<PhaseOutcome, string> = { pass: '✓', warn: '!', fail: '✗', skipped: '·' };

/**
 * The human phase list for a terminal: a detail or diagnosis quoting the server stays one
 * line, its hidden characters escaped. Blockers come first: a "Passed" that the platform
 * will not repeat must not be the first thing read.
 */
export function formatReport(report: ConnectionReport, options: { readonly platform?: string | undefined } = {}): string {
  const blockers = report.blockers.flatMap((b, i) => [`${i + 1}. ${terminalText(b.message)} (${b.code})`, `   Fix: ${terminalText(b.fix)}`]);
  const heading = report.blockers.length === 1 ? 'Not ready for the platform: 1 blocker' : `Not ready for the platform: ${report.blockers.length} blockers`;
  const first = blockers.length === 0 ? [] : [`${heading}`, ...blockers, ''];
  const lines = report.phases.map((p) => `${MARK[p.outcome]} ${p.name.padEnd(9)} ${p.ms === null ? '' : `${String(p.ms).padStart(5)} ms  `}${terminalText(p.detail)}`);
  const d = report.diagnosis;
  if (d !== null) {
    lines.push('', `${d.title} (${d.code})`, terminalText(d.happened), `Likely cause: ${terminalText(d.cause)}`, ...d.steps.map((step, i) => `  ${i + 1}. ${terminalText(forSurface(step, 'cli', { host: report.target.host }))}`));
    // What the platform will show, only for the address's own platform (an ad-hoc test speaks for none).
    for (const shown of d.saasShows.filter((s) => s.platform === options.platform)) lines.push(`What ${shown.platform} shows: "${shown.text}"`);
  }
  const passed = report.platformReady ? `Passed in ${report.ms} ms.` : `Passed in ${report.ms} ms here, but not ready for the platform (see the blockers above).`;
  lines.push('', report.ok ? passed : `Failed in the ${report.failure?.phase ?? '?'} phase.`);
  return [...first, ...lines].join('\n');
}

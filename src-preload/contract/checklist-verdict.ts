/**
 * A checklist run's verdict in words, the same in the app (Checklist, wizard step 6) and
 * in `relayproof check`: only items required on the route decide it (report.blocking), a
 * required item that could not be checked is said as such (never "fails"), and what the
 * route does not need is counted apart. Pure TypeScript.
 */
import type { ChecklistReport } from './checks-schemas';
import { countOf } from './plural';

export interface RunVerdict {
  /** Nothing required on the route fails or could not be checked (the report's `ok`). */
  readonly ok: boolean;
  /** "Nothing required fails." / "2 required items fail." — never counts what the route does not need. */
  readonly headline: string;
  /** The headline with what else the admin should know: the other states, counted. */
  readonly sentence: string;
}

/**
 * The run's verdict as the admin reads it: only items required on the route decide it
 * (report.blocking), so a key the route does not need or an optional record's failure
 * never reads as "the setup fails".
 */
export function verdictOf(report: ChecklistReport): RunVerdict {
  const byId = new Map(report.items.map((i) => [i.id, i] as const));
  const failing = report.blocking.filter((id) => byId.get(id)?.status === 'fail').length;
  const unknown = report.blocking.length - failing;
  const parts = [
    ...(failing > 0 ? [`${countOf(failing, 'required item fails', 'required items fail')}`] : []),
    ...(unknown > 0 ? [`${countOf(unknown, 'required item could not be checked', 'required items could not be checked')}`] : []),
  ];
  const headline = parts.length === 0 ? 'nothing required fails.' : `${parts.join(', ')}.`;
  const c = report.counts;
  const rest = [
    `${c.pass} passed`,
    ...(c.warn > 0 ? [countOf(c.warn, 'warning', 'warnings')] : []),
    // Failures of items the route does not require: worth fixing, not what decides.
    ...(c.fail > failing ? [`${countOf(c.fail - failing, 'item that is not required fails', 'items that are not required fail')}`] : []),
    ...(c.error > unknown ? [`${countOf(c.error - unknown, 'item that is not required could not be checked', 'items that are not required could not be checked')}`] : []),
    ...(c['needs-input'] > 0 ? [countOf(c['needs-input'], 'needs something from you', 'need something from you')] : []),
    ...(c.pending > 0 ? [`${c.pending} pending`] : []),
    ...(c['not-needed'] > 0 ? [`${c['not-needed']} not needed on this route`] : []),
  ];
  const capital = headline.charAt(0).toUpperCase() + headline.slice(1);
  return { ok: report.ok, headline: capital, sentence: `${capital} ${rest.join(', ')}.` };
}

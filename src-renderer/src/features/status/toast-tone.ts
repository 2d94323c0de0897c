/**
 * What a 'verification:changes' toast says and how it looks, from what changed in that
 * run, not from the address's overall state: "DMARC record is now verified" on an address
 * that still fails elsewhere is good news, titled and coloured as such, with the overall
 * state said in its body. Pure, so it is tested on its own.
 */
import type { VerificationChange } from '../../../../src-preload/contract';
import type { ItemStateName } from '../../../../src-preload/contract/verification-schemas';
import { assertNever } from '../../app/assert-never';
import { addressStandingLabels } from '../../../../src-preload/contract/state-labels';
import { itemStateLabels } from './status-format';

export type ToastIntent = 'success' | 'warning' | 'error' | 'info';

export interface ToastTone {
  readonly intent: ToastIntent;
  readonly title: string;
  /** One line per changed item (at most three), in the Status view's words. */
  readonly lines: readonly string[];
  /** The address as a whole, when the change alone does not say it (null when it does). */
  readonly overall: string | null;
}

type Direction = 'better' | 'worse' | 'neutral';

/** Verified is the goal; failed is the bad end; stale is a verified item that drifted. */
function direction(to: ItemStateName): Direction {
  switch (to) {
    case 'verified':
      return 'better';
    case 'failed':
    case 'stale':
      return 'worse';
    case 'pending':
    case 'unverified':
      return 'neutral';
    default:
      return assertNever(to);
  }
}

const MAX_LINES = 3;

export function toastTone(change: Pick<VerificationChange, 'address' | 'overall' | 'transitions'>): ToastTone {
  const changed = change.transitions.filter((t) => t.from !== t.to);
  const better = changed.filter((t) => direction(t.to) === 'better');
  const worse = changed.filter((t) => direction(t.to) === 'worse');
  const failed = worse.filter((t) => t.to === 'failed');
  const shown = changed.slice(0, MAX_LINES).map((t) => `${t.title}: ${itemStateLabels[t.from]} → ${itemStateLabels[t.to]}`);
  const lines = changed.length > MAX_LINES ? [...shown, `and ${changed.length - MAX_LINES} more`] : shown;
  // The change comes from a check that just ran: an address still unverified is not fully checked, never "never checked".
  const overall = `Overall: ${addressStandingLabels[change.overall === 'unverified' ? 'not-fully-checked' : change.overall]}.`;
  const items = (n: number) => `${n} item${n === 1 ? '' : 's'}`;

  if (worse.length > 0) {
    const title = worse.length === 1 && worse[0] !== undefined ? `${change.address}: ${worse[0].title} ${worse[0].to === 'failed' ? 'failed' : 'changed since verified'}` : `${change.address}: ${items(worse.length)} got worse`;
    return { intent: failed.length > 0 ? 'error' : 'warning', title, lines, overall: better.length > 0 ? `${overall} ${items(better.length)} also verified.` : overall };
  }
  if (better.length > 0) {
    if (change.overall === 'verified') return { intent: 'success', title: `${change.address} is verified`, lines, overall: null };
    const title = better.length === 1 && better[0] !== undefined ? `${change.address}: ${better[0].title} verified` : `${change.address}: ${items(better.length)} verified`;
    return { intent: 'success', title, lines, overall };
  }
  return { intent: 'info', title: `${change.address}: ${changed.length === 0 ? 'checked' : `${items(changed.length)} changed`}`, lines, overall };
}

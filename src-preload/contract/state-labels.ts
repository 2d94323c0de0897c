/**
 * One word per state, the same in every view: the Status view and its dashboard, the
 * Addresses table, the fleet dashboard, `relayproof status` (and `--all`), `relayproof
 * address list` and the exported report. An admin reads "Never checked" in one place and
 * "Not tested yet" in another as two facts; so every surface asks these functions and
 * prints nothing of its own for a state. Three facts stay apart because they are apart:
 *
 * - the address's verdict (its status items): never checked, not fully checked yet,
 *   pending, verified (with warnings), failed, changed since verified;
 * - one item's state within it (needs input, not decided yet, ...);
 * - the connection test alone (the Addresses table's "last test"), which can have run
 *   while the status never was, and the other way round;
 *
 * and an SES identity's state is Zuora's own word, as the admin sees it in Zuora.
 * Pure TypeScript.
 */
import type { LastTest } from './addresses-schemas';
import type { SesVerificationState } from './ses-identities';
import type { ItemStateName, StatusItem, StatusView } from './verification-schemas';
import { awaitingInput, isUndecided } from './status-item-state';

// ---------------------------------------------------------------------------
// The address's verdict

export const addressStandings = ['failed', 'stale', 'pending', 'not-fully-checked', 'never-checked', 'verified-with-warnings', 'verified'] as const;
/** The address's verdict, worst first in `addressStandings` (the order the fleet sorts and counts in). */
export type AddressStanding = (typeof addressStandings)[number];

export const addressStandingLabels: Readonly<Record<AddressStanding, string>> = {
  failed: 'Failed',
  stale: 'Changed since verified',
  pending: 'Pending',
  // A check ran, but some item is still open (not reached, not decided, or reset since).
  'not-fully-checked': 'Not fully checked yet',
  // No status check has ever looked at this address: nothing is known, nothing failed.
  'never-checked': 'Never checked',
  'verified-with-warnings': 'Verified, with warnings',
  verified: 'Verified',
};

/** The warnings behind a verified item (the checklist's `warn`): verified, with something to fix. */
export function itemWarnings(item: Pick<StatusItem, 'status'>): string[] {
  const s = item.status;
  if (s.state !== 'verified') return [];
  return s.evidence.facts.filter((f) => f.label === 'Warning').map((f) => f.value);
}

/** What of the last connection test bears on the verdict: it passed here, but the platform would be stopped. */
export type ConnectionTestFacts = Pick<LastTest, 'ok' | 'blockers'> | null;

/**
 * The address's verdict from its status (and its last connection test, when the caller has
 * it: a connection that passed only on this computer is never a plain "Verified").
 */
export function addressStanding(view: Pick<StatusView, 'overall' | 'items' | 'lastCheckedAt'>, lastTest: ConnectionTestFacts = null): AddressStanding {
  switch (view.overall) {
    case 'failed':
    case 'stale':
    case 'pending':
      return view.overall;
    case 'unverified':
      return view.lastCheckedAt === null ? 'never-checked' : 'not-fully-checked';
    case 'verified': {
      const warned = view.items.some((i) => itemWarnings(i).length > 0) || (lastTest !== null && lastTest.ok && lastTest.blockers.length > 0);
      return warned ? 'verified-with-warnings' : 'verified';
    }
  }
}

/** The verdict in words ("Never checked", "Verified, with warnings", ...). */
export function addressVerdictLabel(view: Pick<StatusView, 'overall' | 'items' | 'lastCheckedAt'>, lastTest: ConnectionTestFacts = null): string {
  return addressStandingLabels[addressStanding(view, lastTest)];
}

// ---------------------------------------------------------------------------
// One item of the status

export const itemStateLabels: Readonly<Record<ItemStateName, string>> = {
  unverified: 'Not checked yet',
  pending: 'Pending',
  verified: 'Verified',
  failed: 'Failed',
  stale: 'Changed since verified',
};

/** An item's state in the status view's sense, with what the bare state does not say. */
export type ItemStanding = ItemStateName | 'needs-input' | 'undecided' | 'verified-with-warning';

export const itemStandingLabels: Readonly<Record<ItemStanding, string>> = {
  ...itemStateLabels,
  'needs-input': 'Needs input',
  undecided: 'Not decided yet',
  'verified-with-warning': 'Verified, with a warning',
};

/**
 * The item's state as the admin reads it: a check that waits for their input says so, one
 * that ran without deciding is "not decided yet" (never "not checked"), a verified item
 * with something to fix is not a plain "Verified".
 */
export function itemStanding(item: Pick<StatusItem, 'status' | 'checkedAt' | 'lastError'>): ItemStanding {
  const s = item.status;
  if (s.state === 'unverified') {
    if (awaitingInput(item) !== null) return 'needs-input';
    if (isUndecided(item)) return 'undecided';
    return 'unverified';
  }
  if (s.state === 'verified' && itemWarnings(item).length > 0) return 'verified-with-warning';
  return s.state;
}

export function itemLabel(item: Pick<StatusItem, 'status' | 'checkedAt' | 'lastError'>): string {
  return itemStandingLabels[itemStanding(item)];
}

// ---------------------------------------------------------------------------
// The connection test alone (the address's last SMTP test)

export type ConnectionTestStanding = 'never-tested' | 'failed' | 'passed-here-only' | 'passed';

export const connectionTestLabels: Readonly<Record<ConnectionTestStanding, string>> = {
  // Only the connection test: the status (DNS, delivery) may have been checked or not.
  'never-tested': 'Connection not tested yet',
  failed: 'Last test failed',
  'passed-here-only': 'Passed here, not platform-ready',
  passed: 'Last test passed',
};

export function connectionTestStanding(lastTest: Pick<LastTest, 'ok' | 'blockers'> | null): ConnectionTestStanding {
  if (lastTest === null) return 'never-tested';
  if (!lastTest.ok) return 'failed';
  return lastTest.blockers.length > 0 ? 'passed-here-only' : 'passed';
}

export function connectionTestLabel(lastTest: Pick<LastTest, 'ok' | 'blockers'> | null): string {
  return connectionTestLabels[connectionTestStanding(lastTest)];
}

// ---------------------------------------------------------------------------
// An SES identity (Zuora advanced SMTP)

/** Zuora's Verification Status column, as Zuora writes it: the admin compares it with Zuora's screen. */
export const sesStateLabels: Readonly<Record<SesVerificationState, string>> = {
  pending: 'Pending',
  success: 'Success',
  failed: 'Failed',
};

/** The identity's state; `overdue`: past Zuora's window (or the email link's 24 hours). */
export function sesIdentityLabel(state: SesVerificationState, overdue = false): string {
  return overdue ? `${sesStateLabels[state]} (overdue)` : sesStateLabels[state];
}

/**
 * What the addresses list says about each address, as pure functions of the address,
 * the Settings default and the current time (tested beside this file): where its setup
 * stands and how old its credential is. Whether its rotation reminder is due is the
 * contract's rule (src-preload/contract/rotation-reminder.ts), shared with the CLI.
 */
import type { AddressView, AuthKind, LifecycleEvent } from '../../../../src-preload/contract';
import type { PlatformBlocker, PlatformBlockerCode } from '../../../../src-preload/contract/platform-readiness';
import { checkLending, type LendingSettings } from '../../../../src-preload/contract/lending';
import { connectionTestLabel, connectionTestStanding, type ConnectionTestStanding } from '../../../../src-preload/contract/state-labels';
import { assertNever } from '../../app/assert-never';
import { formatLocalTime } from '../../ui/time-format';

const DAY_MS = 86_400_000;

export type AddressState =
  | { readonly kind: 'setup-in-progress' }
  | { readonly kind: 'keychain-unavailable' }
  | { readonly kind: 'secret-missing' }
  /** Stored, but held back: the connection it was saved for changed (a new certificate pin). Main refuses to lend it with the same words. */
  | { readonly kind: 'secret-held'; readonly message: string; readonly hint: string }
  | { readonly kind: 'untested' }
  | { readonly kind: 'last-test-passed' }
  /** Passed on this workstation, but something in it stops the platform (never shown as a plain pass). */
  | { readonly kind: 'last-test-blocked'; readonly blockers: readonly PlatformBlocker[] }
  | { readonly kind: 'last-test-failed'; readonly summary: string };

/**
 * The one state that matters most now: an unfinished setup first, then a missing or held-back
 * secret (with Settings, which decide the certificate pin), then the last test.
 */
export function stateOf(address: AddressView, settings?: LendingSettings): AddressState {
  if (address.setup === 'in-progress') return { kind: 'setup-in-progress' };
  if (address.secret.stored === null) return { kind: 'keychain-unavailable' };
  if (!address.secret.stored) return { kind: 'secret-missing' };
  const hold = settings === undefined ? null : checkLending(address, 'smtp', settings).hold;
  if (hold !== null) return { kind: 'secret-held', message: hold.message, hint: hold.hint };
  if (address.lastTest === null) return { kind: 'untested' };
  if (!address.lastTest.ok) return { kind: 'last-test-failed', summary: address.lastTest.summary };
  return address.lastTest.blockers.length > 0 ? { kind: 'last-test-blocked', blockers: address.lastTest.blockers } : { kind: 'last-test-passed' };
}

/**
 * What the Last test column says beside the status chip: when the last connection test ran
 * and the server's one line, with the test's verdict only when the chip shows another state
 * (an unfinished setup, a missing or held-back secret, no keychain). The chip's words again
 * in the next cell read as a second fact.
 */
export type LastTestColumn =
  /** No connection test ran: there is no time to show, and the verdict is not this column's. */
  | { readonly kind: 'none' }
  | {
      readonly kind: 'ran';
      readonly at: string;
      readonly standing: ConnectionTestStanding;
      /** The verdict's words, or null when the status chip already says them. */
      readonly verdict: string | null;
      readonly summary: string;
    };

/**
 * The Last test cell of an address that was never tested: a dash drawn and "None" read. A
 * screen reader announces it after the column's header ("Last test: None"); a sentence such
 * as "No connection test yet" would repeat the chip to the ear, and anything with "never"
 * could be taken for the status verdict "Never checked".
 */
export const noLastTest = { shown: '—', spoken: 'None' } as const;

export function lastTestColumn(address: AddressView, state: AddressState): LastTestColumn {
  const last = address.lastTest;
  if (last === null) return { kind: 'none' };
  return { kind: 'ran', at: last.at, standing: connectionTestStanding(last), verdict: chipShowsLastTest(state) ? null : connectionTestLabel(last), summary: last.summary };
}

/** Whether the status chip is the last connection test's verdict (rather than a state that comes before it). */
function chipShowsLastTest(state: AddressState): boolean {
  switch (state.kind) {
    case 'untested':
    case 'last-test-passed':
    case 'last-test-blocked':
    case 'last-test-failed':
      return true;
    case 'setup-in-progress':
    case 'keychain-unavailable':
    case 'secret-missing':
    case 'secret-held':
      return false;
    default:
      return assertNever(state);
  }
}

/** A blocker in a few words, for a table cell (the whole message is in the Status view and the wizard). */
export const blockerShortLabels: Readonly<Record<PlatformBlockerCode, string>> = {
  'host-not-public': 'host not reachable from the internet',
  'certificate-not-public': 'certificate trusted only through a pin',
  'tls-legacy': 'no TLS 1.2 or newer',
  'continued-anyway': 'a step was passed with “continue anyway”',
};

/** Whole days from `from` to `now`, never negative (a clock a little behind shows "today"). */
export function daysBetween(from: string, now: Date): number | null {
  const then = Date.parse(from);
  if (Number.isNaN(then)) return null;
  return Math.max(0, Math.floor((now.getTime() - then) / DAY_MS));
}

/** "today", "yesterday", "34 days ago" in the admin's language. */
export function relativeDays(days: number, locale?: string): string {
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-days, 'day');
}

/**
 * How the keychain entry was last written, from the address's lifecycle events: `rotated`
 * after a tested rotation, `saved` when it was only ever saved (created, or replaced without
 * a rotation test); null while the events are not known.
 */
export type SecretWrite = 'rotated' | 'saved';

/** The kind of the newest secret write among `events` (any order), or `saved` when none is a rotation. */
export function lastSecretWrite(events: readonly Pick<LifecycleEvent, 'kind' | 'at'>[]): SecretWrite {
  let newest: Pick<LifecycleEvent, 'kind' | 'at'> | null = null;
  for (const e of events) {
    if (e.kind !== 'rotated' && e.kind !== 'secret-saved') continue;
    if (newest === null || e.at > newest.at) newest = e;
  }
  return newest?.kind === 'rotated' ? 'rotated' : 'saved';
}

/**
 * "rotated 34 days ago" after a rotation, "saved today" for a secret never rotated (a
 * credential just created was not rotated); "changed …" while the events are unknown.
 * Null when no change time is known.
 */
export function credentialAge(address: AddressView, now: Date, write: SecretWrite | null, locale?: string): string | null {
  if (address.secret.stored !== true || address.secret.changedAt === null) return null;
  const days = daysBetween(address.secret.changedAt, now);
  if (days === null) return null;
  const verb = write === 'rotated' ? 'rotated' : write === 'saved' ? 'saved' : 'changed';
  return `${verb} ${relativeDays(days, locale)}`;
}

/** A date and time in the admin's locale and time zone, with the zone named (the renderer's one format). */
export function formatDateTime(iso: string, locale?: string, timeZone?: string): string {
  return formatLocalTime(iso, locale, timeZone);
}

/** The word for the secret of this sign-in method, as the dialogs use it. */
export function secretNoun(kind: AuthKind): string {
  switch (kind) {
    case 'password':
      return 'password';
    case 'app-password':
      return 'app password';
    case 'api-key':
      return 'API key';
    case 'oauth2':
      return 'client secret';
    default:
      return assertNever(kind);
  }
}

/** `relayproof-addresses-2026-03-14.json`, dated in the admin's own time zone. */
export function exportFileName(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `relayproof-addresses-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.json`;
}

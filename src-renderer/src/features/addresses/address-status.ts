/**
 * What the addresses list says about each address, as pure functions of the address,
 * the Settings default and the current time (tested beside this file): where its setup
 * stands and how old its credential is. Whether its rotation reminder is due is the
 * contract's rule (src-preload/contract/rotation-reminder.ts), shared with the CLI.
 */
import type { AddressView, AuthKind } from '../../../../src-preload/contract';
import type { PlatformBlocker, PlatformBlockerCode } from '../../../../src-preload/contract/platform-readiness';
import { checkLending, type LendingSettings } from '../../../../src-preload/contract/lending';
import { assertNever } from '../../app/assert-never';

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

/** "rotated 34 days ago"; null when no change time is known. */
export function credentialAge(address: AddressView, now: Date, locale?: string): string | null {
  if (address.secret.stored !== true || address.secret.changedAt === null) return null;
  const days = daysBetween(address.secret.changedAt, now);
  return days === null ? null : `rotated ${relativeDays(days, locale)}`;
}

/** A date and time in the admin's locale and time zone, with the zone named. */
export function formatDateTime(iso: string, locale?: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  // dateStyle/timeStyle cannot be combined with timeZoneName: spell the parts out.
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
    ...(timeZone === undefined ? {} : { timeZone }),
  }).format(date);
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

/**
 * Words and numbers of the status view: state and group labels, the 72-hour countdown,
 * times in the admin's locale and time zone (Intl), and the link into the checklist
 * for a DNS item. Pure, so it is tested on its own.
 */
import type { ItemGroup } from '../../../../src-preload/contract/verification-schemas';
import { routeHref } from '../../app/routes';
import { formatTimeOr } from '../../ui/time-format';

// The same question the report asks (one verdict in every view).
export { awaitingInput, isUndecided } from '../../../../src-preload/contract/verification-schemas';

// The contract's words for every state (the CLI and the report use the same ones).
export { addressVerdictLabel, itemLabel, itemStateLabels, itemWarnings } from '../../../../src-preload/contract/state-labels';

export const groupOrder: readonly ItemGroup[] = ['connection', 'delivery', 'authentication', 'dns', 'forwarding'];

export const groupLabels: Readonly<Record<ItemGroup, string>> = {
  connection: 'Connection',
  delivery: 'Delivery',
  authentication: 'Authentication',
  dns: 'DNS',
  forwarding: 'Forwarding',
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** 71 h 12 min; 12 min; under a minute. Rounded down: never promises more time than there is. */
export function formatDuration(ms: number): string {
  if (ms < MINUTE) return 'under a minute';
  const hours = Math.floor(ms / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  if (hours === 0) return `${minutes} min`;
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

/** Milliseconds left until `deadlineAt` at `now` (0 when past, null when there is no deadline). */
export function remainingMs(deadlineAt: string | null, now: Date): number | null {
  if (deadlineAt === null) return null;
  const at = Date.parse(deadlineAt);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

/** The sentence under a DNS item inside the platforms' 72-hour window. */
export function countdownSentence(state: 'pending' | 'stale', ms: number): string {
  if (ms <= 0) return 'The 72-hour window is over: the item fails at the next check.';
  const left = formatDuration(ms);
  return state === 'pending' ? `Fails in ${left} if the record does not appear.` : `Fails in ${left} if the record is not put back or corrected.`;
}

/** 850 ms; 2.4 s; 3 min 5 s. */
export function formatDelay(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < MINUTE) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / MINUTE);
  const seconds = Math.round((ms % MINUTE) / 1000);
  return `${minutes} min ${seconds} s`;
}

/** Times as the admin reads them (their locale and time zone, with the zone's name); `empty` for none. */
export function formatTime(iso: string | null, empty: string, locale?: string, timeZone?: string): string {
  return formatTimeOr(iso, empty, locale, timeZone);
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

/** `dns:dkim:relay1` → the selector the DKIM item is about ('' for other items). */
export function selectorOf(itemId: string): string {
  return itemId.startsWith('dns:dkim:') && itemId !== 'dns:dkim:*' ? itemId.slice('dns:dkim:'.length) : '';
}

/**
 * The checklist with this address's domain, platform and selectors filled in and run:
 * its results carry the exact record to publish for the failing item.
 */
/** The Checklist view on this saved address: the same input, the same verdicts as the status. */
export function checklistHref(addressId: string): string {
  return routeHref('checklist', { address: addressId });
}

export function statusHref(addressId: string | null): string {
  return addressId === null ? routeHref('status') : routeHref('status', { address: addressId });
}

// The drop zones' bounded read (one copy, in ui/).
export { toBase64 } from '../../ui/file-read';

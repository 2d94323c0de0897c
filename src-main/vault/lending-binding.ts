/**
 * The lending binding of an address's stored secrets (src-preload/contract/lending.ts decides;
 * this file makes and records bindings): when a secret is saved, rotated, typed again and
 * passed, or signs in, the connection it went to is written on the address — server and
 * account, the pin in force, Settings' DNS servers, the host's addresses. Never a secret.
 *
 * Who binds: saving a secret (create, set-secret, rotation, a mailbox with its password,
 * the OAuth app's client secret or certificate) binds it afresh, because the old secret is
 * gone or the admin is present with the new one; a test with the typed secret equal to the
 * stored one re-binds; a lending that signed in refreshes the addresses and DNS servers.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Address, LendingBinding, LendingBindings, LendingPurpose, Settings } from '../../src-preload/contract';
import { pinFor, targetOf, type LendingCheck } from '../../src-preload/contract/lending';
import type { ConnectionReport } from '../../src-preload/contract/smtp-schemas';
import type { AppStore } from '../store/store';

export { checkLending, type LendingCheck } from '../../src-preload/contract/lending';

const EMPTY: LendingBindings = { smtp: null, oauth: null, imap: null, 'imap-forwarding': null };
const MAX_IPS = 32;

/** The binding of `purpose` to where the address sends it now, under the current Settings. */
export function bindingFor(address: Address, purpose: LendingPurpose, settings: Settings, at: string, ips: readonly string[] = []): LendingBinding | null {
  const target = targetOf(address, purpose);
  if (target === null) return null;
  const mailbox = purpose === 'imap' || purpose === 'imap-forwarding';
  return {
    at,
    ...target,
    pinSha256: mailbox ? null : (pinFor(settings, address.host)?.sha256 ?? null),
    dnsServers: mailbox ? [] : [...settings.dnsServers],
    ips: [...new Set(ips)].slice(0, MAX_IPS),
  };
}

/** The address's bindings with `purpose` replaced. */
export function withBinding(address: Address, purpose: LendingPurpose, binding: LendingBinding | null): LendingBindings {
  return { ...EMPTY, ...address.lending, [purpose]: binding };
}

/** Record fresh bindings of `purposes` in one write (the secret was just saved, or proven by being typed again). */
export function bind(
  store: Pick<AppStore, 'getAddress' | 'settings' | 'setAddressStatus'>,
  addressId: string,
  purposes: LendingPurpose | readonly LendingPurpose[],
  at: string,
  ips: readonly string[] = [],
): void {
  const address = store.getAddress(addressId);
  if (address === undefined) return;
  const settings = store.settings();
  let lending = { ...EMPTY, ...address.lending };
  for (const purpose of typeof purposes === 'string' ? [purposes] : purposes) lending = { ...lending, [purpose]: bindingFor(address, purpose, settings, at, ips) };
  store.setAddressStatus(addressId, { lending });
}

/**
 * When an edit moves the address (its server, or a mailbox) the bindings stay with the
 * old connection, so whatever secret might remain is held back there ("saved for another
 * server") until a new one is saved. A binding not recorded yet is recorded as the old
 * connection first. Null when nothing changes.
 */
export function bindingsAfterMove(before: Address, after: Address, settings: Settings): LendingBindings | null {
  let lending: LendingBindings = { ...EMPTY, ...before.lending };
  let changed = false;
  for (const purpose of ['smtp', 'oauth', 'imap', 'imap-forwarding'] as const) {
    const was = targetOf(before, purpose);
    const now = targetOf(after, purpose);
    const moved = was !== null && (now === null || JSON.stringify({ ...was, host: was.host.toLowerCase() }) !== JSON.stringify({ ...now, host: now.host.toLowerCase() }));
    if (!moved || lending[purpose] !== null) continue;
    lending = { ...lending, [purpose]: bindingFor(before, purpose, settings, before.updatedAt) };
    changed = true;
  }
  return changed ? lending : null;
}

/**
 * The address the secret really went to (the one connected to, or the literal IP). Not
 * every A and AAAA answer: a hostile resolver could list the real server first and its
 * own address second, and that second address would then count as "signed in before".
 */
export function ipsOf(report: ConnectionReport): string[] {
  const used = report.dns?.used ?? null;
  return used === null ? [] : [used];
}

/**
 * After a lending that signed in: the binding as it now stands (same server and pin, the
 * DNS servers in force, and the address just signed in at added to those known). `at`
 * stays when the binding was made (a secret saved or proven): a held OAuth token is
 * lent only when it was got after that, and a sign-in with it must not move that time.
 */
export function refreshedAfterSignIn(check: LendingCheck, settings: Settings, report: ConnectionReport): LendingBinding | null {
  const binding = check.binding;
  if (binding === null) return null;
  // Only addresses already known are kept when the DNS servers did not change; after a change, start from the one just proven.
  const known = check.dnsChanged ? [] : binding.ips;
  const ips = [...new Set([...ipsOf(report), ...known])].slice(0, MAX_IPS);
  return { ...binding, pinSha256: check.pinSha256, dnsServers: [...settings.dnsServers], ips };
}

/** Constant-time comparison of a typed secret with the stored one (the proof that lets a test re-bind). */
export function sameSecret(typed: string, stored: string): boolean {
  const a = Buffer.from(typed, 'utf8');
  const b = Buffer.from(stored, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

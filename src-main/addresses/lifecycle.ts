/**
 * The address lifecycle in words: what an event records (never a secret), which edits
 * count as a server change or a move between environments, and the one-line summary of
 * a connection test kept on the address. Pure.
 */
import type { Address, LastTest, LifecycleEvent } from '../../src-preload/contract/addresses-schemas';
import type { ConnectionReport } from '../../src-preload/contract/smtp-schemas';
import { SECRET_PURPOSES, type SecretPurpose } from '../vault/vault';

export type EventDraft = Omit<LifecycleEvent, 'id' | 'at'>;

export function eventFor(address: Pick<Address, 'id' | 'address' | 'platform' | 'environment'>, kind: LifecycleEvent['kind'], detail: string): EventDraft {
  return { kind, addressId: address.id, address: address.address.slice(0, 320), platform: address.platform, environment: address.environment, detail: detail.slice(0, 1000) };
}

/** The fields a stored secret is bound to: changing one is a server change. */
export const SERVER_FIELDS = ['host', 'port', 'security', 'username', 'authKind'] as const;

export function serverOf(a: Pick<Address, (typeof SERVER_FIELDS)[number]>): string {
  return `${a.host}:${a.port} (${a.security}) as ${a.username}, ${a.authKind}`;
}

export function serverChanged(before: Address, after: Address): boolean {
  return SERVER_FIELDS.some((key) => before[key] !== after[key]);
}

/** The events an edit leaves: a server change, and a move between sandbox and production. */
export function eventsForUpdate(before: Address, after: Address, secretRemoved: boolean): EventDraft[] {
  const events: EventDraft[] = [];
  if (serverChanged(before, after)) {
    events.push(
      eventFor(
        after,
        'server-changed',
        `Server changed from ${serverOf(before)} to ${serverOf(after)}${secretRemoved ? '; the saved secret was removed from the keychain and must be entered again' : ''}.`,
      ),
    );
  }
  if (before.environment !== after.environment) {
    events.push(
      eventFor(after, 'environment-changed', `Moved from ${before.environment} to ${after.environment}. Delete it from the ${before.environment} account of the platform, then verify it again in ${after.environment}.`),
    );
  }
  return events;
}

const PURPOSE_WORDS: Record<SecretPurpose, string> = { smtp: 'SMTP secret', imap: 'mailbox (IMAP) password', 'oauth-client': 'OAuth client secret', 'imap-forwarding': 'forwarding check mailbox password', 'oauth-certificate': 'OAuth certificate private key' };

/** "its SMTP secret and mailbox (IMAP) password were removed from the keychain". */
export function keychainRemovalDetail(removed: readonly SecretPurpose[], unreachable: boolean): string {
  if (unreachable) return 'the OS keychain could not be reached; Relayproof had no secret stored for it';
  if (removed.length === 0) return 'no keychain entry was stored for it';
  const words = SECRET_PURPOSES.filter((p) => removed.includes(p)).map((p) => PURPOSE_WORDS[p]);
  const list = words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
  return `its ${list} ${removed.length === 1 ? 'was' : 'were'} removed from the keychain`;
}

/** The one line kept on the address about its last test. */
export function lastTestOf(report: ConnectionReport, at: string): LastTest {
  let summary: string;
  if (report.ok) {
    if (report.testSend?.accepted === true) summary = 'Signed in and sent a test message';
    else if (report.sendAs?.accepted === true) summary = 'Signed in and accepted the sender';
    else if (report.auth?.accepted === true) summary = 'Signed in';
    else summary = 'Connected';
    if (report.outcome === 'warn') summary += ', with warnings';
  } else {
    summary = report.diagnosis?.title ?? report.failure?.message ?? 'The test failed';
    if (report.failure !== null) summary = `${summary} (${report.failure.phase})`;
  }
  return { at, ok: report.ok, summary: summary.slice(0, 500), platformReady: report.platformReady, blockers: report.blockers };
}

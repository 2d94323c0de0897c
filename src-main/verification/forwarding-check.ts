/**
 * The "forwarding" status item: mail sent TO the connected address must end up
 * in the forwarding check mailbox (a test setup, or the platform's target mailbox the
 * admin can read). Relayproof sends a message with its own token to the address and looks
 * for it there; this file turns what happened into the item's observation.
 *
 * How many forwarding hops it took is read from the header section: the envelope
 * recipients the servers recorded (`Received: ... for <x>`, `Delivered-To`), oldest first,
 * starting at the address the message was sent to — every change of recipient is one
 * forward — and the `X-Forwarded-To` fields forwarders such as Gmail add (one per forward).
 * A platform that takes only direct forwards (resources/platforms forwarding.singleHopOnly,
 * Zendesk) fails the item when more than one hop is seen.
 */
import type { ReceiveOutcome } from './imap-receipt';
import { headerValues, inspectMessage, type HeaderField } from './message-shape';
import { clampText, receiptObservation } from './observations';
import type { Evidence, ImapMailbox, Observation, ReceiptProgress } from '../../src-preload/contract/verification-schemas';

export interface ForwardingPath {
  /** Envelope recipients from the address the message was sent to, oldest first (repeats merged). */
  readonly recipients: readonly string[];
  /** Forwarding hops: recipient changes along the path, or X-Forwarded-To fields, whichever is more. */
  readonly hops: number;
}

const ADDRESS = /<?([^\s<>;@]+@[^\s<>;]+?)>?(?:[;\s]|$)/u;

function addressIn(text: string): string | null {
  return ADDRESS.exec(text.trim())?.[1]?.toLowerCase() ?? null;
}

/** The `for` clause of a Received field (RFC 5321 §4.4: `for <forward-path>`), outside comments. */
function receivedFor(value: string): string | null {
  const semicolon = value.lastIndexOf(';');
  const fields = (semicolon === -1 ? value : value.slice(0, semicolon)).replace(/\([^()]*\)/gu, ' ');
  const match = /(?:^|\s)for\s+(<[^>]*>|\S+)/iu.exec(fields);
  return match?.[1] === undefined ? null : addressIn(match[1]);
}

export function forwardingPath(headers: readonly HeaderField[], sentTo: string): ForwardingPath {
  // Fields are prepended on the way, so the header section reads newest first.
  const seen: string[] = [];
  for (const field of headers) {
    const name = field.name.toLowerCase();
    const recipient = name === 'received' ? receivedFor(field.value) : name === 'delivered-to' || name === 'x-forwarded-to' ? addressIn(field.value) : null;
    if (recipient !== null) seen.push(recipient);
  }
  const recipients: string[] = [];
  for (const r of [sentTo.toLowerCase(), ...seen.reverse()]) if (recipients.at(-1) !== r) recipients.push(r);
  const forwardedTo = headerValues(headers, 'X-Forwarded-To').length;
  return { recipients, hops: Math.max(recipients.length - 1, forwardedTo) };
}

export interface ForwardingContext {
  /** The connected address the message was sent to. */
  readonly address: string;
  readonly mailbox: ImapMailbox;
  /** The platform accepts only one forwarding hop (resources/platforms forwarding.singleHopOnly). */
  readonly singleHopOnly: boolean;
  /** The platform's own words on forwarding (resources/platforms forwarding.note). */
  readonly platformNote: string | null;
}

function evidence(at: string, summary: string, value: string | null, facts: readonly (readonly [string, string | number | null])[]): Evidence {
  return {
    source: 'forwarding',
    observedAt: at,
    summary: clampText(summary),
    value: value === null ? null : clampText(value),
    facts: facts.filter(([, v]) => v !== null && v !== '').map(([label, v]) => ({ label, value: clampText(String(v)) })),
  };
}

/** While the forwarding check mailbox is searched: pending until the deadline. */
export function forwardingPendingObservation(progress: ReceiptProgress, context: ForwardingContext): Observation {
  const text = `Waiting for the message sent to ${context.address} to arrive in ${context.mailbox.username} after forwarding: search ${progress.attempt} found nothing yet; next search ${progress.nextAttemptAt ?? 'at the deadline'}, giving up at ${progress.deadlineAt}.`;
  return {
    itemId: 'forwarding',
    at: progress.at,
    outcome: 'pending',
    explanation: text,
    evidence: evidence(progress.at, text, null, [['Sent to', context.address], ['Forwarding check mailbox', context.mailbox.username], ['Searches', progress.attempt], ['Deadline', progress.deadlineAt]]),
    deadlineAt: progress.deadlineAt,
  };
}

/** The outcome of the search: verified on arrival (one hop, or any where the platform allows it), failed otherwise. */
export function forwardingObservation(outcome: ReceiveOutcome, at: string, context: ForwardingContext): Observation {
  const target = `${context.mailbox.username} on ${context.mailbox.host}`;
  if (!outcome.ok) {
    const base = receiptObservation(outcome, at, 'forwarding');
    const f = outcome.failure;
    if (f.code !== 'not-arrived') {
      const text = `The forwarding check mailbox could not be read: ${f.message} ${f.hint}`;
      return { ...base, explanation: clampText(text), evidence: evidence(at, f.message, null, [['Sent to', context.address], ['Forwarding check mailbox', target], ['Problem', f.code]]) };
    }
    const text =
      `Mail sent to ${context.address} did not arrive in the forwarding check mailbox ${target}: ${f.message} ` +
      `Check that ${context.address} forwards to ${context.mailbox.username} (the forwarding rule at the mail server or mailbox of ${context.address}), that the forward is not held for approval, and look in the target's spam folder.`;
    return { ...base, explanation: clampText(text), evidence: evidence(at, f.message, null, [['Sent to', context.address], ['Forwarding check mailbox', target], ['Searches', f.attempts]]) };
  }
  const shape = inspectMessage(outcome.raw);
  const path = shape.ok ? forwardingPath(shape.headers, context.address) : { recipients: [context.address.toLowerCase()], hops: 0 };
  const r = outcome.receipt;
  const route = path.recipients.join(' → ');
  const facts = [
    ['Sent to', context.address],
    ['Forwarding check mailbox', target],
    ['Folder', r.mailbox],
    ['Forwarding hops', path.hops],
    ['Route', route],
    ['Searches', r.attempts],
  ] as const;
  const value = `${path.hops} hop(s): ${route}`;
  if (path.hops > 1 && context.singleHopOnly) {
    const text =
      `Mail sent to ${context.address} reached ${context.mailbox.username}, but through ${path.hops} forwarding hops (${route}). ` +
      `The platform accepts only one: forward once, directly from ${context.address} to ${context.mailbox.username}, and remove the forward in between.` +
      (context.platformNote === null ? '' : ` (${context.platformNote})`);
    return { itemId: 'forwarding', at, outcome: 'fail', explanation: clampText(text), evidence: evidence(at, text, value, facts) };
  }
  const junk = r.mailbox !== null && /junk|spam/iu.test(r.mailbox);
  const hops = path.hops === 0 ? 'no forwarding hop is recorded in its headers' : path.hops === 1 ? `one forwarding hop (${route})` : `${path.hops} forwarding hops (${route})`;
  const text =
    `Mail sent to ${context.address} arrived in ${context.mailbox.username} (${r.mailbox ?? 'INBOX'}) after ${Math.round(r.elapsedMs / 1000)} s; ${hops}.` +
    (junk ? ' It landed in the spam folder: the target treats forwarded mail as spam, so check SPF, DKIM and DMARC of the forwarded message.' : '');
  return { itemId: 'forwarding', at, outcome: 'pass', explanation: clampText(text), evidence: evidence(at, text, value, facts) };
}

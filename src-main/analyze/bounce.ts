/**
 * `relayproof bounce` / the Status view's bounce drop zone: what a returned message says
 * per recipient, who wrote it, and what to do. Reads, in order:
 * - RFC 3464 delivery status notifications (multipart/report; report-type=delivery-status,
 *   also RFC 6533's message/global-delivery-status), including RFC 3461 delay and success
 *   notices: Microsoft 365/Exchange, Google, Postfix and most servers send these;
 * - text-only bounces (Exchange "Delivery has failed", Google "wasn't delivered", Postfix
 *   "host … said:", Exim "The following address(es) failed", Sendmail "(reason: …)");
 * - auto-replies (RFC 3834 Auto-Submitted: auto-replied, X-Autoreply, Precedence), which
 *   are not bounces: the message was delivered.
 * Every status is explained by the one reply catalogue (resources/replies), the same that
 * explains a failed connection test.
 */
import { forSurface, type Surface } from '../../src-preload/contract/surface-text';
import type { BounceKind, BounceRecipient, BounceReport } from '../../src-preload/contract/bounce-schemas';
import type { Diagnosis } from '../../src-preload/contract/analyze';
import { headerValues, type HeaderField } from '../verification/message-shape';
import { explain } from './explain';
import { headerValue, parseHeaderLines, walkMime, type MimeLeaf } from './mime-parts';
import type { ReplyCatalogue } from './reply-catalogue';

/** More recipients than this are counted, not listed: a bounce for a whole list says the same for each. */
export const MAX_BOUNCE_RECIPIENTS = 100;
/** Characters of a text part searched for a text bounce. */
const MAX_SCAN_CHARS = 256 * 1024;
/** A diagnostic longer than this is cut (it is shown, not parsed further). */
const MAX_DIAGNOSTIC_CHARS = 2000;

const ADDRESS = /[^\s<>()"',;:[\]]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?/u;

function firstAddress(text: string | undefined): string | null {
  if (text === undefined) return null;
  return ADDRESS.exec(text)?.[0]?.toLowerCase() ?? null;
}

/** `rfc822; user@example.com` → `user@example.com` (RFC 3464 §2.3.2: address-type; address). */
function typed(value: string | undefined): string | null {
  if (value === undefined) return null;
  const semicolon = value.indexOf(';');
  const bare = (semicolon === -1 ? value : value.slice(semicolon + 1)).trim();
  return bare === '' ? null : bare.slice(0, MAX_DIAGNOSTIC_CHARS);
}

function statusCode(value: string | undefined): string | null {
  const m = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/u.exec(value ?? '');
  return m === null ? null : `${m[1]}.${m[2]}.${m[3]}`;
}

/** RFC 3464 §2.1: the per-message block, then one block of fields per recipient. */
function readDeliveryStatus(text: string): { readonly reportingMta: string | null; readonly recipients: BounceRecipient[]; readonly more: number } {
  const blocks = text.split(/\r?\n[ \t]*\r?\n/u).map((b) => parseHeaderLines(b, 64)).filter((b) => b.length > 0);
  const [perMessage = [], ...perRecipient] = blocks;
  const reportingMta = typed(headerValue(perMessage, 'reporting-mta'));
  const recipients: BounceRecipient[] = [];
  let more = 0;
  for (const fields of perRecipient) {
    const address = typed(headerValue(fields, 'final-recipient')) ?? typed(headerValue(fields, 'original-recipient'));
    if (address === null) continue;
    if (recipients.length >= MAX_BOUNCE_RECIPIENTS) {
      more += 1;
      continue;
    }
    recipients.push({
      address: address.toLowerCase(),
      action: headerValue(fields, 'action')?.trim().toLowerCase() ?? null,
      status: statusCode(headerValue(fields, 'status')),
      diagnostic: typed(headerValue(fields, 'diagnostic-code')),
      remoteMta: typed(headerValue(fields, 'remote-mta')),
    });
  }
  return { reportingMta, recipients, more };
}

function actionOf(diagnostic: string): string | null {
  const code = statusCode(diagnostic);
  if (code?.startsWith('5') === true) return 'failed';
  if (code?.startsWith('4') === true) return 'delayed';
  const reply = /(?<![\d.])([45])\d\d(?=[ -])/u.exec(diagnostic)?.[1];
  return reply === '5' ? 'failed' : reply === '4' ? 'delayed' : null;
}

function textRecipient(address: string, diagnostic: string, remoteMta: string | null = null): BounceRecipient {
  const clean = diagnostic.replace(/\s+/gu, ' ').trim().slice(0, MAX_DIAGNOSTIC_CHARS);
  return { address: address.toLowerCase(), action: actionOf(clean), status: statusCode(clean), diagnostic: clean === '' ? null : clean, remoteMta };
}

/** The bounce texts mail servers write when they send no delivery-status part (or alongside it). */
function readTextBounce(text: string): { readonly recipients: BounceRecipient[]; readonly reportingMta: string | null } {
  const found: BounceRecipient[] = [];
  const add = (r: BounceRecipient) => {
    if (found.length < MAX_BOUNCE_RECIPIENTS && !found.some((f) => f.address === r.address)) found.push(r);
  };
  // Exchange / Microsoft 365: "user@example.com\nRemote Server returned '550 5.1.10 ...'".
  for (const m of text.matchAll(/([^\s<>()"']+@[^\s<>()"']+)[^\n]*\r?\n(?:[^\n]*\r?\n){0,3}?\s*Remote Server returned '([^'\n]+)'/giu)) add(textRecipient(m[1] ?? '', m[2] ?? ''));
  // Postfix: "<user@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1 ... (in reply to RCPT TO command)".
  for (const m of text.matchAll(/^<([^>\s]+@[^>\s]+)>:\s*([\s\S]*?)(?=\r?\n[ \t]*\r?\n|\r?\n<[^>\s]+@[^>\s]+>:|$)/gmu)) {
    const body = m[2] ?? '';
    add(textRecipient(m[1] ?? '', body.replace(/^host \S+ said:\s*/iu, ''), /^host (\S+?)(?:\[[^\]]*\])? said:/iu.exec(body)?.[1] ?? null));
  }
  // Exim: "  user@example.com\n    host mx.example.com [192.0.2.1]\n    SMTP error from remote mail server after RCPT TO:<...>:\n    550 5.1.1 ...".
  const exim = /The following address\(es\) failed:\s*\r?\n([\s\S]*?)(?:\r?\n[ \t]*\r?\n[^ \t\r\n]|$)/iu.exec(text);
  if (exim !== null) {
    for (const m of (exim[1] ?? '').matchAll(/^ {2}(\S+@\S+)[^\n]*\r?\n((?:[ \t]{3,}[^\n]*(?:\r?\n|$))*)/gmu)) {
      const lines = (m[2] ?? '').split(/\r?\n/u).map((l) => l.trim()).filter((l) => l !== '');
      const host = /^host (\S+)/iu.exec(lines[0] ?? '')?.[1] ?? null;
      add(textRecipient(m[1] ?? '', lines.filter((l) => !/^host \S+/iu.test(l) && !/^SMTP error from remote/iu.test(l)).join(' '), host));
    }
  }
  // Sendmail: "<user@example.com>\n    (reason: 550 5.1.1 User unknown)".
  for (const m of text.matchAll(/^<?([^\s<>]+@[^\s<>]+?)>?\s*\r?\n\s+\(reason: ([^)\n]+)\)/gmu)) add(textRecipient(m[1] ?? '', m[2] ?? ''));
  // Google: "Your message wasn't delivered to user@example.com because …" and "The response (from the remote server) was:\n\n550 5.7.26 …".
  const google = /(?:wasn't|was not|couldn't be|could not be) delivered to ([^\s<>()"']+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)/iu.exec(text);
  if (google !== null) {
    const response = /The response(?: from the remote server)? was:\s*\r?\n(?:\s*\r?\n)*\s*([^\n]+)/iu.exec(text)?.[1] ?? '';
    add(textRecipient(google[1] ?? '', response));
  }
  const reportingMta = /Generating server:\s*(\S+)/iu.exec(text)?.[1] ?? /This is the mail system at host (\S+?)\.?\s/iu.exec(text)?.[1] ?? null;
  return { recipients: found, reportingMta };
}

/** RFC 3834 §5 and the headers autoresponders write instead. */
function isAutoReply(headers: readonly HeaderField[]): boolean {
  const autoSubmitted = headerValue(headers, 'auto-submitted')?.toLowerCase() ?? '';
  if (autoSubmitted.startsWith('auto-replied')) return true;
  if (headerValue(headers, 'x-autoreply') !== undefined || headerValue(headers, 'x-autorespond') !== undefined) return true;
  if (/^auto[_-]reply$/iu.test(headerValue(headers, 'precedence')?.trim() ?? '')) return true;
  const subject = headerValue(headers, 'subject') ?? '';
  const bulk = /^(bulk|junk|list)$/iu.test(headerValue(headers, 'precedence')?.trim() ?? '') || autoSubmitted.startsWith('auto-');
  return bulk && /^(automatic reply|auto(?:matic)?[ -]?(?:reply|response)|out of (?:the )?office|abwesenheit|réponse automatique)/iu.test(subject);
}

function looksLikeBounce(headers: readonly HeaderField[]): boolean {
  const from = headerValue(headers, 'from') ?? '';
  const subject = headerValue(headers, 'subject') ?? '';
  return (
    /\b(mailer-daemon|postmaster|mail delivery (?:system|subsystem))\b/iu.test(from) ||
    /^(undeliverable|undelivered mail|mail delivery failed|delivery status notification|returned mail|failure notice|delivery failure|non[- ]?delivery)/iu.test(subject)
  );
}

const PARTIES: readonly { readonly party: BounceReport['generatedBy']['party']; readonly pattern: RegExp; readonly name: string }[] = [
  { party: 'zendesk', pattern: /(^|[.@])zdsys\.com$/iu, name: "Zendesk's own mail servers (zdsys.com)" },
  { party: 'microsoft-365', pattern: /(^|[.@])(outlook\.com|office365\.com|protection\.outlook\.com|exchangelabs\.com)$/iu, name: 'Microsoft 365 (Exchange Online)' },
  { party: 'google', pattern: /(^|[.@])(google\.com|googlemail\.com|gmail\.com)$/iu, name: 'Google' },
  { party: 'amazon-ses', pattern: /(^|[.@])amazonses\.com$/iu, name: 'Amazon SES' },
];

function generatedBy(sender: string | null, reportingMta: string | null): BounceReport['generatedBy'] {
  const hosts = [sender?.slice(sender.lastIndexOf('@') + 1) ?? null, reportingMta].filter((h): h is string => h !== null && h !== '');
  const known = PARTIES.find((p) => hosts.some((h) => p.pattern.test(h)));
  if (known?.party === 'zendesk') {
    return {
      party: 'zendesk',
      sender,
      summary:
        "Zendesk's own mail servers (zdsys.com) sent this bounce: the message left through Zendesk's servers, not through your connector (your relay). Zendesk sends itself when the address has no working connector or the connector is switched off.",
    };
  }
  if (known !== undefined) return { party: known.party, sender, summary: `Written by ${known.name}${reportingMta !== null ? ` (${reportingMta})` : ''}: the server that tried to deliver the message and reports what the receiving server answered.` };
  if (sender === null && reportingMta === null) return { party: 'unknown', sender, summary: 'The bounce does not say which server wrote it.' };
  return { party: 'other', sender, summary: `Written by ${reportingMta ?? sender?.slice(sender.lastIndexOf('@') + 1) ?? 'an unknown server'}: the server that tried to deliver the message and reports what the receiving server answered.` };
}

/**
 * The returned message's own Received fields show where it left: a hop through zdsys.com
 * means Zendesk sent it from its own servers, whoever wrote the bounce.
 */
function viaZendesk(by: BounceReport['generatedBy'], leaves: readonly MimeLeaf[]): BounceReport['generatedBy'] {
  if (by.party === 'zendesk') return by;
  const returned = leaves.find((l) => l.type === 'text/rfc822-headers' || l.type === 'message/rfc822' || l.type === 'message/global-headers');
  const head = returned?.text.slice(0, 64 * 1024).split(/\r?\n\r?\n/u)[0] ?? '';
  const received = parseHeaderLines(head, 200).filter((h) => h.name.toLowerCase() === 'received');
  if (!received.some((h) => /\b(?:from|by)\s+[a-z0-9.-]*\.zdsys\.com\b/iu.test(h.value))) return by;
  return {
    ...by,
    party: 'zendesk',
    summary: `${by.summary} The returned message itself left through Zendesk's own mail servers (zdsys.com), not through your connector (your relay): Zendesk sends itself when the address has no working connector or the connector is switched off.`,
  };
}

function diagnose(recipient: BounceRecipient, catalogue: ReplyCatalogue): Diagnosis | null {
  const { status, diagnostic } = recipient;
  if (status === null && diagnostic === null) return null;
  // The Status field is the machine-readable verdict; the server's words narrow it down.
  const text = diagnostic === null ? (status ?? '') : status !== null && statusCode(diagnostic) === null ? `${status} ${diagnostic}` : diagnostic;
  return explain(text, catalogue).diagnoses[0] ?? null;
}

const SUCCESS_ACTIONS = new Set(['delivered', 'relayed', 'expanded']);

function zendeskStep(party: BounceReport['generatedBy']['party']): string[] {
  return party === 'zendesk'
    ? ["In Zendesk Admin Center › Channels › Email, check that this address still sends through your connector (its status and credentials); until it does, Zendesk sends from its own servers and your relay's fixes do not apply."]
    : [];
}

export interface ReadBounceOptions {
  /** Where the fix steps are shown (their command or control names). */
  readonly surface?: Surface;
}

/** Reads a message already accepted by inspectMessage (its header fields and bytes). */
export function readBounce(headers: readonly HeaderField[], message: Buffer, catalogue: ReplyCatalogue, options: ReadBounceOptions = {}): BounceReport {
  const surface = options.surface ?? 'neutral';
  const sender = firstAddress(headerValues(headers, 'from')[0]);
  const tree = walkMime(headers, message);
  const statusPart = tree.leaves.find((l) => l.type === 'message/delivery-status' || l.type === 'message/global-delivery-status');
  const texts = tree.leaves.filter((l: MimeLeaf) => l.type === 'text/plain' || l.type === 'text/html');
  const text = texts
    .map((l) => (l.type === 'text/html' ? l.text.replace(/<br\s*\/?>|<\/(p|div|tr|li)>/giu, '\n').replace(/<[^>]*>/gu, ' ') : l.text))
    .join('\n')
    .slice(0, MAX_SCAN_CHARS);

  let kind: BounceKind;
  let reportingMta: string | null = null;
  let recipients: BounceRecipient[] = [];
  let more = 0;
  if (statusPart !== undefined) {
    kind = 'dsn';
    const read = readDeliveryStatus(statusPart.text);
    reportingMta = read.reportingMta;
    more = read.more;
    const fromText = readTextBounce(text);
    // Exchange and Google write the receiving server's words only in the text part: add them.
    recipients = read.recipients.map((r) => (r.diagnostic !== null ? r : { ...r, diagnostic: fromText.recipients.find((t) => t.address === r.address)?.diagnostic ?? null }));
    if (recipients.length === 0) recipients = fromText.recipients;
  } else {
    const fromText = looksLikeBounce(headers) || tree.params['report-type'] === 'delivery-status' ? readTextBounce(text) : { recipients: [], reportingMta: null };
    if (fromText.recipients.length > 0) {
      kind = 'ndr';
      recipients = fromText.recipients;
      reportingMta = fromText.reportingMta;
    } else kind = isAutoReply(headers) ? 'auto-reply' : 'not-a-bounce';
  }
  const by = viaZendesk(generatedBy(sender, reportingMta), tree.leaves);
  return { kind, reportingMta, generatedBy: by, recipients, ...advice(kind, recipients, more, by, tree.params['report-type'], catalogue, surface) };
}

function advice(
  kind: BounceKind,
  recipients: readonly BounceRecipient[],
  more: number,
  by: BounceReport['generatedBy'],
  reportType: string | undefined,
  catalogue: ReplyCatalogue,
  surface: Surface,
): Pick<BounceReport, 'explanation' | 'fix'> {
  if (kind === 'auto-reply') {
    return {
      explanation: 'An automatic reply (an out-of-office notice or an autoresponder), not a bounce: the message was delivered to the mailbox that answered.',
      fix: ['Nothing to fix for delivery. If the platform turns such replies into tickets, filter them there (they carry Auto-Submitted: auto-replied).'],
    };
  }
  if (kind === 'not-a-bounce') {
    const other = reportType === 'disposition-notification' ? ' It is a read receipt (RFC 8098).' : reportType === 'feedback-report' ? ' It is a spam complaint report (RFC 5965): a recipient marked a message as spam.' : '';
    return {
      explanation: `This message is not a bounce or a delivery notification: it has no delivery-status report and no bounce text Relayproof recognises.${other}`,
      fix: ['Open the bounce itself: the message from MAILER-DAEMON, postmaster or "Mail Delivery System" that came back to the sender, saved as .eml with all its parts.'],
    };
  }
  const failed = recipients.filter((r) => r.action === 'failed' || (r.action === null && r.status?.startsWith('5') === true));
  const delayed = recipients.filter((r) => r.action === 'delayed' || (r.action === null && r.status?.startsWith('4') === true));
  const succeeded = recipients.filter((r) => r.action !== null && SUCCESS_ACTIONS.has(r.action));
  const extra = more > 0 ? ` (and ${more} more recipient${more === 1 ? '' : 's'} not listed)` : '';
  const worst = failed[0] ?? delayed[0];
  if (worst === undefined) {
    if (succeeded.length > 0) {
      return {
        explanation: `A success notification (RFC 3461): the message was ${succeeded[0]?.action ?? 'delivered'} to ${succeeded.map((r) => r.address).join(', ')}${extra}. ${by.summary}`,
        fix: ['Nothing to fix: the sender asked to be told of delivery (NOTIFY=SUCCESS), and it was delivered.'],
      };
    }
    return {
      explanation: `A bounce for ${recipients.map((r) => r.address).join(', ') || 'an unnamed recipient'}${extra} without a status Relayproof can read. ${by.summary}`,
      fix: ['Read the bounce text for the receiving server’s reply, and paste it into `relayproof explain` (or Explain an error in the app).', ...zendeskStep(by.party)],
    };
  }
  const diagnosis = diagnose(worst, catalogue);
  const who = (list: readonly BounceRecipient[]) => list.map((r) => r.address).join(', ');
  const lead =
    failed.length > 0
      ? `Not delivered to ${who(failed)}${extra}${delayed.length > 0 ? `; delayed for ${who(delayed)}` : ''}.`
      : `Not delivered yet to ${who(delayed)}${extra}: the server keeps trying and sends a final bounce if it gives up (a delay notice, RFC 3461).`;
  const reason = diagnosis === null ? '' : ` ${diagnosis.title}: ${diagnosis.happened} Likely cause: ${diagnosis.cause}`;
  return {
    explanation: `${lead}${reason} ${by.summary}`,
    fix: [...(diagnosis === null ? [] : diagnosis.steps.map((s) => forSurface(s, surface))), ...zendeskStep(by.party)],
  };
}

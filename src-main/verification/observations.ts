/**
 * From the engines' reports to status observations: the SMTP connection report
 * (connection + AUTH, send-as, verification email accepted), the receipt (received,
 * or still waiting with its deadline), the message proof (headers intact, SPF, aligned
 * DKIM, DMARC) and the DNS checklist (`dns:<check id>`).
 *
 * Each evidence `value` is what drift detection compares from run to run, so it holds
 * stable facts (the record as published, the sending IP, `d=`/`s=`), never per-run
 * noise (queue ids, tokens, timestamps).
 */
import { forSurface } from '../../src-preload/contract/surface-text';
import type { ChecklistReport, CheckItem } from '../../src-preload/contract/checks-schemas';
import type { ConnectionReport, PhaseName } from '../../src-preload/contract/smtp-schemas';
import type { ReceiveOutcome } from './imap-receipt';
import type { Evidence, EvidenceSource, Fact, ItemId, MessageProof, Observation, ObservationOutcome, ReceiptFailure, ReceiptInfo, ReceiptProgress } from '../../src-preload/contract/verification-schemas';

/** Evidence strings are bounded: a hostile TXT record or header must not bloat the history. */
export const MAX_EVIDENCE_TEXT = 4_000;

export function clampText(text: string, max = MAX_EVIDENCE_TEXT): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function evidence(source: EvidenceSource, at: string, summary: string, value: string | null, facts: readonly (readonly [string, string | number | null | undefined])[]): Evidence {
  return {
    source,
    observedAt: at,
    summary: clampText(summary),
    value: value === null ? null : clampText(value),
    facts: facts.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([label, v]): Fact => ({ label, value: clampText(String(v)) })),
  };
}

function observation(itemId: ItemId, at: string, outcome: ObservationOutcome, explanation: string, ev: Evidence, deadlineAt?: string | null): Observation {
  return { itemId, at, outcome, explanation: clampText(explanation), evidence: ev, ...(deadlineAt === undefined ? {} : { deadlineAt }) };
}

// ---------------------------------------------------------------------------
// SMTP

const CONNECTION_PHASES: readonly PhaseName[] = ['dns', 'tcp', 'tls', 'banner', 'ehlo', 'ehlo-tls', 'auth'];

/** connection-auth, send-as and email-accepted from one connection report (phases that ran). */
export function connectionObservations(report: ConnectionReport): Observation[] {
  const at = report.endedAt;
  const out: Observation[] = [];
  const t = report.target;
  const phase = (name: PhaseName) => report.phases.find((p) => p.name === name);
  const common: [string, string | number | null][] = [
    ['Server', `${t.host}:${t.port}`],
    ['Security', t.security],
    ['TLS', report.tls === null ? null : `${report.tls.protocol ?? '?'} ${report.tls.cipher ?? ''}`.trim()],
    ['Certificate', report.tls?.certificate === null || report.tls === null ? null : `${report.tls.certificate.subject} (issuer ${report.tls.certificate.issuer})`],
    ['Username', t.username],
  ];
  const failedEarly = report.failure !== null && CONNECTION_PHASES.includes(report.failure.phase) ? report.failure : null;
  // Stored for the app and the CLI alike: the step names both surfaces' controls.
  const diagnosis = report.diagnosis === null ? '' : ` ${report.diagnosis.cause} ${forSurface(report.diagnosis.steps[0] ?? '', 'neutral', { host: report.target.host })}`.trimEnd();
  if (failedEarly !== null) {
    const text = `${failedEarly.message}${diagnosis}`;
    out.push(observation('connection-auth', at, 'fail', text, evidence('smtp', at, text, null, [...common, ['Phase', failedEarly.phase], ['Reply', failedEarly.reply?.text ?? null]])));
    return out;
  }
  if (report.auth?.accepted === true) {
    const text = `Connected to ${t.host}:${t.port} over ${report.tls?.protocol ?? 'TLS'} and signed in as ${t.username ?? '?'} with AUTH ${report.auth.mechanism ?? '?'} (${report.auth.reply?.text ?? '235'}).`;
    const value = `${t.host}:${t.port} ${t.security}; AUTH ${report.auth.mechanism ?? '?'}`;
    out.push(observation('connection-auth', at, 'pass', text, evidence('smtp', at, text, value, [...common, ['Reply', report.auth.reply?.text ?? null]])));
  } else {
    const text = 'The test did not sign in (no credentials were given), so the connector\'s AUTH is not proven.';
    out.push(observation('connection-auth', at, 'fail', text, evidence('smtp', at, text, null, common)));
  }

  const sendAs = phase('send-as');
  if (sendAs !== undefined && sendAs.outcome !== 'skipped') {
    const outcome: ObservationOutcome = sendAs.outcome === 'fail' ? 'fail' : 'pass';
    const text = sendAs.outcome === 'fail' ? `${report.failure?.message ?? sendAs.detail}${diagnosis}` : sendAs.detail;
    out.push(
      observation('send-as', at, outcome, text, evidence('smtp', at, text, outcome === 'pass' ? `MAIL FROM:<${t.from ?? ''}>` : null, [['From', t.from], ['MAIL reply', report.sendAs?.mailReply?.text ?? null], ['RCPT reply', report.sendAs?.rcptReply?.text ?? null]])),
    );
  }

  const send = phase('test-send');
  if (send !== undefined && send.outcome !== 'skipped') {
    const accepted = report.testSend?.accepted === true;
    const text = accepted ? `The server accepted the verification email for delivery: ${report.testSend?.queueResponse?.text ?? ''}`.trim() : `${report.failure?.message ?? send.detail}${diagnosis}`;
    out.push(
      observation(
        'email-accepted',
        at,
        accepted ? 'pass' : 'fail',
        text,
        evidence('smtp', at, text, null, [['Message-ID', report.testSend?.messageId ?? null], ['Subject', report.testSend?.subject ?? null], ['Reply', report.testSend?.queueResponse?.text ?? null]]),
      ),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------
// Receipt

/** While polling: the item is pending until the receipt deadline. */
export function receiptPendingObservation(progress: ReceiptProgress, itemId: 'email-received' | 'forwarding' = 'email-received'): Observation {
  const text = `Waiting for the verification email: search ${progress.attempt} found nothing yet${progress.searched.length > 0 ? ` in ${progress.searched.join(', ')}` : ''}; next search ${progress.nextAttemptAt ?? 'at the deadline'}, giving up at ${progress.deadlineAt}.`;
  return observation(itemId, progress.at, 'pending', text, evidence('imap', progress.at, text, null, [['Searches', progress.attempt], ['Deadline', progress.deadlineAt]]), progress.deadlineAt);
}

/** Only `not-arrived` says something about the message; the rest (mailbox unreadable, bad file) keep the state. */
const decides = (code: ReceiptFailure['code']) => code === 'not-arrived';

export function receiptObservation(outcome: ReceiveOutcome, at: string, itemId: 'email-received' | 'forwarding' = 'email-received'): Observation {
  if (outcome.ok) {
    const r: ReceiptInfo = outcome.receipt;
    const junk = r.mailbox !== null && /junk|spam/iu.test(r.mailbox);
    const where = r.source === 'eml' ? 'the .eml file supplied' : `${r.mailbox ?? 'the mailbox'}`;
    const text = junk
      ? `Arrived after ${Math.round(r.elapsedMs / 1000)} s — but in ${r.mailbox ?? 'Junk'}: the receiving side treats it as spam. Check SPF, DKIM and DMARC below.`
      : r.source === 'eml'
        ? 'Read from the .eml file supplied.'
        : `Arrived in ${where} after ${Math.round(r.elapsedMs / 1000)} s (${r.attempts} search${r.attempts === 1 ? '' : 'es'}).`;
    return observation(itemId, at, 'pass', text, evidence(r.source === 'eml' ? 'eml' : 'imap', at, text, null, [['Folder', r.mailbox], ['Searches', r.attempts], ['Size', `${r.sizeBytes} bytes`]]));
  }
  const f = outcome.failure;
  const text = `${f.message} ${f.hint}`;
  return observation(itemId, at, decides(f.code) ? 'fail' : 'error', text, evidence('imap', at, f.message, null, [['Problem', f.code], ['Searches', f.attempts]]));
}

// ---------------------------------------------------------------------------
// Message proof

function domainPart(address: string | null): string | null {
  if (address === null) return null;
  const at = address.lastIndexOf('@');
  return at === -1 ? null : address.slice(at + 1).replace(/>.*$/u, '').trim().toLowerCase().replace(/\.$/u, '') || null;
}

/**
 * Why a received message cannot speak for the address at `addressDomain`: its From is
 * another domain (`from`: DMARC and DKIM alignment are about the From domain, so nothing
 * it proves is about the address), or its envelope sender is neither that domain nor one
 * of its subdomains (`envelope`: its SPF result is about another domain). null = it can.
 */
export function foreignMessageReason(proof: Pick<MessageProof, 'from' | 'envelopeFrom'>, addressDomain: string): { readonly scope: 'from' | 'envelope'; readonly reason: string } | null {
  const domain = addressDomain.toLowerCase().replace(/\.$/u, '');
  const from = domainPart(proof.from);
  if (from === null) return { scope: 'from', reason: `This message has no From address, so it proves nothing about ${domain}. Open a message sent from the address at ${domain}.` };
  if (from !== domain) {
    return { scope: 'from', reason: `This message is from ${from}, not ${domain}: its SPF, DKIM and DMARC results say nothing about ${domain}. Open a message sent from the address at ${domain}.` };
  }
  const envelope = domainPart(proof.envelopeFrom);
  if (envelope !== null && envelope !== domain && !envelope.endsWith(`.${domain}`)) {
    return {
      scope: 'envelope',
      reason: `This message's envelope sender (Return-Path) is at ${envelope}, not ${domain}: its SPF result is about ${envelope}, not ${domain}. DMARC can still pass on an aligned DKIM signature; for SPF, have the platform or relay use a bounce address at ${domain}.`,
    };
  }
  return null;
}

/** The same observations as errors: recorded with the reason, never turning an item verified (or failed). */
export function asForeign(observations: readonly Observation[], reason: string): Observation[] {
  return observations.map((o) => ({ ...o, outcome: 'error' as const, explanation: reason }));
}

export function proofObservations(proof: MessageProof, at: string, source: 'imap' | 'eml' = 'imap', addressDomain?: string, options: ProofObservationOptions = {}): Observation[] {
  const all = proofObservationsOf(proof, at, source, options);
  const foreign = addressDomain === undefined ? null : foreignMessageReason(proof, addressDomain);
  if (foreign === null) return all;
  const affected = new Set<string>(foreign.scope === 'from' ? ['spf', 'dkim-aligned', 'dmarc'] : ['spf']);
  // A result about another domain is recorded as an error with the reason: it neither verifies nor fails the address's item.
  return all.map((o) => (affected.has(o.itemId) ? { ...o, outcome: 'error' as const, explanation: foreign.reason } : o));
}

export interface ProofObservationOptions {
  /**
   * The platform's headers whose values it sets per message (Zendesk: X-Zendesk-From-Account-Id,
   * X-Zendesk-Email-Id). Those the test sent with a placeholder (the platform gives their
   * format) are checked like the others; the rest are named as not checked.
   */
  readonly perMessageHeaders?: readonly string[];
}

/** Headers listed by the platform without a value (`X-Zendesk-Email-Id`): their values vary per message. */
export function perMessageHeaders(headersToPersist: readonly string[]): string[] {
  return headersToPersist.filter((h) => !h.includes(':')).map((h) => h.trim()).filter((h) => h !== '');
}

function perMessageSentence(listed: readonly string[] | undefined, checked: readonly string[]): string {
  if (listed === undefined) return 'Headers whose values the platform sets per message (ids) are not sent by the test, so they are not part of this check.';
  // A per-message header the test sent with a placeholder value was checked like the others.
  const sent = new Set(checked.map((n) => n.toLowerCase()));
  const names = listed.filter((n) => !sent.has(n.toLowerCase()));
  if (listed.length > 0 && names.length === 0) return `The per-message headers carried placeholder values in the platform's format and arrived unchanged.`;
  if (names.length === 0) return 'The platform lists no per-message headers.';
  return `Not part of the test: ${names.join(', ')} — the platform sets ${names.length === 1 ? 'its value' : 'their values'} per message, so the test cannot send ${names.length === 1 ? 'it' : 'them'}; make sure no relay rule removes or rewrites ${names.length === 1 ? 'it' : 'them'}.`;
}

function proofObservationsOf(proof: MessageProof, at: string, source: 'imap' | 'eml', options: ProofObservationOptions): Observation[] {
  const ev = (summary: string, value: string | null, facts: readonly (readonly [string, string | number | null])[]) => evidence(source === 'eml' ? 'eml' : 'message', at, summary, value, facts);
  const out: Observation[] = [];

  // Headers the platform relies on.
  const headerEntries = Object.entries(proof.headers);
  const broken = headerEntries.filter(([, h]) => !h.present || h.unchanged === false);
  const headerText =
    broken.length === 0
      ? `${headerEntries.length === 1 ? 'The 1 header the test sent' : `All ${headerEntries.length} headers the test sent`} arrived unchanged: ${headerEntries.map(([n]) => n).join(', ')}. ${perMessageSentence(options.perMessageHeaders, headerEntries.map(([n]) => n))}`
      : broken.map(([name, h]) => (h.present ? `${name} changed: sent "${h.expected ?? ''}", received "${h.value ?? ''}"` : `${name} was removed on the way`)).join('; ') +
        '. The platform relies on these headers (auto-reply suppression, loop prevention): remove the relay rule that changes them.';
  if (headerEntries.length > 0 || proof.token.matches === false) {
    const tokenBad = proof.token.matches === false;
    out.push(
      observation(
        'headers-intact',
        at,
        broken.length === 0 && !tokenBad ? 'pass' : 'fail',
        tokenBad ? `This is not the verification email that was sent (token ${proof.token.found ?? 'missing'}).` : headerText,
        ev(
          headerText,
          headerEntries.map(([n, h]) => `${n}: ${h.present ? (h.expected === null ? '(present)' : (h.value ?? '')) : '(missing)'}`).join('\n'),
          headerEntries.map(([n, h]) => [n, h.present ? (h.value ?? '') : '(missing)'] as const),
        ),
      ),
    );
  }

  const spfOutcome: ObservationOutcome = proof.spf.result === 'pass' ? 'pass' : proof.spf.result === 'temperror' ? 'error' : 'fail';
  out.push(
    observation(
      'spf',
      at,
      spfOutcome,
      proof.spf.explanation,
      ev(proof.spf.explanation, proof.spf.ip === null ? null : `${proof.spf.ip} for ${proof.spf.domain ?? '?'}`, [
        ['Result', proof.spf.result],
        ['Sending IP', proof.spf.ip],
        ['HELO', proof.sender.helo],
        ['Envelope domain', proof.spf.domain],
        ['Record', proof.spf.record],
      ]),
    ),
  );

  const alignedPass = proof.dkim.find((d) => d.result === 'pass' && d.aligned);
  const onlyTemp = proof.dkim.length > 0 && proof.dkim.every((d) => d.result === 'temperror');
  const dkimText =
    alignedPass?.explanation ??
    (proof.dkim.length === 0 ? 'The message carries no DKIM signature: the relay (or the platform) must sign it with d= the address\'s domain.' : proof.dkim.map((d) => d.explanation).join(' '));
  out.push(
    observation(
      'dkim-aligned',
      at,
      alignedPass !== undefined ? 'pass' : onlyTemp ? 'error' : 'fail',
      dkimText,
      ev(
        dkimText,
        alignedPass === undefined ? null : `d=${alignedPass.domain ?? ''} s=${alignedPass.selector ?? ''}`,
        proof.dkim.map((d) => [`d=${d.domain ?? '?'} s=${d.selector ?? '?'}`, `${d.result}${d.aligned ? ', aligned' : ', not aligned'}${d.keyBits === null ? '' : `, ${d.keyBits}-bit key`}`] as const),
      ),
    ),
  );

  const dmarcOutcome: ObservationOutcome = proof.dmarc.result === 'pass' ? 'pass' : proof.dmarc.result === 'temperror' ? 'error' : 'fail';
  out.push(
    observation(
      'dmarc',
      at,
      dmarcOutcome,
      proof.dmarc.explanation,
      ev(proof.dmarc.explanation, proof.dmarc.record, [
        ['Result', proof.dmarc.result],
        ['From domain', proof.dmarc.domain],
        ['Policy', proof.dmarc.policy],
        ['Aligned SPF', proof.dmarc.spfAligned],
        ['Aligned DKIM', proof.dmarc.dkimAligned],
        ['Record', proof.dmarc.record],
      ]),
    ),
  );
  return out;
}

// ---------------------------------------------------------------------------
// DNS checklist

const MISSING = new Set(['nxdomain', 'nodata']);

/**
 * `dns:<id>` per checklist item required on the address's sending route (route-evaluation.ts
 * decides, the same judgement every view shows). A failing item whose record is simply not
 * there (yet) is pending — it may still be propagating, and the 72-hour window applies; a
 * record that is there but wrong fails at once. A required item waiting for the admin's input
 * (no selector, no sending IP) is recorded as "could not be checked" with what to enter: no
 * input, no countdown, and never verified. Items the route does not need are not tracked
 * (`untrackedDnsItems` retires them from the status).
 */
export function checklistObservations(report: ChecklistReport): Observation[] {
  const at = report.finishedAt;
  return report.items.filter((item) => item.required && item.status !== 'pending' && item.status !== 'not-needed').map((item) => {
    const outcome = checkOutcome(item);
    const records = item.evidence.records;
    // A warning passes (the record works today) but is never shown as plain "verified": the
    // explanation says so, and the item's Warning facts carry the checklist's words.
    const text = outcome === 'pending' ? `Not published yet (or not visible yet): ${item.summary}` : item.status === 'warn' ? `Verified, with a warning: ${item.summary}` : item.summary;
    const recorded = observation(
      `dns:${item.id}`,
      at,
      outcome,
      text,
      evidence('dns', at, item.summary, records.length === 0 ? null : records.join('\n'), [
        ['Check', item.title],
        ['Status', item.status],
        ...records.map((r, i) => [`Record ${i + 1}`, r] as const),
        ['TTL', item.evidence.ttl],
        ['Resolver', `${item.evidence.resolver.kind}: ${item.evidence.resolver.servers.join(', ')}`],
        ...item.findings.filter((f) => f.severity === 'fail' || f.severity === 'warn').map((f) => [f.severity === 'fail' ? 'Problem' : 'Warning', f.message] as const),
      ]),
    );
    // The status shows the field to fill in with the item (the same field the checklist asks for).
    return item.status === 'needs-input' && item.needsInput !== undefined ? { ...recorded, needsInput: { field: item.needsInput.field, label: item.needsInput.label } } : recorded;
  });
}

/** The `dns:` items of this report the status does not track (not required on the route). */
export function untrackedDnsItems(report: ChecklistReport): ItemId[] {
  const untracked = report.items.filter((item) => !item.required || item.status === 'not-needed').map((item) => `dns:${item.id}` as const);
  // `dkim:*` asks for a selector only while none is known: once the checklist judges a selector, that question is answered.
  const answered = report.items.some((item) => item.kind === 'dkim') && !report.items.some((item) => item.id === 'dkim:*');
  return answered ? [...untracked, 'dns:dkim:*'] : untracked;
}

function checkOutcome(item: CheckItem): ObservationOutcome {
  switch (item.status) {
    case 'needs-input':
    case 'not-needed':
      return 'error';
    // warn: the record works (SPF passes for the relay, a DKIM key resolves as a TXT copy) but
    // something should be fixed: verified, shown "Verified, with a warning" with its Warning facts.
    case 'pass':
    case 'warn':
      return 'pass';
    case 'pending':
    case 'error':
      return 'error';
    case 'fail': {
      const missing = item.evidence.records.length === 0 && item.evidence.queries.length > 0 && item.evidence.queries.every((q) => MISSING.has(q.outcome));
      return missing ? 'pending' : 'fail';
    }
  }
}

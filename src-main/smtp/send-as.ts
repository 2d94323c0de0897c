/**
 * Send-as phase: MAIL FROM and RCPT TO, then RSET, stopping before DATA (RFC 5321
 * §3.3, §4.1.1.5). It proves the authenticated account may use this From address
 * without sending anything: "authenticated but not allowed to send as" shows up here.
 */
import { EngineFailure } from './engine-failure';
import type { Capabilities, SendAsResult } from '../../src-preload/contract/smtp-schemas';
import type { SmtpWire } from './smtp-wire';

export interface EnvelopeOptions {
  readonly wire: SmtpWire;
  readonly from: string;
  readonly to: string;
  readonly capabilities: Capabilities | null;
  readonly timeoutMs: number;
}

const NON_ASCII = /[^\u0000-\u007f]/u;

/** MAIL FROM and RCPT TO; `accepted` when both got a positive reply. */
export async function openEnvelope(options: EnvelopeOptions): Promise<SendAsResult> {
  const { wire, from, to, timeoutMs } = options;
  const international = NON_ASCII.test(from) || NON_ASCII.test(to);
  // RFC 6531 §3.4: an address with non-ASCII characters needs the SMTPUTF8 parameter,
  // and only a server that offers SMTPUTF8 may receive it.
  if (international && options.capabilities?.smtpUtf8 !== true) {
    throw new EngineFailure('smtputf8-not-offered', 'The address has non-ASCII characters, and the server does not offer SMTPUTF8 (RFC 6531).', {
      sessionUsable: true,
    });
  }
  const mailReply = await wire.command(`MAIL FROM:<${from}>${international ? ' SMTPUTF8' : ''}`, { timeoutMs, expect: [250], what: 'MAIL FROM' });
  if (mailReply.code >= 400) return { from, to, mailReply, rcptReply: null, accepted: false, rejectedAt: 'mail' };
  const rcptReply = await wire.command(`RCPT TO:<${to}>`, { timeoutMs, expect: [250, 251], what: 'RCPT TO' });
  return { from, to, mailReply, rcptReply, accepted: rcptReply.code < 400, rejectedAt: rcptReply.code < 400 ? null : 'rcpt' };
}

/** Why the envelope was refused. */
export function envelopeFailure(result: SendAsResult): EngineFailure {
  if (result.rejectedAt === 'mail') {
    return new EngineFailure('sender-rejected', `The server refused MAIL FROM:<${result.from}>: ${result.mailReply?.text ?? ''}`, {
      reply: result.mailReply,
      sessionUsable: true,
    });
  }
  const reply = result.rcptReply;
  // Postfix delays sender restrictions to RCPT by default (smtpd_delay_reject = yes),
  // so "Sender address rejected" usually arrives as the reply to RCPT TO.
  const aboutSender = reply !== null && /sender|send as|sendas|from address/iu.test(reply.text);
  return aboutSender
    ? new EngineFailure('sender-rejected', `The server refused the From address <${result.from}> (at RCPT TO): ${reply.text}`, { reply, sessionUsable: true })
    : new EngineFailure('recipient-rejected', `The server refused RCPT TO:<${result.to}>: ${reply?.text ?? ''}`, { reply, sessionUsable: true });
}

/** RSET ends the transaction without sending (RFC 5321 §4.1.1.5). */
export async function resetEnvelope(wire: SmtpWire, timeoutMs: number): Promise<void> {
  await wire.command('RSET', { timeoutMs, expect: [250], what: 'RSET' });
}

/**
 * The verification email, the one message Relayproof ever sends: the connection test's
 * test send, the wizard's verification step, the Status view's "Send verification email"
 * and `relayproof verify` all build it here. Built with nodemailer's MailComposer (MIME,
 * headers, Message-ID), it carries a unique token in the Subject and a header so the
 * arrival can be matched, and the headers a connector platform relies on surviving the
 * relay — with the platform's own values, so the proof on arrival checks what the
 * platform's mail will carry.
 */
import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { PlatformPerMessageHeader } from '../../src-preload/contract/platform-connector-facts';

export const TOKEN_HEADER = 'X-Relayproof-Token';

export interface TestMessageOptions {
  readonly from: string;
  readonly to: string;
  readonly token: string;
  readonly date: Date;
  /**
   * The connector platform's headersToPersist (resources/platforms), e.g. Zendesk's
   * "X-Mailer: Zendesk Mailer": null or absent for a test of no saved address.
   */
  readonly platformHeaders?: readonly string[] | null | undefined;
  /**
   * The headers the platform sets per message (resources/platforms perMessageHeaders):
   * the message carries a placeholder value of the same shape, derived from the token.
   */
  readonly perMessageHeaders?: readonly PerMessageHeaderFormat[] | null | undefined;
}

/** A header the platform sets per message and the shape of its value (Zendesk: 6 and 24 characters). */
export type PerMessageHeaderFormat = Pick<PlatformPerMessageHeader, 'name' | 'length' | 'alphabet'>;

const ALPHABETS: Readonly<Record<PerMessageHeaderFormat['alphabet'], string>> = {
  digits: '0123456789',
  hex: '0123456789abcdef',
  alphanumeric: '0123456789abcdefghijklmnopqrstuvwxyz',
};

export interface MessageHeader {
  readonly name: string;
  readonly value: string;
}

/** Relayproof's own mailer name, used when the platform names none. */
const RELAYPROOF_MAILER = 'Relayproof';

const HEADER_NAME = /^[!-9;-~]{1,76}$/u;

/**
 * The fixed-value headers of a platform's headersToPersist ("Name: value" entries; a bare
 * name varies per message and cannot be sent by Relayproof). A name that is not a header
 * token or a value with a line break is dropped; the token header is never replaced.
 */
export function platformFixedHeaders(headersToPersist: readonly string[] | null | undefined): MessageHeader[] {
  const out: MessageHeader[] = [];
  for (const entry of headersToPersist ?? []) {
    const colon = entry.indexOf(':');
    if (colon <= 0) continue;
    const name = entry.slice(0, colon).trim();
    const value = entry.slice(colon + 1).trim();
    if (value === '' || !HEADER_NAME.test(name) || /[\r\n\0]/u.test(value) || value.length > 900) continue;
    if (name.toLowerCase() === TOKEN_HEADER.toLowerCase()) continue;
    out.push({ name, value });
  }
  return out;
}

/**
 * The headers the verification email carries besides the token, and so the ones checked
 * unchanged on arrival: Relayproof's own, then the platform's fixed values over them (by
 * case-insensitive name), so the relay treats the test like the platform's mail.
 */
export function verificationHeaders(headersToPersist?: readonly string[] | null): MessageHeader[] {
  const out: MessageHeader[] = [
    // RFC 3834 §5: machine-generated; no auto-replies (and Exchange's own variant).
    { name: 'Auto-Submitted', value: 'auto-generated' },
    { name: 'X-Auto-Response-Suppress', value: 'All' },
    { name: 'X-Mailer', value: RELAYPROOF_MAILER },
  ];
  for (const header of platformFixedHeaders(headersToPersist)) {
    const at = out.findIndex((h) => h.name.toLowerCase() === header.name.toLowerCase());
    if (at === -1) out.push(header);
    else out[at] = { name: out[at]?.name ?? header.name, value: header.value };
  }
  return out;
}

/**
 * Placeholder values for the platform's per-message headers, in the platform's format.
 * They are derived from the token (not random) so the proof on arrival knows what was
 * sent from the token alone, whether the message comes over IMAP or as an .eml file.
 */
export function perMessagePlaceholders(token: string, formats: readonly PerMessageHeaderFormat[] | null | undefined): MessageHeader[] {
  const out: MessageHeader[] = [];
  for (const format of formats ?? []) {
    if (!HEADER_NAME.test(format.name) || format.name.toLowerCase() === TOKEN_HEADER.toLowerCase()) continue;
    const alphabet = ALPHABETS[format.alphabet];
    let value = '';
    for (let round = 0; value.length < format.length; round += 1) {
      const digest = createHash('sha256').update(`${token}\0${format.name.toLowerCase()}\0${round}`).digest();
      for (const byte of digest) {
        if (value.length === format.length) break;
        value += alphabet[byte % alphabet.length] ?? '0';
      }
    }
    out.push({ name: format.name, value });
  }
  return out;
}

/** The verification headers plus the per-message placeholders for this token (what is sent, and so what is expected). */
export function verificationHeadersFor(token: string, headersToPersist?: readonly string[] | null, perMessage?: readonly PerMessageHeaderFormat[] | null): MessageHeader[] {
  const out = verificationHeaders(headersToPersist);
  for (const header of perMessagePlaceholders(token, perMessage)) {
    if (!out.some((h) => h.name.toLowerCase() === header.name.toLowerCase())) out.push(header);
  }
  return out;
}

export interface TestMessage {
  readonly token: string;
  readonly messageId: string;
  readonly subject: string;
  /** Dot-stuffed and terminated with CRLF.CRLF, ready to write after 354 (RFC 5321 §4.5.2). */
  readonly data: Buffer;
  readonly bytes: number;
}

export async function buildTestMessage(options: TestMessageOptions): Promise<TestMessage> {
  const domain = options.from.slice(options.from.lastIndexOf('@') + 1);
  const messageId = `<relayproof-${options.token}@${domain}>`;
  const subject = `Relayproof test ${options.token}`;
  const headers = verificationHeadersFor(options.token, options.platformHeaders, options.perMessageHeaders);
  const composer = new MailComposer({
    from: options.from,
    to: options.to,
    subject,
    messageId,
    date: options.date,
    newline: 'win',
    disableFileAccess: true,
    disableUrlAccess: true,
    headers: [{ key: TOKEN_HEADER, value: options.token }, ...headers.map((h) => ({ key: h.name, value: h.value }))],
    text: [
      'This message was sent by Relayproof to prove that this mail account can relay for a connector platform.',
      '',
      `Token: ${options.token}`,
      `From: ${options.from}`,
      `Sent: ${options.date.toISOString()}`,
      '',
      'Check on arrival that SPF, DKIM and DMARC pass and that the headers the platform',
      `relies on are unchanged: ${headers.map((h) => h.name).join(', ')}.`,
    ].join('\r\n'),
  });
  const raw = await composer.compile().build();
  const data = dotStuff(raw);
  return { token: options.token, messageId, subject, data, bytes: raw.length };
}

/** RFC 5321 §4.5.2: a line starting with "." gets one more; the data ends with CRLF.CRLF. */
export function dotStuff(raw: Buffer): Buffer {
  let text = raw.toString('latin1').replace(/\r?\n/gu, '\r\n');
  text = text.replace(/^\./gmu, '..');
  if (!text.endsWith('\r\n')) text += '\r\n';
  return Buffer.from(`${text}.\r\n`, 'latin1');
}

/**
 * The test message: built with nodemailer's MailComposer (MIME, headers, Message-ID),
 * carrying a unique token in the Subject and a header so the arrival can be matched,
 * and the headers a connector platform relies on surviving the relay.
 */
import MailComposer from 'nodemailer/lib/mail-composer';

export const TOKEN_HEADER = 'X-Relayproof-Token';

export interface TestMessageOptions {
  readonly from: string;
  readonly to: string;
  readonly token: string;
  readonly date: Date;
  readonly xMailer: string;
  /**
   * Fixed-value headers the connector platform sends and relies on (resources/platforms
   * headersToPersist, e.g. Auto-Submitted, X-Auto-Response-Suppress, its X-Mailer): they
   * replace Relayproof's own value of the same name, so the relay treats this message like
   * the platform's. A name that is not a header token or a value with a line break is
   * dropped; the token header is never replaced.
   */
  readonly headers?: readonly { readonly name: string; readonly value: string }[];
}

const HEADER_NAME = /^[!-9;-~]{1,76}$/u;

/** Relayproof's own headers, then the platform's fixed values over them (by case-insensitive name). */
export function testMessageHeaders(xMailer: string, platform: readonly { readonly name: string; readonly value: string }[] = []): { name: string; value: string }[] {
  const out = [
    // RFC 3834 §5: machine-generated; no auto-replies (and Exchange's own variant).
    { name: 'Auto-Submitted', value: 'auto-generated' },
    { name: 'X-Auto-Response-Suppress', value: 'All' },
    { name: 'X-Mailer', value: xMailer },
  ];
  for (const header of platform) {
    if (!HEADER_NAME.test(header.name) || /[\r\n\0]/u.test(header.value) || header.value.length > 900) continue;
    if (header.name.toLowerCase() === TOKEN_HEADER.toLowerCase()) continue;
    const at = out.findIndex((h) => h.name.toLowerCase() === header.name.toLowerCase());
    if (at === -1) out.push({ name: header.name, value: header.value });
    else out[at] = { name: out[at]?.name ?? header.name, value: header.value };
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
  const composer = new MailComposer({
    from: options.from,
    to: options.to,
    subject,
    messageId,
    date: options.date,
    newline: 'win',
    disableFileAccess: true,
    disableUrlAccess: true,
    headers: [{ key: TOKEN_HEADER, value: options.token }, ...testMessageHeaders(options.xMailer, options.headers).map((h) => ({ key: h.name, value: h.value }))],
    text: [
      'This message was sent by Relayproof to prove that this mail account can relay for a connector platform.',
      '',
      `Token: ${options.token}`,
      `From: ${options.from}`,
      `Sent: ${options.date.toISOString()}`,
      '',
      'Check on arrival that SPF, DKIM and DMARC pass and that the headers the platform',
      `relies on are unchanged: ${testMessageHeaders(options.xMailer, options.headers).map((h) => h.name).join(', ')}.`,
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

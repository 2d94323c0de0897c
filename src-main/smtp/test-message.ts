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
    headers: {
      [TOKEN_HEADER]: options.token,
      // RFC 3834 §5: machine-generated; no auto-replies (and Exchange's own variant).
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      'X-Mailer': options.xMailer,
    },
    text: [
      'This message was sent by Relayproof to prove that this mail account can relay for a connector platform.',
      '',
      `Token: ${options.token}`,
      `From: ${options.from}`,
      `Sent: ${options.date.toISOString()}`,
      '',
      'Check on arrival that SPF, DKIM and DMARC pass and that the Auto-Submitted,',
      'X-Auto-Response-Suppress and X-Mailer headers are still present.',
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

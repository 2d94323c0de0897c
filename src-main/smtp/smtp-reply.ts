/**
 * SMTP reply lines (RFC 5321 §4.2): three digits, then `-` on every line but the last
 * and a space (or nothing) on the last. The text may start with an RFC 3463 enhanced
 * status code (RFC 2034 §4: `class.subject.detail`).
 */
import type { SmtpReply } from '../../src-preload/contract/smtp-schemas';

export interface ReplyLine {
  readonly code: number;
  readonly last: boolean;
  readonly text: string;
}

/** Parses one line without its CRLF; null when it is not an SMTP reply line. */
export function parseReplyLine(line: string): ReplyLine | null {
  const match = /^([2-5]\d\d)([ -]|$)(.*)$/su.exec(line);
  if (match === null) return null;
  return { code: Number(match[1]), last: match[2] !== '-', text: match[3] ?? '' };
}

/**
 * Could these first bytes still begin a reply line? Lets the reader call binary garbage
 * `not-smtp` on its first bytes instead of waiting for a line end that never comes.
 */
export function isPlausibleReplyPrefix(prefix: Buffer): boolean {
  const c0 = prefix[0];
  if (c0 === undefined) return true;
  if (c0 < 0x32 || c0 > 0x35) return false;
  for (const i of [1, 2]) {
    const c = prefix[i];
    if (c === undefined) return true;
    if (c < 0x30 || c > 0x39) return false;
  }
  const c3 = prefix[3];
  return c3 === undefined || c3 === 0x20 || c3 === 0x2d || c3 === 0x0d || c3 === 0x0a;
}

const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)/u;

export function enhancedCodeOf(text: string): string | null {
  const match = ENHANCED.exec(text);
  return match === null ? null : `${match[1]}.${match[2]}.${match[3]}`;
}

export function buildReply(code: number, texts: readonly string[]): SmtpReply {
  const first = texts[0] ?? '';
  const lines = texts.map((t, i) => `${code}${i === texts.length - 1 ? ' ' : '-'}${t}`);
  return { code, enhanced: enhancedCodeOf(first), lines, text: `${code} ${texts.join(' ').trim()}`.trim() };
}

/** Control characters from a server made visible, so a reply cannot drive a terminal. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function isPositive(reply: SmtpReply): boolean {
  return reply.code >= 200 && reply.code < 400;
}

/**
 * Finds the SMTP reply code (RFC 5321 §4.2.3) and the enhanced status code
 * (RFC 3463 class.subject.detail) in pasted text: a reply line, a nodemailer error
 * ("Invalid login: 535-5.7.8 ..."), or a bounce.
 */

// Reply codes use 2xx-5xx with a second digit 0-5; "587" (a port) or "2525" is not one.
const REPLY_CODE = /(?<![\d.:/])([245][0-5]\d)(?=[ -]|$)/mu;
// Not part of a longer dotted number (an IP address, a version).
const ENHANCED = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)/u;

export interface FoundCodes {
  readonly replyCode: number | null;
  readonly enhanced: string | null;
}

export function findCodes(text: string): FoundCodes {
  const reply = REPLY_CODE.exec(text);
  const enhanced = ENHANCED.exec(text);
  return {
    replyCode: reply?.[1] !== undefined ? Number(reply[1]) : null,
    enhanced: enhanced === null ? null : `${enhanced[1]}.${enhanced[2]}.${enhanced[3]}`,
  };
}

/** Does `code` (5.7.139) fit `pattern` (5.7.139, x.7.139, 4.7.x)? */
export function enhancedMatches(pattern: string, code: string): boolean {
  const p = pattern.split('.');
  const c = code.split('.');
  return p.length === 3 && c.length === 3 && p.every((part, i) => part === 'x' || part === c[i]);
}

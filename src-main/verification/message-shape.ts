/**
 * First look at a raw message before anything parses it for real: refuse what is not a
 * message (empty, binary, no header section, cut off inside the headers, too large)
 * with a reason the admin understands, and read the header fields (unfolded, RFC 5322
 * §2.2.3) within a fixed budget so a hostile file cannot make us buffer without bound.
 */
import { finding } from '../checks/item';
import type { Finding } from '../../src-preload/contract/checks-schemas';
import type { MalformedReason } from '../../src-preload/contract/verification-schemas';

export interface MessageLimits {
  /** Whole message. Verification emails are a few KB; received notifications with attachments are larger. */
  readonly maxBytes: number;
  /** Header section (everything before the first empty line). */
  readonly maxHeaderBytes: number;
  readonly maxHeaderFields: number;
}

export const DEFAULT_MESSAGE_LIMITS: MessageLimits = { maxBytes: 25 * 1024 * 1024, maxHeaderBytes: 1024 * 1024, maxHeaderFields: 2000 };

export interface HeaderField {
  /** As written (case kept). */
  readonly name: string;
  /** Unfolded, surrounding white space trimmed. */
  readonly value: string;
}

export type MessageShape =
  | {
      readonly ok: true;
      /** The message without a leading mbox `From ` line (what is verified). */
      readonly message: Buffer;
      readonly headers: readonly HeaderField[];
      readonly hasBody: boolean;
      readonly notes: readonly Finding[];
    }
  | { readonly ok: false; readonly reason: MalformedReason; readonly message: string; readonly hint: string };

// RFC 5322 §2.2: field-name = 1*ftext, printable US-ASCII except ":".
const FIELD_LINE = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/u;
const MB = 1024 * 1024;

function refuse(reason: MalformedReason, message: string, hint: string): MessageShape {
  return { ok: false, reason, message, hint };
}

function size(bytes: number): string {
  return bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${bytes} bytes`;
}

/** Index of the empty line ending the header section (CRLF CRLF or LF LF), searching only `limit` bytes. */
function headerEnd(raw: Buffer, limit: number): { readonly end: number; readonly bodyStart: number } | null {
  const window = raw.subarray(0, Math.min(raw.length, limit + 4));
  const crlf = window.indexOf('\r\n\r\n');
  const lf = window.indexOf('\n\n');
  const candidates = [crlf === -1 ? null : { end: crlf, bodyStart: crlf + 4 }, lf === -1 ? null : { end: lf, bodyStart: lf + 2 }].filter((c) => c !== null);
  if (candidates.length === 0) return null;
  return candidates.reduce((a, b) => (a.end <= b.end ? a : b));
}

export function inspectMessage(raw: Buffer, limits: MessageLimits = DEFAULT_MESSAGE_LIMITS): MessageShape {
  if (raw.length === 0) return refuse('empty', 'The file is empty.', 'Save the message again from your mail client ("Save as" / "Download message" / "Show original").');
  if (raw.length > limits.maxBytes) {
    return refuse('too-large', `The message is ${size(raw.length)}; Relayproof verifies messages up to ${size(limits.maxBytes)}.`, 'Use the verification email Relayproof sent: it is a few KB.');
  }
  let message = raw;
  // An mbox export starts with "From sender date" (RFC 4155); the message follows it.
  if (raw.subarray(0, 5).toString('latin1') === 'From ') {
    const eol = raw.indexOf('\n');
    if (eol !== -1 && eol < 1000) message = raw.subarray(eol + 1);
  }
  const end = headerEnd(message, limits.maxHeaderBytes);
  if (end === null && message.length > limits.maxHeaderBytes) {
    return refuse(
      'headers-too-large',
      `No end of the header section in the first ${size(limits.maxHeaderBytes)}: this is not an email message, or its headers are damaged.`,
      'Export the message as .eml (RFC 5322 source) from your mail client.',
    );
  }
  const headerBytes = end === null ? message : message.subarray(0, end.end);
  if (headerBytes.includes(0)) {
    return refuse('binary', 'The header section contains NUL bytes: this is a binary file, not an email message.', 'Export the message as .eml (RFC 5322 source), not as .msg or a screenshot.');
  }
  const text = headerBytes.toString('utf8');
  const lines = text.split(/\r?\n/u);
  if (!FIELD_LINE.test(lines[0] ?? '')) {
    return refuse('no-headers', 'The file does not start with email header fields (such as "Received:" or "From:").', 'Open the message in your mail client, choose "Show original" or "View source", and save that text as .eml.');
  }
  if (end === null && !/\n$/u.test(message.toString('latin1', Math.max(0, message.length - 2)))) {
    return refuse('truncated', 'The message ends in the middle of its header section: the file is truncated.', 'Download or export the message again; make sure the copy finished.');
  }
  const notes: Finding[] = [];
  const headers: { name: string; value: string }[] = [];
  let malformedLines = 0;
  for (const line of lines) {
    if (line === '') continue;
    if (/^[ \t]/u.test(line)) {
      const last = headers.at(-1);
      if (last !== undefined) last.value = `${last.value} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (!FIELD_LINE.test(line) || colon === -1) {
      malformedLines += 1;
      continue;
    }
    if (headers.length >= limits.maxHeaderFields) {
      return refuse('headers-too-large', `The message has more than ${limits.maxHeaderFields} header fields.`, 'This is not a normal email message; export it again.');
    }
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  if (malformedLines > 0) notes.push(finding('malformed-header-lines', 'warn', `${malformedLines} line(s) in the header section are not header fields; they were ignored.`));
  if (!headers.some((h) => h.name.toLowerCase() === 'from')) {
    return refuse('no-from', 'The message has no From header field, so there is no domain to check DMARC and DKIM alignment against.', 'Export the complete received message (with all its headers), not only the body.');
  }
  const hasBody = end !== null && end.bodyStart < message.length;
  if (end === null) notes.push(finding('no-body', 'info', 'The message has header fields only (no body).'));
  const boundary = /boundary\s*=\s*"?([^";\s]+)"?/iu.exec(headers.find((h) => h.name.toLowerCase() === 'content-type' && /^multipart\//iu.test(h.value))?.value ?? '')?.[1];
  if (boundary !== undefined && end !== null && !message.includes(`--${boundary}--`, end.bodyStart)) {
    notes.push(finding('mime-truncated', 'warn', 'The MIME body never closes its last part: the file looks truncated, so a DKIM body hash cannot match.'));
  }
  return { ok: true, message, headers, hasBody, notes };
}

export function headerValues(headers: readonly HeaderField[], name: string): string[] {
  const lower = name.toLowerCase();
  return headers.filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
}

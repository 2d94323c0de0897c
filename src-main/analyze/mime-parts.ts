/**
 * The one bounded walk over a message's MIME tree (RFC 2045, RFC 2046): the leaf parts with
 * their type, file name and decoded content, for reading a bounce and for finding the
 * report attached to a DMARC or TLS report message. A hostile file cannot make it work
 * without bound: the depth, the number of parts and the bytes decoded per part are capped,
 * and a returned original message (message/rfc822) is not entered.
 */
import type { HeaderField } from '../verification/message-shape';

export interface MimeLimits {
  readonly maxDepth: number;
  readonly maxParts: number;
  /** Bytes of one part's content that are decoded; the rest is ignored. */
  readonly maxPartBytes: number;
}

export const DEFAULT_MIME_LIMITS: MimeLimits = { maxDepth: 6, maxParts: 64, maxPartBytes: 1024 * 1024 };

export interface MimeLeaf {
  /** `message/delivery-status`, lower case. */
  readonly type: string;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: readonly HeaderField[];
  /** Content-Disposition's filename (or Content-Type's name), without an RFC 2231 charset prefix; null when none. */
  readonly filename: string | null;
  /** The content after Content-Transfer-Encoding, at most `maxPartBytes`. */
  readonly bytes: Buffer;
  /** The same content as text in its charset (decoded when first read). */
  readonly text: string;
}

export interface MimeTree {
  readonly type: string;
  readonly params: Readonly<Record<string, string>>;
  readonly leaves: readonly MimeLeaf[];
  /** Parts were left out because a limit was reached. */
  readonly cut: boolean;
}

/** `multipart/report; report-type=delivery-status; boundary="b"` → its type and parameters (RFC 2045 §5.1). */
export function parseContentType(value: string | undefined): { readonly type: string; readonly params: Record<string, string> } {
  if (value === undefined) return { type: 'text/plain', params: {} };
  const [head = '', ...rest] = value.split(';');
  const params: Record<string, string> = {};
  const re = /([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/gu;
  for (const m of rest.join(';').matchAll(re)) {
    const name = (m[1] ?? '').toLowerCase();
    if (!(name in params)) params[name] = (m[2] ?? m[3] ?? '').replace(/\\(.)/gu, '$1');
  }
  const type = head.trim().toLowerCase();
  return { type: /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/u.test(type) ? type : 'text/plain', params };
}

/** Header fields of a block of lines, unfolded (RFC 5322 §2.2.3). */
export function parseHeaderLines(block: string, maxFields = 500): HeaderField[] {
  const fields: { name: string; value: string }[] = [];
  for (const line of block.split(/\r?\n/u)) {
    if (line === '') continue;
    if (/^[ \t]/u.test(line)) {
      const last = fields.at(-1);
      if (last !== undefined) last.value = `${last.value} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (fields.length >= maxFields) break;
    fields.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return fields;
}

export function headerValue(headers: readonly HeaderField[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

/** Splits `text` (latin1: one char per byte) at its first empty line. */
function splitHeaderBody(text: string): { readonly head: string; readonly body: string } {
  const match = /\r?\n\r?\n/u.exec(text);
  if (match === null) return { head: text, body: '' };
  return { head: text.slice(0, match.index), body: text.slice(match.index + match[0].length) };
}

function decodeQuotedPrintable(text: string): Buffer {
  const soft = text.replace(/=\r?\n/gu, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft.charCodeAt(i);
    if (c === 0x3d && /^[0-9A-Fa-f]{2}$/u.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c & 0xff);
  }
  return Buffer.from(bytes);
}

function decodeText(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    // An unknown charset label: UTF-8 keeps ASCII (every code and address) readable.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function decodeContent(body: string, encoding: string | undefined, maxBytes: number): Buffer {
  const limited = body.slice(0, encoding?.toLowerCase() === 'base64' ? Math.ceil((maxBytes * 4) / 3) + 4096 : maxBytes);
  let bytes: Buffer;
  switch (encoding?.trim().toLowerCase()) {
    case 'base64':
      bytes = Buffer.from(limited.replace(/[^A-Za-z0-9+/=]/gu, ''), 'base64');
      break;
    case 'quoted-printable':
      bytes = decodeQuotedPrintable(limited);
      break;
    default:
      bytes = Buffer.from(limited, 'latin1');
  }
  return bytes.subarray(0, maxBytes);
}

/** `filename="a.xml.gz"`, `filename*=utf-8''a.xml.gz` (RFC 2231) or Content-Type's `name`. */
function filenameOf(headers: readonly HeaderField[], params: Readonly<Record<string, string>>): string | null {
  const disposition = parseContentType(`x/x; ${(headerValue(headers, 'content-disposition') ?? '').replace(/^[^;]*;?/u, '')}`).params;
  const name = disposition['filename'] ?? disposition['filename*'] ?? params['name'] ?? params['name*'];
  return name === undefined || name === '' ? null : name.replace(/^[a-z0-9-]*'[a-z-]*'/iu, '');
}

/** The parts between `--boundary` lines (RFC 2046 §5.1.1); the preamble and epilogue are dropped. */
function splitMultipart(body: string, boundary: string, maxParts: number): { readonly parts: string[]; readonly cut: boolean } {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  let at = body.startsWith(delimiter) ? 0 : body.indexOf(`\n${delimiter}`);
  if (at === -1) return { parts, cut: false };
  if (!body.startsWith(delimiter)) at += 1;
  for (;;) {
    const after = at + delimiter.length;
    if (body.startsWith('--', after)) return { parts, cut: false };
    const lineEnd = body.indexOf('\n', after);
    if (lineEnd === -1) return { parts, cut: false };
    const next = body.indexOf(`\n${delimiter}`, lineEnd);
    const content = body.slice(lineEnd + 1, next === -1 ? body.length : next);
    parts.push(content.endsWith('\r') ? content.slice(0, -1) : content);
    if (next === -1) return { parts, cut: false };
    if (parts.length >= maxParts) return { parts, cut: true };
    at = next + 1;
  }
}

/** The MIME tree of a whole message (its header fields already read). */
export function walkMime(headers: readonly HeaderField[], message: Buffer, limits: MimeLimits = DEFAULT_MIME_LIMITS): MimeTree {
  const { body } = splitHeaderBody(message.toString('latin1'));
  const top = parseContentType(headerValue(headers, 'content-type'));
  const leaves: MimeLeaf[] = [];
  let cut = false;
  let count = 0;
  const visit = (partHeaders: readonly HeaderField[], partBody: string, depth: number) => {
    const { type, params } = parseContentType(headerValue(partHeaders, 'content-type'));
    if (count >= limits.maxParts) {
      cut = true;
      return;
    }
    count += 1;
    const boundary = params['boundary'];
    if (type.startsWith('multipart/') && boundary !== undefined && boundary !== '') {
      if (depth >= limits.maxDepth) {
        cut = true;
        return;
      }
      const split = splitMultipart(partBody, boundary, limits.maxParts);
      cut ||= split.cut;
      for (const part of split.parts) {
        const { head, body: inner } = splitHeaderBody(part);
        visit(parseHeaderLines(head), inner, depth + 1);
      }
      return;
    }
    const bytes = decodeContent(partBody, headerValue(partHeaders, 'content-transfer-encoding'), limits.maxPartBytes);
    let text: string | undefined;
    leaves.push({
      type,
      params,
      headers: partHeaders,
      filename: filenameOf(partHeaders, params),
      bytes,
      get text() {
        text ??= decodeText(bytes, params['charset']);
        return text;
      },
    });
  };
  visit(headers, body, 0);
  return { type: top.type, params: top.params, leaves, cut };
}

/** The leaves of a whole message as read from a file: its header fields, then the walk. */
export function mimeLeavesOf(message: Buffer, limits: MimeLimits = DEFAULT_MIME_LIMITS): MimeTree {
  const { head } = splitHeaderBody(message.toString('latin1'));
  return walkMime(parseHeaderLines(head), message, limits);
}

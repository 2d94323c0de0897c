/**
 * The attachments of a report message (RFC 7489 §7.2.1.1: the report is a gzip, zip or
 * XML attachment; RFC 8460 §5.3: `application/tlsrpt+gzip` or `+json` in a
 * multipart/report). A small MIME walker for that job: header fields unfolded, multipart
 * bodies split on their boundary, base64 and quoted-printable decoded, with a fixed budget
 * of nesting and parts so a hostile message cannot make it recurse or fan out without end.
 */

export interface MimeLeaf {
  readonly contentType: string;
  readonly filename: string | null;
  readonly bytes: Buffer;
}

const MAX_DEPTH = 6;
const MAX_PARTS = 200;

interface Headers {
  readonly contentType: string;
  readonly params: Readonly<Record<string, string>>;
  readonly encoding: string;
  readonly filename: string | null;
}

/** `type/subtype; a=b; c="d"` → the type and its parameters (RFC 2045 §5.1). */
function parseParams(value: string): { readonly value: string; readonly params: Record<string, string> } {
  const [head = '', ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const piece of rest) {
    const eq = piece.indexOf('=');
    if (eq === -1) continue;
    const key = piece.slice(0, eq).trim().toLowerCase().replace(/\*$/u, '');
    let v = piece.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    // RFC 2231 extended value (utf-8''name.xml.gz): the name is all that is read from it.
    v = v.replace(/^[a-z0-9-]*'[a-z-]*'/iu, '');
    params[key] = v;
  }
  return { value: head.trim().toLowerCase(), params };
}

function readHeaders(block: string): Headers {
  const unfolded = block.replace(/\r?\n[ \t]+/gu, ' ');
  const fields = new Map<string, string>();
  for (const line of unfolded.split(/\r?\n/u)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
  }
  const type = parseParams(fields.get('content-type') ?? 'text/plain');
  const disposition = parseParams(fields.get('content-disposition') ?? '');
  const filename = disposition.params['filename'] ?? type.params['name'] ?? null;
  return { contentType: type.value, params: type.params, encoding: (fields.get('content-transfer-encoding') ?? '7bit').toLowerCase(), filename };
}

function decodeQuotedPrintable(text: string): Buffer {
  const soft = text.replace(/=\r?\n/gu, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft.charCodeAt(i);
    if (c === 0x3d && /^[0-9A-Fa-f]{2}$/u.test(soft.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c & 0xff);
  }
  return Buffer.from(bytes);
}

function decodeBody(body: Buffer, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/gu, ''), 'base64');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body.toString('latin1'));
  return body;
}

/** The header block and the body of an entity (split at the first empty line). */
function split(entity: Buffer): { readonly head: string; readonly body: Buffer } {
  const crlf = entity.indexOf('\r\n\r\n');
  const lf = entity.indexOf('\n\n');
  const cut = crlf !== -1 && (lf === -1 || crlf < lf) ? { at: crlf, length: 4 } : lf !== -1 ? { at: lf, length: 2 } : null;
  if (cut === null) return { head: entity.toString('latin1'), body: Buffer.alloc(0) };
  return { head: entity.subarray(0, cut.at).toString('latin1'), body: entity.subarray(cut.at + cut.length) };
}

/** The parts between `--boundary` lines (RFC 2046 §5.1.1), without the preamble and epilogue. */
function multipartBodies(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  const parts: Buffer[] = [];
  let at = text.startsWith(delimiter) ? 0 : text.indexOf(`\n${delimiter}`);
  if (at === -1) return parts;
  if (at > 0) at += 1;
  for (;;) {
    const lineEnd = text.indexOf('\n', at);
    if (lineEnd === -1) break;
    if (text.startsWith(`${delimiter}--`, at)) break;
    const next = text.indexOf(`\n${delimiter}`, lineEnd);
    const end = next === -1 ? text.length : next;
    // The CRLF before the delimiter belongs to the delimiter.
    const partEnd = end > 0 && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
    parts.push(body.subarray(lineEnd + 1, Math.max(lineEnd + 1, partEnd)));
    if (next === -1 || parts.length >= MAX_PARTS) break;
    at = next + 1;
  }
  return parts;
}

/** Every non-multipart part of the message, decoded (at most 200, nested at most 6 deep). */
export function mimeLeaves(message: Buffer): MimeLeaf[] {
  const leaves: MimeLeaf[] = [];
  const walk = (entity: Buffer, depth: number) => {
    if (leaves.length >= MAX_PARTS) return;
    const { head, body } = split(entity);
    const headers = readHeaders(head);
    const boundary = headers.params['boundary'];
    if (headers.contentType.startsWith('multipart/') && boundary !== undefined && boundary !== '') {
      if (depth >= MAX_DEPTH) return;
      for (const part of multipartBodies(body, boundary)) walk(part, depth + 1);
      return;
    }
    leaves.push({ contentType: headers.contentType, filename: headers.filename, bytes: decodeBody(body, headers.encoding) });
  };
  walk(message, 0);
  return leaves;
}

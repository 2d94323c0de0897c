/**
 * DKIM key records (RFC 6376 §3.6.1) and their keys: the tag=value list (§3.2), the key
 * type and size judged by RFC 8301 §3.2 (RSA below 1024 bits is invalid, 1024 is weak,
 * 2048 recommended) and RFC 8463 (ed25519), revocation (empty p=), testing (t=y).
 * Also the selectors named by a received message's DKIM-Signature headers.
 */
import { createPublicKey } from 'node:crypto';

export interface TagList {
  readonly tags: ReadonlyMap<string, string>;
  /** Tag names in the order published. */
  readonly order: readonly string[];
  readonly errors: ReadonlyArray<{ readonly tag: string; readonly message: string }>;
}

/** RFC 6376 §3.2 tag-list; also DMARC's (RFC 9989 §4.7) and MTA-STS's TXT syntax. */
export function parseTagList(text: string): TagList {
  const tags = new Map<string, string>();
  const order: string[] = [];
  const errors: Array<{ tag: string; message: string }> = [];
  for (const raw of text.split(';')) {
    const spec = raw.trim();
    if (spec === '') continue;
    const eq = spec.indexOf('=');
    if (eq <= 0) {
      errors.push({ tag: spec, message: `"${spec}" is not a tag=value pair` });
      continue;
    }
    const name = spec.slice(0, eq).trim();
    const value = spec.slice(eq + 1).trim();
    if (!/^[a-z][a-z0-9_]*$/iu.test(name)) {
      errors.push({ tag: spec, message: `"${name}" is not a valid tag name` });
      continue;
    }
    const key = name.toLowerCase();
    if (tags.has(key)) {
      errors.push({ tag: spec, message: `the tag ${key}= appears twice; a record with duplicate tags is invalid` });
      continue;
    }
    tags.set(key, value);
    order.push(key);
  }
  return { tags, order, errors };
}

export type KeyAnalysis =
  | { readonly kind: 'revoked' }
  | { readonly kind: 'malformed'; readonly reason: string }
  | { readonly kind: 'ok'; readonly keyType: 'rsa' | 'ed25519'; readonly bits: number; readonly encoding: 'spki' | 'pkcs1' | 'raw' };

/** Decode and measure the p= key of a DKIM record. */
export function analyzeKey(keyType: string, p: string): KeyAnalysis {
  const compact = p.replace(/[\t\r\n ]+/gu, '');
  if (compact === '') return { kind: 'revoked' };
  const bad = /[^A-Za-z0-9+/=]/u.exec(compact);
  if (bad !== null) return { kind: 'malformed', reason: `p= contains "${bad[0] === '"' ? '\\"' : bad[0]}" at position ${bad.index + 1}, which is not base64` };
  if (/=[^=]/u.test(compact) || /={3,}$/u.test(compact)) return { kind: 'malformed', reason: 'p= has "=" padding in the middle of the key' };
  if (compact.replace(/=+$/u, '').length % 4 === 1) return { kind: 'malformed', reason: 'p= has a length no base64 text can have (a character was lost when pasting)' };
  const der = Buffer.from(compact, 'base64');
  if (keyType === 'ed25519') {
    return der.length === 32 ? { kind: 'ok', keyType: 'ed25519', bits: 256, encoding: 'raw' } : { kind: 'malformed', reason: `an ed25519 key is 32 bytes; p= decodes to ${der.length}` };
  }
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      const key = createPublicKey({ key: der, format: 'der', type });
      if (key.asymmetricKeyType !== 'rsa') return { kind: 'malformed', reason: `p= holds a ${key.asymmetricKeyType ?? 'non-RSA'} key but k=rsa` };
      return { kind: 'ok', keyType: 'rsa', bits: key.asymmetricKeyDetails?.modulusLength ?? 0, encoding: type };
    } catch {
      // try the next encoding
    }
  }
  return { kind: 'malformed', reason: `p= decodes to ${der.length} bytes that are not an RSA public key (truncated or mistyped)` };
}

/** Unfold a header block (RFC 5322 §2.2.3). */
function unfold(headers: string): string[] {
  return headers.replace(/\r?\n[ \t]+/gu, ' ').split(/\r?\n/u);
}

/** `s=` and `d=` of each DKIM-Signature in a received message's headers. */
export function signaturesInHeaders(headers: string): Array<{ readonly selector: string; readonly domain: string }> {
  return unfold(headers).flatMap((line) => {
    const match = /^dkim-signature:(.*)$/iu.exec(line);
    if (!match) return [];
    const { tags } = parseTagList(match[1] ?? '');
    const selector = tags.get('s')?.replace(/\s+/gu, '').toLowerCase();
    const domain = tags.get('d')?.replace(/\s+/gu, '').toLowerCase();
    return selector && domain ? [{ selector, domain }] : [];
  });
}

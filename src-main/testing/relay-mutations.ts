/**
 * What a relay does to a message on the way, as plain functions the signing relay and
 * the message-proof tests share: add its Received field, strip header fields, DKIM-sign
 * (mailauth's dkimSign with a key the test zone publishes), and change the message
 * after signing.
 */
import { dkimSign } from 'mailauth';
import type { DkimKey } from './verification-zone';

function split(message: string): { head: string; rest: string } {
  const end = message.indexOf('\r\n\r\n');
  return end === -1 ? { head: message, rest: '' } : { head: message.slice(0, end + 2), rest: message.slice(end + 2) };
}

/** Remove every field with one of these names (folded continuation lines included). */
export function stripHeaderFields(message: string, names: readonly string[]): string {
  const lower = new Set(names.map((n) => n.toLowerCase()));
  const { head, rest } = split(message);
  const kept: string[] = [];
  let dropping = false;
  for (const line of head.split('\r\n')) {
    if (/^[ \t]/u.test(line)) {
      if (!dropping) kept.push(line);
      continue;
    }
    const name = line.slice(0, Math.max(0, line.indexOf(':'))).trim().toLowerCase();
    dropping = lower.has(name);
    if (!dropping) kept.push(line);
  }
  return kept.join('\r\n') + rest;
}

/** Set (replace or add) one header field. */
export function setHeaderField(message: string, name: string, value: string): string {
  const stripped = stripHeaderFields(message, [name]);
  return `${name}: ${value}\r\n${stripped}`;
}

export function receivedField(o: { readonly helo: string; readonly ip: string; readonly by: string; readonly protocol: string; readonly id: string; readonly at: Date }): string {
  return `Received: from ${o.helo} (${o.helo} [${o.ip}])\r\n\tby ${o.by} with ${o.protocol} id ${o.id};\r\n\t${o.at.toUTCString().replace('GMT', '+0000')}\r\n`;
}

/** Prepend one DKIM-Signature per key (the last key's signature ends up on top). */
export async function signMessage(message: string, keys: readonly DkimKey[], signTime?: Date): Promise<string> {
  let signed = message;
  for (const key of keys) {
    const signature = { signingDomain: key.domain, selector: key.selector, privateKey: key.privateKey, canonicalization: 'relaxed/relaxed' };
    // mailauth signs only what `signatureData` lists (top-level key fields alone sign nothing).
    const result = await dkimSign(signed, { ...signature, signatureData: [signature], ...(signTime === undefined ? {} : { signTime }) });
    if (result.errors.length > 0 || !result.signatures.startsWith('DKIM-Signature:')) {
      throw new Error(`DKIM signing failed: ${result.errors.map((e) => e.message).join('; ') || 'no signature produced'}`);
    }
    signed = result.signatures + signed;
  }
  return signed;
}

/** Normalise to CRLF line ends (what goes over SMTP). */
export function crlf(text: string): string {
  return text.replace(/\r?\n/gu, '\r\n');
}

/**
 * The two forms of a saved address for display. Addresses are stored with their domain
 * in ASCII (punycode, `support@xn--bcher-kva.example`: what SMTP and DNS use, and what
 * the address check in main stores); admins typed and recognise the Unicode form
 * (`support@bücher.example`). Main converts with `node:url`; the renderer has no
 * `domainToUnicode`, so the punycode labels are decoded here (RFC 3492) and the result is
 * only trusted when `domainToAscii` (the same UTS #46 conversion the address check uses)
 * gives back exactly the stored form.
 */
import { domainToAscii } from '../../../../src-preload/contract/fields';

const BASE = 36;
const TMIN = 1;
const TMAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;
const MAX_INT = 0x7fffffff;

function adapt(delta: number, points: number, first: boolean): number {
  let d = first ? Math.floor(delta / DAMP) : Math.floor(delta / 2);
  d += Math.floor(d / points);
  let k = 0;
  while (d > ((BASE - TMIN) * TMAX) / 2) {
    d = Math.floor(d / (BASE - TMIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - TMIN + 1) * d) / (d + SKEW));
}

function digitOf(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30 + 26;
  if (code >= 0x41 && code <= 0x5a) return code - 0x41;
  if (code >= 0x61 && code <= 0x7a) return code - 0x61;
  return BASE;
}

/** One punycode label without its `xn--` prefix → Unicode; null when it is not valid punycode. */
export function decodePunycodeLabel(input: string): string | null {
  const output: number[] = [];
  const delimiter = input.lastIndexOf('-');
  for (let j = 0; j < Math.max(delimiter, 0); j += 1) {
    const code = input.charCodeAt(j);
    if (code >= 0x80) return null;
    output.push(code);
  }
  let n = INITIAL_N;
  let bias = INITIAL_BIAS;
  let i = 0;
  for (let index = delimiter > 0 ? delimiter + 1 : 0; index < input.length; ) {
    const oldI = i;
    let w = 1;
    for (let k = BASE; ; k += BASE) {
      if (index >= input.length) return null;
      const digit = digitOf(input.charCodeAt(index));
      index += 1;
      if (digit >= BASE || digit > Math.floor((MAX_INT - i) / w)) return null;
      i += digit * w;
      const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
      if (digit < t) break;
      if (w > Math.floor(MAX_INT / (BASE - t))) return null;
      w *= BASE - t;
    }
    const length = output.length + 1;
    bias = adapt(i - oldI, length, oldI === 0);
    if (Math.floor(i / length) > MAX_INT - n) return null;
    n += Math.floor(i / length);
    i %= length;
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return null;
    output.splice(i, 0, n);
    i += 1;
  }
  return String.fromCodePoint(...output);
}

/** `xn--bcher-kva.example` → `bücher.example`; the name unchanged when it has no valid punycode label. */
export function domainToUnicode(domain: string): string {
  const labels = domain.split('.');
  const decoded: string[] = [];
  for (const label of labels) {
    if (!/^xn--/iu.test(label)) {
      decoded.push(label);
      continue;
    }
    const unicode = decodePunycodeLabel(label.slice(4));
    if (unicode === null || unicode === '') return domain;
    decoded.push(unicode);
  }
  const unicode = decoded.join('.');
  if (unicode === domain) return domain;
  // Only a canonical encoding is shown decoded: it must encode back to the very name stored.
  return domainToAscii(unicode)?.toLowerCase() === domain.toLowerCase() ? unicode : domain;
}

export interface AddressForms {
  /** What the admin reads: the domain in Unicode when it is an internationalised one. */
  readonly display: string;
  /** The stored (punycode) form, when it differs from `display`; null otherwise. */
  readonly ascii: string | null;
}

export function addressForms(address: string): AddressForms {
  const at = address.lastIndexOf('@');
  if (at < 0) return { display: address, ascii: null };
  const domain = address.slice(at + 1);
  const unicode = domainToUnicode(domain);
  return unicode === domain ? { display: address, ascii: null } : { display: `${address.slice(0, at + 1)}${unicode}`, ascii: address };
}

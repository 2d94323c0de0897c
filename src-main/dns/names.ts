/** Name arithmetic shared by the resolver's users: reverse names, IPv6 nibbles, domain relations. */
import { ipFamily } from './ip-family';

/** `2001:db8::1` → `2001:0db8:0000:0000:0000:0000:0000:0001`. */
export function expandIPv6(ip: string): string {
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => g.padStart(4, '0')).join(':');
}

/** The 32 hex nibbles of an IPv6 address, dot-separated (RFC 3596 §2.5, RFC 7208 §7.3). */
export function ipv6Nibbles(ip: string): string {
  return expandIPv6(ip).replace(/:/gu, '').split('').join('.');
}

/** The PTR query name: `4.3.2.1.in-addr.arpa`, or the nibble form under ip6.arpa. */
export function reverseName(ip: string): string {
  return ipFamily(ip) === 6 ? `${ipv6Nibbles(ip).split('.').reverse().join('.')}.ip6.arpa` : `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

/**
 * The address of an IP literal host, or null for a name: `192.0.2.1`, `[192.0.2.1]` and
 * `[IPv6:2001:db8::1]` (RFC 5321 §4.1.3 address literals), `[::1]` (as URLs write it).
 * A literal is never looked up as a name: it already is the address.
 */
export function addressLiteral(host: string): string | null {
  const trimmed = host.trim();
  const bracketed = /^\[(?:ipv6:)?([^\]]*)\]$/iu.exec(trimmed);
  const bare = bracketed ? (bracketed[1] ?? '') : trimmed.replace(/\.$/u, '');
  return ipFamily(bare) !== 0 ? bare : null;
}

/** One name is the other or lies under it (`mail.example.com` and `example.com`). */
export function isSameOrSubdomain(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

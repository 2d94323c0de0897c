/**
 * Whether an IP address or a host name can be reached from the internet: the one
 * classification shared by the Received-chain reader (which hop is the sender) and the
 * connection test's platform readiness (a SaaS platform connects from the internet, so a
 * host only this network can reach will never work for it).
 */
import { ipFamily } from './ip-family';
import { expandIPv6 } from './names';

/** Where an address is reachable from; `public` = anything not in a range below. */
export type IpScope = 'loopback' | 'private' | 'shared' | 'link-local' | 'unique-local' | 'unspecified' | 'public';

/** The scope of an IP literal; null when the text is not an IP address. */
export function ipScope(ip: string): IpScope | null {
  const bare = ip.replace(/^\[|\]$/gu, '').replace(/%.*$/u, '');
  switch (ipFamily(bare)) {
    case 4:
      return ipv4Scope(bare);
    case 6:
      return ipv6Scope(bare.toLowerCase());
    default:
      return null;
  }
}

function ipv4Scope(ip: string): IpScope {
  const [a = 0, b = 0] = ip.split('.').map(Number);
  if (a === 127) return 'loopback';
  // RFC 1918.
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  // RFC 6598: carrier-grade NAT, never routed on the internet.
  if (a === 100 && b >= 64 && b <= 127) return 'shared';
  // RFC 3927.
  if (a === 169 && b === 254) return 'link-local';
  // RFC 1122 §3.2.1.3: "this network".
  if (a === 0) return 'unspecified';
  return 'public';
}

function ipv6Scope(ip: string): IpScope {
  // RFC 4291 §2.5.5.2: an IPv4-mapped address is the IPv4 address.
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/u.exec(ip);
  const groups = expandIPv6(dotted === null ? ip : `${dotted[1] ?? ''}${dottedToHex(dotted[2] ?? '')}`).split(':');
  if (groups.slice(0, 5).every((g) => g === '0000') && groups[5] === 'ffff') {
    const [hi = 0, lo = 0] = [Number.parseInt(groups[6] ?? '0', 16), Number.parseInt(groups[7] ?? '0', 16)];
    return ipv4Scope(`${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`);
  }
  if (groups.every((g) => g === '0000')) return 'unspecified';
  if (groups.slice(0, 7).every((g) => g === '0000') && groups[7] === '0001') return 'loopback';
  const first = Number.parseInt(groups[0] ?? '0', 16);
  // RFC 4193: fc00::/7.
  if ((first & 0xfe00) === 0xfc00) return 'unique-local';
  // RFC 4291 §2.5.6: fe80::/10.
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  return 'public';
}

/** `127.0.0.1` → `7f00:1`, so the expanded form has eight groups. */
function dottedToHex(ipv4: string): string {
  const [a = 0, b = 0, c = 0, d = 0] = ipv4.split('.').map(Number);
  return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/** Loopback, RFC 1918, RFC 6598, link-local, ULA or unspecified: only reachable from inside. */
export function isPrivateIp(ip: string): boolean {
  const scope = ipScope(ip);
  return scope !== null && scope !== 'public';
}

/**
 * Suffixes that never resolve on the public internet: RFC 6761 (`.test`, `.localhost`,
 * `.invalid`, `.example`), RFC 6762 (`.local`), RFC 8375 (`.home.arpa`), ICANN's reserved
 * `.internal`, and the private names networks commonly use (`.lan`, `.localdomain`,
 * `.home`, `.corp`: never delegated in the root zone).
 */
const PRIVATE_SUFFIXES = ['local', 'internal', 'test', 'localhost', 'lan', 'home.arpa', 'example', 'invalid', 'localdomain', 'home', 'corp'] as const;

/**
 * Why a host name cannot be resolved from the internet (the suffix, or "a single-label
 * name"), or null when it could be. An IP literal is judged by `ipScope`, not here.
 */
export function privateNameReason(host: string): string | null {
  const name = host.toLowerCase().replace(/\.$/u, '');
  if (ipScope(name) !== null) return null;
  if (!name.includes('.')) return 'a single-label name';
  const suffix = PRIVATE_SUFFIXES.find((s) => name === s || name.endsWith(`.${s}`));
  return suffix === undefined ? null : `a .${suffix} name`;
}

/** The scope in the admin's words, for messages. */
export function describeIpScope(scope: Exclude<IpScope, 'public'>): string {
  switch (scope) {
    case 'loopback':
      return 'a loopback address, for this computer only';
    case 'private':
      return 'a private network address under RFC 1918';
    case 'shared':
      return 'a carrier-grade NAT address under RFC 6598';
    case 'link-local':
      return 'a link-local address';
    case 'unique-local':
      return 'an IPv6 unique local address';
    case 'unspecified':
      return 'an unspecified address';
  }
}

/**
 * node:net's isIP, without building node's IPv6 pattern for text that cannot be an IPv6
 * address. Node compiles that pattern on the first isIPv6 call (a few ms of CPU), and
 * isIP asks it of every host name and IPv4 address it is given: every check and `relayproof`
 * command paid for it on its way to the first packet. Every IPv6 address has a colon; text
 * without one is an IPv4 address or nothing (ip-family.test.ts holds it equal to isIP).
 */
import { isIPv4, isIPv6 } from 'node:net';

export function ipFamily(text: string): 0 | 4 | 6 {
  if (text.includes(':')) return isIPv6(text) ? 6 : 0;
  return isIPv4(text) ? 4 : 0;
}

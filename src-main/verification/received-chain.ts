/**
 * The Received chain (RFC 5321 §4.4): each server that handled the message prepends
 * one, so the topmost is the last hop. SPF must be evaluated for the IP that handed
 * the message to the receiving side: the first hop, from the top, that names a client
 * IP and is not an authenticated submission (RFC 3848 `ESMTPA`/`ESMTPSA`: that is the
 * client signing in to its own server, not a server-to-server transfer). A public IP is
 * preferred over private and loopback ones (internal hops of the receiving side).
 */
import { ipFamily } from '../dns/ip-family';
import type { ReceivedHop } from '../../src-preload/contract/verification-schemas';
import { isPrivateIp } from '../dns/address-scope';

const AUTHENTICATED = /^(?:e?smtps?a|utf8smtps?a|utf8lmtps?a|lmtps?a)$/iu;

function clause(text: string, keyword: string): string | null {
  const match = new RegExp(`(?:^|\\s)${keyword}\\s+([^\\s;()]+)`, 'iu').exec(text);
  return match?.[1] ?? null;
}

/** One Received field: `from HELO (rDNS [IP]) by HOST with PROTO id ID; DATE` (RFC 5321 §4.4). */
export function parseReceived(value: string): ReceivedHop {
  const semicolon = value.lastIndexOf(';');
  const fields = semicolon === -1 ? value : value.slice(0, semicolon);
  const stamp = semicolon === -1 ? null : value.slice(semicolon + 1).trim();
  const parsedAt = stamp === null ? Number.NaN : Date.parse(stamp.replace(/\s*\([^)]*\)\s*$/u, ''));
  // The from clause runs until " by " (the comment in between carries the IP).
  const fromPart = /(?:^|\s)from\s+([\s\S]*?)(?=\sby\s|$)/iu.exec(fields)?.[1] ?? '';
  const ip = /\[(?:IPv6:)?([0-9a-f:.]+)\]/iu.exec(fromPart)?.[1] ?? /\b((?:\d{1,3}\.){3}\d{1,3})\b/u.exec(fromPart)?.[1] ?? null;
  const from = fromPart.trim().split(/\s+/u)[0] ?? '';
  const stripped = fields.replace(/\([^()]*\)/gu, ' ');
  return {
    from: from === '' ? null : from.replace(/^\[|\]$/gu, ''),
    ip: ip !== null && ipFamily(ip) !== 0 ? ip : null,
    by: clause(stripped, 'by'),
    with: clause(stripped, 'with'),
    at: Number.isNaN(parsedAt) ? null : new Date(parsedAt).toISOString(),
  };
}

export interface SenderHop {
  readonly index: number;
  readonly ip: string;
  readonly helo: string | null;
}

/** The hop whose client IP SPF must judge (see the file comment), or null. */
export function senderHop(hops: readonly ReceivedHop[]): SenderHop | null {
  const candidates = hops
    .map((hop, index) => ({ hop, index }))
    .filter(({ hop }) => hop.ip !== null && !(hop.with !== null && AUTHENTICATED.test(hop.with)));
  const chosen = candidates.find(({ hop }) => hop.ip !== null && !isPrivateIp(hop.ip)) ?? candidates[0];
  if (chosen === undefined || chosen.hop.ip === null) return null;
  return { index: chosen.index, ip: chosen.hop.ip, helo: chosen.hop.from };
}

/** From the Date header to the topmost Received timestamp (final delivery). */
export function deliveryDelayMs(dateHeader: string | null, hops: readonly ReceivedHop[]): number | null {
  if (dateHeader === null) return null;
  const sent = Date.parse(dateHeader);
  const delivered = hops.find((h) => h.at !== null)?.at;
  if (Number.isNaN(sent) || delivered === undefined || delivered === null) return null;
  return Date.parse(delivered) - sent;
}

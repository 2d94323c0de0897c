/**
 * Asks DNS blocklists about one IP address or domain (RFC 5782): every list at once, under
 * one deadline for the whole check, through Relayproof's resolver (so `--dns-server` and
 * Settings' DNS servers apply as for `check` and `spf`). An answer is read with the list's
 * published codes: error codes (a public resolver refused, a mistyped zone) are never
 * listings, an answer outside 127.0.0.0/8 is a dead or parked zone, and a list that also
 * lists its own RFC 5782 test point "not listed" lists everything.
 */
import { ipFamily } from '../dns/ip-family';
import { domainNameSchema } from '../../src-preload/contract/checks-schemas';
import type { BlocklistReport, BlocklistResult, BlocklistSeverity } from '../../src-preload/contract/blocklist-schemas';
import { addressLiteral, ipv6Nibbles } from '../dns/names';
import { isResolverFault, type DnsResolver } from '../dns/resolver';
import type { AskedList } from './blocklist-catalogue';

/** The whole check (every list, its TXT reason and its test point) ends by then. */
export const DEFAULT_BLOCKLIST_DEADLINE_MS = 10_000;

export type BlocklistTarget = { readonly kind: 'ip'; readonly value: string } | { readonly kind: 'domain'; readonly value: string };

/** An IP address (also as an address literal, `[192.0.2.1]`) or a domain; null when it is neither. */
export function parseBlocklistTarget(text: string): BlocklistTarget | null {
  const ip = addressLiteral(text);
  if (ip !== null) return { kind: 'ip', value: ipFamily(ip) === 6 ? ip.toLowerCase() : ip };
  const domain = domainNameSchema.safeParse(text);
  if (!domain.success) return null;
  // Lists are asked in A-labels (RFC 5782 §2.3 names are DNS names).
  try {
    return { kind: 'domain', value: new URL(`http://${domain.data}`).hostname };
  } catch {
    return null;
  }
}

/** `2001:db8::ffff:192.0.2.1` → the same with its last 32 bits in hex, which the nibble form needs. */
function ipv6Hex(ip: string): string {
  const dotted = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/u.exec(ip);
  if (dotted === null) return ip;
  const [a, b, c, d] = dotted.slice(2).map(Number) as [number, number, number, number];
  return `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/** The name asked of a list (RFC 5782 §2.1 reversed IPv4 octets, §2.4 reversed IPv6 nibbles, §2.3 the domain itself). */
export function blocklistQueryName(target: BlocklistTarget, zone: string): string {
  if (target.kind === 'domain') return `${target.value}.${zone}`;
  if (ipFamily(target.value) === 4) return `${target.value.split('.').reverse().join('.')}.${zone}`;
  return `${ipv6Nibbles(ipv6Hex(target.value)).split('.').reverse().join('.')}.${zone}`;
}

/** RFC 5782 §5: every list must list 127.0.0.2 / ::FFFF:7F00:2 / TEST and must not list 127.0.0.1 / ::FFFF:7F00:1 / INVALID. */
function notListedTestPoint(target: BlocklistTarget): BlocklistTarget {
  if (target.kind === 'domain') return { kind: 'domain', value: 'invalid' };
  return ipFamily(target.value) === 4 ? { kind: 'ip', value: '127.0.0.1' } : { kind: 'ip', value: '::ffff:7f00:1' };
}

const SEVERITY_RANK: Readonly<Record<BlocklistSeverity, number>> = { none: 0, policy: 1, unknown: 2, blocking: 3 };

function worst(severities: readonly BlocklistSeverity[]): BlocklistSeverity {
  return severities.reduce<BlocklistSeverity>((a, b) => (SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a), 'none');
}

function matchCodes(list: AskedList, code: string): AskedList['codes'] {
  const exact = list.codes.filter((c) => c.code === code);
  if (list.codeMatch === 'exact' || exact.length > 0) return exact;
  // Bitmask lists (URIBL) add the bits of several listings into the last octet.
  const last = Number(code.split('.')[3]);
  const prefix = code.split('.').slice(0, 3).join('.');
  return list.codes.filter((c) => {
    const bit = Number(c.code.split('.')[3]);
    return c.code.startsWith(`${prefix}.`) && bit > 0 && (last & bit) === bit;
  });
}

export interface BlocklistCheckOptions {
  readonly resolver: DnsResolver;
  readonly lists: readonly AskedList[];
  readonly deadlineMs?: number;
  /** Cancellation by the caller (the deadline is separate). */
  readonly signal?: AbortSignal;
}

export async function checkBlocklists(target: BlocklistTarget, options: BlocklistCheckOptions): Promise<BlocklistReport> {
  const deadlineMs = options.deadlineMs ?? DEFAULT_BLOCKLIST_DEADLINE_MS;
  const deadline = AbortSignal.timeout(deadlineMs);
  const signal = options.signal === undefined ? deadline : AbortSignal.any([deadline, options.signal]);
  const results = await Promise.all(
    options.lists.map(async (list): Promise<BlocklistResult> => {
      try {
        return await askList(target, list, options.resolver, signal);
      } catch (error) {
        if (options.signal?.aborted === true) throw error;
        return {
          ...base(list),
          status: 'error',
          severity: 'unknown',
          meaning: `${list.name} did not answer within the ${(deadlineMs / 1000).toLocaleString('en')}-second deadline of this check: whether ${target.value} is listed is unknown. Check again; if it keeps happening, the list or your DNS server is unreachable from here.`,
        };
      }
    }),
  );
  return {
    target: target.value,
    kind: target.kind,
    listed: results.some((r) => r.status === 'listed'),
    blocking: results.some((r) => r.status === 'listed' && r.severity === 'blocking'),
    results,
  };
}

function base(list: AskedList): Pick<BlocklistResult, 'list' | 'zone' | 'codes' | 'txt' | 'delist'> {
  return { list: list.name, zone: list.zone, codes: [], txt: null, delist: null };
}

async function askList(target: BlocklistTarget, list: AskedList, resolver: DnsResolver, signal: AbortSignal): Promise<BlocklistResult> {
  const name = blocklistQueryName(target, list.zone);
  const answer = await resolver.lookup(name, 'A', { signal });
  const what = target.kind === 'ip' ? 'the IP address' : 'the domain';
  if (answer.outcome === 'nxdomain' || answer.outcome === 'nodata') {
    return { ...base(list), status: 'not-listed', severity: 'none', meaning: `${list.name} does not list ${target.value}.` };
  }
  if (answer.outcome !== 'answer' || isResolverFault(answer)) {
    return { ...base(list), status: 'error', severity: 'unknown', meaning: `${answer.explanation}${list.note !== null && list.note.includes('registered') ? ` ${list.note}` : ''}` };
  }
  const codes = [...new Set(answer.records.flatMap((r) => (r.type === 'A' ? [r.address] : [])))];
  const strange = codes.filter((c) => !c.startsWith('127.'));
  if (strange.length > 0) {
    return {
      ...base(list),
      codes,
      status: 'error',
      severity: 'unknown',
      meaning: `${list.zone} answered ${strange.join(', ')}, which no blocklist answers (RFC 5782 §2.1: answers are in 127.0.0.0/8): the zone is gone, parked or hijacked, and its answer says nothing about ${what}. Stop asking it.`,
    };
  }
  const errors = list.errorCodes.filter((e) => codes.includes(e.code));
  const firstError = errors[0];
  if (firstError !== undefined) {
    const status = errors.some((e) => e.status === 'blocked-resolver') ? 'blocked-resolver' : 'error';
    return { ...base(list), codes, status, severity: 'unknown', meaning: errors.map((e) => `${e.meaning} ${e.fix}`).join(' ') };
  }
  // The reason and the test point are asked together, inside the same deadline.
  const [txt, testPoint] = await Promise.all([
    resolver.lookup(name, 'TXT', { signal }),
    resolver.lookup(blocklistQueryName(notListedTestPoint(target), list.zone), 'A', { signal }),
  ]);
  if (testPoint.outcome === 'answer') {
    return {
      ...base(list),
      codes,
      status: 'error',
      severity: 'unknown',
      meaning: `${list.zone} also lists its RFC 5782 test point that must never be listed (${notListedTestPoint(target).value}): it answers "listed" for everything, so its answer says nothing about ${what}. Such a list is usually shut down or misconfigured; stop asking it.`,
    };
  }
  const reasons = txt.outcome === 'answer' ? txt.records.flatMap((r) => (r.type === 'TXT' ? [r.strings.join('')] : [])) : [];
  const matched = codes.map((code) => ({ code, entries: matchCodes(list, code) }));
  const severity = worst(matched.map((m) => (m.entries.length === 0 ? 'unknown' : worst(m.entries.map((e) => e.severity)))));
  const meaning = matched
    .map((m) =>
      m.entries.length === 0
        ? `Listed with ${m.code}, a code Relayproof does not know for ${list.name}: read the list's reason and its documentation.`
        : m.entries.map((e) => `${e.name} (${m.code}): ${e.meaning}`).join(' '),
    )
    .join(' ');
  return {
    ...base(list),
    codes,
    status: 'listed',
    severity,
    meaning: list.note !== null && severity !== 'policy' ? `${meaning} ${list.note}` : meaning,
    txt: reasons.length === 0 ? null : reasons.join(' | '),
    delist: list.delist,
  };
}

/**
 * In-memory zones for the test DNS server: records with absolute names, built with the
 * small helpers below so tests read like zone files.
 */
import type { DnsRecordType } from '../dns/schemas';

export type ZoneRecord =
  | { readonly name: string; readonly type: 'A' | 'AAAA'; readonly ttl?: number; readonly address: string }
  | { readonly name: string; readonly type: 'CNAME' | 'NS' | 'PTR'; readonly ttl?: number; readonly target: string }
  | { readonly name: string; readonly type: 'MX'; readonly ttl?: number; readonly priority: number; readonly exchange: string }
  | { readonly name: string; readonly type: 'TXT'; readonly ttl?: number; readonly strings: readonly string[] };

export interface Zone {
  /** Apex, e.g. `example.com`. */
  readonly origin: string;
  readonly records: readonly ZoneRecord[];
  /** SOA MINIMUM (the negative-caching TTL, RFC 2308 §4) and the SOA record's own TTL. */
  readonly soa?: { readonly minimum?: number; readonly ttl?: number; readonly serial?: number };
}

export const DEFAULT_TTL = 300;

export const rr = {
  a: (name: string, address: string, ttl?: number): ZoneRecord => ({ name, type: 'A', address, ...(ttl === undefined ? {} : { ttl }) }),
  aaaa: (name: string, address: string, ttl?: number): ZoneRecord => ({ name, type: 'AAAA', address, ...(ttl === undefined ? {} : { ttl }) }),
  cname: (name: string, target: string, ttl?: number): ZoneRecord => ({ name, type: 'CNAME', target, ...(ttl === undefined ? {} : { ttl }) }),
  ns: (name: string, target: string, ttl?: number): ZoneRecord => ({ name, type: 'NS', target, ...(ttl === undefined ? {} : { ttl }) }),
  ptr: (name: string, target: string, ttl?: number): ZoneRecord => ({ name, type: 'PTR', target, ...(ttl === undefined ? {} : { ttl }) }),
  mx: (name: string, priority: number, exchange: string, ttl?: number): ZoneRecord => ({ name, type: 'MX', priority, exchange, ...(ttl === undefined ? {} : { ttl }) }),
  /** One TXT record; several arguments = several character-strings in that one record. */
  txt: (name: string, ...strings: string[]): ZoneRecord => ({ name, type: 'TXT', strings }),
  txtTtl: (name: string, ttl: number, ...strings: string[]): ZoneRecord => ({ name, type: 'TXT', strings, ttl }),
};

/** `4.3.2.1.in-addr.arpa` for 1.2.3.4; nibble form under ip6.arpa for IPv6. */
export function reverseName(ip: string): string {
  if (ip.includes(':')) {
    const [head = '', tail = ''] = ip.split('::');
    const headGroups = head === '' ? [] : head.split(':');
    const tailGroups = tail === '' ? [] : tail.split(':');
    const groups = ip.includes('::') ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups] : ip.split(':');
    return `${groups
      .map((g) => g.padStart(4, '0'))
      .join('')
      .split('')
      .reverse()
      .join('.')}.ip6.arpa`;
  }
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

export function recordType(record: ZoneRecord): DnsRecordType {
  return record.type;
}

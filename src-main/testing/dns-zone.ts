/**
 * In-memory zones for the test DNS server: records with absolute names, built with the
 * small helpers below so tests read like zone files.
 */
export type ZoneRecord =
  | { readonly name: string; readonly type: 'A' | 'AAAA'; readonly ttl?: number; readonly address: string }
  | { readonly name: string; readonly type: 'CNAME' | 'NS' | 'PTR'; readonly ttl?: number; readonly target: string }
  | { readonly name: string; readonly type: 'MX'; readonly ttl?: number; readonly priority: number; readonly exchange: string }
  | { readonly name: string; readonly type: 'TXT'; readonly ttl?: number; readonly strings: readonly string[] }
  | { readonly name: string; readonly type: 'SRV'; readonly ttl?: number; readonly priority: number; readonly weight: number; readonly port: number; readonly target: string };

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
  /**
   * One TXT record; several arguments = several character-strings in that one record.
   * A string over 255 bytes is split the way zone-file tools do (RFC 1035 §3.3.14).
   */
  /** RFC 2782 `_service._proto.name`; target `.` = the service is not offered. */
  srv: (name: string, priority: number, weight: number, port: number, target: string, ttl?: number): ZoneRecord => ({
    name,
    type: 'SRV',
    priority,
    weight,
    port,
    target,
    ...(ttl === undefined ? {} : { ttl }),
  }),
  txt: (name: string, ...strings: string[]): ZoneRecord => ({ name, type: 'TXT', strings: strings.flatMap(split255) }),
  txtTtl: (name: string, ttl: number, ...strings: string[]): ZoneRecord => ({ name, type: 'TXT', strings: strings.flatMap(split255), ttl }),
};

function split255(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= 255) return [text];
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += 255) out.push(bytes.subarray(i, i + 255).toString('utf8'));
  return out;
}

export { reverseName } from '../dns/names';

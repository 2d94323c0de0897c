/**
 * mailauth (SPF, DKIM, DMARC, ARC, BIMI on received messages) takes a
 * `resolver(name, rrtype)` shaped like `dns.promises.resolve`: arrays on success and
 * errors carrying Node's c-ares codes. This adapter gives it Relayproof's resolver, so a
 * message check and the DNS checklist see the same servers and record the same evidence.
 */
import type { DNSResolver } from 'mailauth';
import type { DnsResolver } from './resolver';
import { dnsRecordTypes, type DnsLookup, type DnsRecordType } from '../../src-preload/contract/dns-schemas';

/** mailauth's declared resolver type (its code also reads MX and SOA objects, as dns.promises returns them). */
export type MailauthResolver = DNSResolver;

export interface MailauthResolverOptions {
  readonly signal?: AbortSignal;
  /** Receives every lookup made on mailauth's behalf (for evidence). */
  readonly onLookup?: (lookup: DnsLookup) => void;
}

/** Node's error codes for each outcome (what mailauth's SPF/DMARC code switches on). */
const ERROR_CODES = {
  nxdomain: 'ENOTFOUND',
  nodata: 'ENODATA',
  servfail: 'ESERVFAIL',
  refused: 'EREFUSED',
  timeout: 'ETIMEOUT',
  'cname-loop': 'EBADRESP',
  error: 'EBADRESP',
} as const;

export class DnsLookupError extends Error {
  readonly code: (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
  readonly hostname: string;
  readonly lookup: DnsLookup;
  constructor(lookup: DnsLookup & { outcome: Exclude<DnsLookup['outcome'], 'answer'> }) {
    super(lookup.explanation);
    this.name = 'DnsLookupError';
    this.code = ERROR_CODES[lookup.outcome];
    this.hostname = lookup.name;
    this.lookup = lookup;
  }
}

function isRecordType(value: string): value is DnsRecordType {
  return (dnsRecordTypes as readonly string[]).includes(value);
}

export function toMailauthResolver(resolver: DnsResolver, options: MailauthResolverOptions = {}): MailauthResolver {
  return async (name, rrtype) => {
    const type = rrtype.toUpperCase();
    if (!isRecordType(type)) {
      throw Object.assign(new Error(`Relayproof's resolver does not ask for ${rrtype} records.`), { code: 'ENOTIMP' });
    }
    const lookup = await resolver.lookup(name, type, options.signal ? { signal: options.signal } : {});
    options.onLookup?.(lookup);
    if (lookup.outcome !== 'answer') throw new DnsLookupError({ ...lookup, outcome: lookup.outcome });
    const values = lookup.records.map((record) => {
      switch (record.type) {
        case 'A':
        case 'AAAA':
          return record.address;
        case 'CNAME':
        case 'NS':
        case 'PTR':
          return record.target;
        case 'MX':
          return { exchange: record.exchange, priority: record.priority };
        case 'TXT':
          return record.strings;
        case 'SRV':
          return { priority: record.priority, weight: record.weight, port: record.port, name: record.target };
        case 'SOA':
          return { nsname: record.primary, hostmaster: record.admin, serial: record.serial, minttl: record.minimum };
      }
    });
    // dns.promises.resolve(name, 'SOA') resolves to one object, not an array. The cast
    // only narrows to mailauth's declared type; the runtime shapes are Node's.
    return (type === 'SOA' ? values[0] : values) as string[][] | string[];
  };
}

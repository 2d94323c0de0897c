/**
 * Relayproof's stub resolver: asks the configured servers directly (no cache, so every
 * run sees fresh answers), per-query timeout and retries, TCP on truncation, CNAME
 * chains followed with loop detection, and every answer recorded with the server that
 * gave it, its TTL, transport and time. Failures are outcomes, not exceptions; only
 * cancellation rejects.
 */
import { parseServerSpecs, systemServers } from './servers';
import { exchange, type DnsServerAddress } from './transport';
import { encodeQuery, normalizeName, RCODE, typeCode, type DecodedResponse } from './wire';
import type { EarlyQuestion } from './early-question';
import type { DnsAttempt, DnsLookup, DnsOutcome, DnsRecord, DnsRecordType, NegativeAnswer, ResolverDescription, ResolverKind } from '../../src-preload/contract/dns-schemas';

export interface LookupOptions {
  readonly signal?: AbortSignal;
}

export interface DnsResolver {
  readonly description: ResolverDescription;
  /** Records of `type` at `name`, following CNAMEs (except when asking for CNAME). */
  lookup(name: string, type: DnsRecordType, options?: LookupOptions): Promise<DnsLookup>;
}

export interface ResolverOptions {
  readonly servers: readonly DnsServerAddress[];
  readonly kind: ResolverKind;
  /** Per exchange. */
  readonly timeoutMs?: number;
  /** Extra rounds over the servers after timeouts and network errors. */
  readonly retries?: number;
  /** RD bit; off when asking authoritative servers. Defaults to on except for `authoritative`. */
  readonly recursion?: boolean;
  readonly clock?: () => Date;
  /** A question sent before this resolver existed (early-question.ts): its first ask of that name, type and server waits for that answer instead of sending again. */
  readonly early?: EarlyQuestion | undefined;
}

export const DEFAULT_TIMEOUT_MS = 2500;
export const DEFAULT_RETRIES = 1;
/** Longer chains are treated like loops: no legitimate setup needs more. */
export const MAX_CNAME_CHAIN = 8;

const RCODE_NAMES: Readonly<Record<number, string>> = { 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED' };

type Exchanged =
  | { readonly kind: 'answered'; readonly response: DecodedResponse; readonly server: string; readonly transport: 'udp' | 'tcp' }
  | { readonly kind: 'failed'; readonly outcome: DnsOutcome; readonly server: string | null; readonly message: string };

export function createResolver(options: ResolverOptions): DnsResolver {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retries = options.retries ?? DEFAULT_RETRIES;
  const recursion = options.recursion ?? options.kind !== 'authoritative';
  const clock = options.clock ?? (() => new Date());
  const description: ResolverDescription = { kind: options.kind, servers: options.servers.map((s) => s.label), timeoutMs, retries };

  /** Ask one question until some server gives a definite answer (NOERROR or NXDOMAIN). */
  async function ask(name: string, type: DnsRecordType, attempts: DnsAttempt[], signal: AbortSignal | undefined): Promise<Exchanged> {
    if (options.servers.length === 0) {
      return { kind: 'failed', outcome: 'error', server: null, message: 'No DNS server is configured on this machine.' };
    }
    // SERVFAIL / REFUSED are this server's final word: move on, don't ask it again.
    const given = new Set<string>();
    let last: Exchanged = { kind: 'failed', outcome: 'timeout', server: null, message: '' };
    for (let round = 0; round <= retries; round++) {
      for (const server of options.servers) {
        if (given.has(server.label)) continue;
        let edns = true;
        for (;;) {
          // The early question was asked with recursion and EDNS, as a recursive resolver asks.
          const early = recursion && edns ? (options.early?.take(server.label, name, type) ?? undefined) : undefined;
          const query = early?.query ?? encodeQuery(name, type, { recursion, edns });
          const started = early?.sentAt ?? performance.now();
          const result = await exchange(server, query, { timeoutMs, ...(signal ? { signal } : {}), ...(early ? { early } : {}) });
          const durationMs = performance.now() - started;
          const base = { server: server.label, name, transport: result.transport, truncatedUdp: result.truncatedUdp, durationMs };
          if (result.kind === 'timeout') {
            attempts.push({ ...base, outcome: 'timeout', rcode: null });
            last = { kind: 'failed', outcome: 'timeout', server: server.label, message: `no answer within ${timeoutMs} ms` };
            break;
          }
          if (result.kind === 'malformed') {
            // The server answered, but not readably: say so (never "no record"), and try
            // the next server or round as for a network error.
            const message = `the server's answer could not be read (${result.problem})`;
            attempts.push({ ...base, outcome: 'error', rcode: null, error: message });
            last = { kind: 'failed', outcome: 'error', server: server.label, message };
            break;
          }
          if (result.kind === 'network-error') {
            attempts.push({ ...base, outcome: 'error', rcode: null, error: result.message });
            last = { kind: 'failed', outcome: 'error', server: server.label, message: result.message };
            break;
          }
          const { response } = result;
          const questionMatches =
            response.question === null || (response.question.name === normalizeName(name) && response.question.type === typeCode(type));
          if (!questionMatches) {
            attempts.push({ ...base, outcome: 'error', rcode: response.rcode, error: 'answer to a different question' });
            last = { kind: 'failed', outcome: 'error', server: server.label, message: 'it answered a different question' };
            break;
          }
          // RFC 6891 §7: a server that does not understand EDNS answers FORMERR; ask plainly.
          if (response.rcode === RCODE.FORMERR && edns) {
            attempts.push({ ...base, outcome: 'error', rcode: response.rcode, error: 'FORMERR with EDNS; retrying without' });
            edns = false;
            continue;
          }
          const outcome = rcodeOutcome(response);
          attempts.push({ ...base, outcome, rcode: response.rcode });
          if (response.rcode === RCODE.NOERROR || response.rcode === RCODE.NXDOMAIN) {
            return { kind: 'answered', response, server: server.label, transport: result.transport };
          }
          given.add(server.label);
          last = { kind: 'failed', outcome, server: server.label, message: RCODE_NAMES[response.rcode] ?? `RCODE ${response.rcode}` };
          break;
        }
      }
    }
    return last;
  }

  async function lookup(name: string, type: DnsRecordType, lookupOptions: LookupOptions = {}): Promise<DnsLookup> {
    const at = clock();
    const started = performance.now();
    const signal = lookupOptions.signal;
    const queried = toQueryName(name);
    const attempts: DnsAttempt[] = [];
    const chain: DnsRecord[] = [];
    const visited = new Set([queried]);
    let current = queried;
    const done = (fields: Omit<DnsLookup, 'name' | 'type' | 'chain' | 'at' | 'durationMs' | 'attempts' | 'explanation' | 'ttl'>): DnsLookup => {
      const result: Omit<DnsLookup, 'explanation'> = {
        name: queried,
        type,
        chain,
        at: at.toISOString(),
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        attempts,
        ttl: fields.records.length > 0 ? Math.min(...fields.records.map((r) => r.ttl)) : null,
        ...fields,
      };
      return { ...result, explanation: explainLookup(result, description) };
    };

    for (;;) {
      const asked = await ask(current, type, attempts, signal);
      if (asked.kind === 'failed') {
        return done({ outcome: asked.outcome, records: [], canonicalName: current, negative: null, server: asked.server, transport: null, authoritative: false });
      }
      const { response } = asked;
      const answered = { server: asked.server, transport: asked.transport, authoritative: response.authoritative };
      // Follow the chain inside this response first (recursive resolvers send it whole).
      let owner = current;
      for (;;) {
        const records = response.answers.filter((r) => r.name === owner && r.type === type);
        if (records.length > 0) {
          return done({ outcome: 'answer', records, canonicalName: owner, negative: null, ...answered });
        }
        if (type === 'CNAME') break;
        const alias = response.answers.find((r): r is Extract<DnsRecord, { type: 'CNAME' }> => r.name === owner && r.type === 'CNAME');
        if (alias === undefined) break;
        chain.push(alias);
        if (visited.has(alias.target) || chain.length > MAX_CNAME_CHAIN) {
          return done({ outcome: 'cname-loop', records: [], canonicalName: alias.target, negative: null, ...answered });
        }
        visited.add(alias.target);
        owner = alias.target;
      }
      const negative = negativeAnswer(response);
      if (response.rcode === RCODE.NXDOMAIN) {
        return done({ outcome: 'nxdomain', records: [], canonicalName: owner, negative, ...answered });
      }
      if (owner === current) {
        return done({ outcome: 'nodata', records: [], canonicalName: owner, negative, ...answered });
      }
      // The chain left this server's data (an authoritative server stops at its zone's
      // edge): ask again for the last target.
      current = owner;
    }
  }

  return { description, lookup };
}

/** A resolver over the system's servers, an explicit list, or (empty list) the system. */
export function resolverFromSpecs(
  specs: readonly string[],
  options: Omit<ResolverOptions, 'servers' | 'kind'> = {},
): { readonly resolver: DnsResolver } | { readonly errors: string[] } {
  if (specs.length === 0) return { resolver: createResolver({ ...options, servers: systemServers(), kind: 'system' }) };
  const { servers, errors } = parseServerSpecs(specs);
  if (errors.length > 0) return { errors };
  return { resolver: createResolver({ ...options, servers, kind: 'explicit' }) };
}

function toQueryName(name: string): string {
  const normalized = normalizeName(name.trim());
  // IDNs are asked in their A-label form (RFC 5891); ASCII names (with their
  // underscores) are left exactly as given.
  if (/^[\x00-\x7f]*$/u.test(normalized)) return normalized;
  try {
    return new URL(`http://${normalized}`).hostname;
  } catch {
    return normalized;
  }
}

function rcodeOutcome(response: DecodedResponse): DnsOutcome {
  switch (response.rcode) {
    case RCODE.NOERROR:
      return 'answer';
    case RCODE.NXDOMAIN:
      return 'nxdomain';
    case RCODE.SERVFAIL:
      return 'servfail';
    case RCODE.REFUSED:
      return 'refused';
    default:
      return 'error';
  }
}

function negativeAnswer(response: DecodedResponse): NegativeAnswer | null {
  const soa = response.authorities.find((r): r is Extract<DnsRecord, { type: 'SOA' }> => r.type === 'SOA');
  if (soa === undefined) return null;
  return { zone: soa.name, soaTtl: soa.ttl, soaMinimum: soa.minimum, negativeTtl: Math.min(soa.ttl, soa.minimum) };
}

/** The outcome in the admin's words; checks quote it when a lookup went wrong. */
export function explainLookup(lookup: Omit<DnsLookup, 'explanation'>, resolver: ResolverDescription): string {
  const what = `${lookup.type} ${lookup.name}`;
  const who = lookup.server ?? (resolver.servers.length === 1 ? resolver.servers[0] : `the DNS servers (${resolver.servers.join(', ')})`);
  const via = lookup.chain.length > 0 ? ` (through CNAME ${lookup.chain.map((c) => `${c.name} → ${c.value}`).join(', ')})` : '';
  switch (lookup.outcome) {
    case 'answer':
      return `${who} answered ${what}${via} with ${lookup.records.length} record${lookup.records.length === 1 ? '' : 's'}${lookup.transport === 'tcp' ? ' over TCP' : ''}.`;
    case 'nodata':
      return `${lookup.canonicalName} exists but has no ${lookup.type} record${via} (answer from ${who}).`;
    case 'nxdomain':
      return `${lookup.canonicalName} does not exist (NXDOMAIN from ${who})${via}.`;
    case 'servfail':
      return `${who} answered SERVFAIL for ${what}: it could not get an answer from the domain's DNS servers (a broken delegation, a DNSSEC failure or an outage). Whether the record exists is unknown.`;
    case 'refused':
      return `${who} answered REFUSED for ${what}: it will not answer this question (it is not a resolver for this network, or not authoritative for this zone). Whether the record exists is unknown.`;
    case 'timeout': {
      const tries = lookup.attempts.length;
      return `No answer for ${what} from ${resolver.servers.join(', ') || 'any server'} within ${resolver.timeoutMs} ms (${tries} ${tries === 1 ? 'try' : 'tries'}). Whether the record exists is unknown.`;
    }
    case 'cname-loop':
      return `The CNAME chain for ${lookup.name} loops or is longer than ${MAX_CNAME_CHAIN} steps: ${lookup.chain.map((c) => `${c.name} → ${c.value}`).join(', ')}. Receivers give up on it.`;
    case 'error': {
      const last = lookup.attempts.at(-1);
      return `The DNS query for ${what} failed${lookup.server ? ` at ${lookup.server}` : ''}: ${last?.error ?? (last?.rcode != null ? (RCODE_NAMES[last.rcode] ?? `RCODE ${last.rcode}`) : 'no DNS server is configured')}. Whether the record exists is unknown.`;
    }
  }
}

/** True for outcomes that say nothing about whether the record exists. */
export function isResolverFault(lookup: Pick<DnsLookup, 'outcome'>): boolean {
  return lookup.outcome === 'servfail' || lookup.outcome === 'refused' || lookup.outcome === 'timeout' || lookup.outcome === 'error';
}


/**
 * RFC 7208 check_host(): the verdict a receiving server reaches for one client IP.
 * Terms are evaluated left to right and evaluation stops at the first match; the limits
 * (10 DNS-querying terms, 2 void lookups, §4.6.4) are counted as terms are reached, so a
 * record over the limit can still pass for an IP matched early; `redirect` applies only
 * when no mechanism matched (§6.1); `exp` never changes the result; macros are expanded
 * against the current domain (§7.3).
 *
 * Why not mailauth's spf(): mailauth 4.13.3 expands %{d} to the sender's domain inside
 * included records (§7.3 says the current domain), queries AAAA alongside A for `a`
 * and `mx` so a host with only one family is never a void lookup, and returns no
 * matched term. `relayproof spf --ip` must say exactly what a receiver would, and why.
 * %{p} expands to "unknown" (§7.3 permits it; the macro is discouraged and rare).
 */
import { BlockList } from 'node:net';
import { ipFamily } from '../dns/ip-family';
import type { DnsResolver } from '../dns/resolver';
import { isResolverFault } from '../dns/resolver';
import type { DnsLookup, DnsRecordType } from '../../src-preload/contract/dns-schemas';
import type { SpfResult } from '../../src-preload/contract/checks-schemas';
import { reverseName } from '../dns/names';
import { expandDomainSpec, isQueryableDomain, type MacroContext } from './spf-macro';
import { parseSpfRecord, selectSpfRecords, type SpfMechanism, type SpfQualifier } from './spf-record';

export const SPF_LOOKUP_LIMIT = 10;
export const SPF_VOID_LIMIT = 2;
/** §4.6.4: at most 10 MX names per `mx`, and only the first 10 PTR names for `ptr`. */
const MX_NAME_LIMIT = 10;
const PTR_NAME_LIMIT = 10;

export interface CheckHostOptions {
  readonly resolver: DnsResolver;
  readonly ip: string;
  /** MAIL FROM; empty or absent = postmaster@<helo or domain> (§2.4). */
  readonly sender?: string;
  readonly helo?: string | null;
  readonly signal?: AbortSignal;
}

export interface SpfEvaluation {
  readonly domain: string;
  readonly ip: string;
  readonly sender: string;
  readonly result: SpfResult;
  readonly explanation: string;
  /** Terms from the top record down to the one that matched. */
  readonly matched: readonly string[];
  /** DNS-querying terms evaluated (§4.6.4). */
  readonly lookups: number;
  readonly voidLookups: number;
  readonly queries: readonly DnsLookup[];
}

class Stop {
  constructor(
    readonly result: 'permerror' | 'temperror',
    readonly message: string,
  ) {}
}

interface State {
  lookups: number;
  voids: number;
  readonly queries: DnsLookup[];
  readonly options: CheckHostOptions;
  readonly ip: string;
  readonly base: Omit<MacroContext, 'domain'>;
}

interface Outcome {
  readonly result: SpfResult;
  readonly matched: string[];
  readonly message: string;
}

/** IPv4-mapped IPv6 (::ffff:192.0.2.1) is evaluated as IPv4 (RFC 7208 §5). */
export function normalizeClientIp(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/iu.exec(ip.trim());
  return mapped?.[1] ?? ip.trim().toLowerCase();
}

export function normalizeSender(sender: string | undefined, fallbackDomain: string): string {
  const s = (sender ?? '').trim();
  if (s === '') return `postmaster@${fallbackDomain}`;
  const at = s.lastIndexOf('@');
  if (at < 0) return `postmaster@${s}`;
  if (at === 0) return `postmaster${s}`;
  return s;
}

export function ipInNetwork(ip: string, network: string, prefix: number): boolean {
  const family = ipFamily(ip);
  if (family === 0 || family !== ipFamily(network)) return false;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  const list = new BlockList();
  list.addSubnet(network, prefix, type);
  return list.check(ip, type);
}

const RESULT_OF: Readonly<Record<SpfQualifier, SpfResult>> = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' };

export async function checkHost(domain: string, options: CheckHostOptions): Promise<SpfEvaluation> {
  const ip = normalizeClientIp(options.ip);
  const start = domain.toLowerCase().replace(/\.$/u, '');
  const sender = normalizeSender(options.sender, options.helo ?? start);
  const state: State = { lookups: 0, voids: 0, queries: [], options, ip, base: { sender, ip, helo: options.helo ?? null } };
  let outcome: Outcome;
  try {
    outcome = await evaluate(start, state);
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    outcome = { result: error.result, matched: [], message: error.message };
  }
  const evaluation: SpfEvaluation = {
    domain: start,
    ip,
    sender,
    result: outcome.result,
    explanation: outcome.message,
    matched: outcome.matched,
    lookups: state.lookups,
    voidLookups: state.voids,
    queries: state.queries,
  };
  return { ...evaluation, explanation: describeVerdict(evaluation) };
}

async function lookup(state: State, name: string, type: DnsRecordType): Promise<DnsLookup> {
  const result = await state.options.resolver.lookup(name, type, state.options.signal ? { signal: state.options.signal } : {});
  state.queries.push(result);
  return result;
}

function countLookup(state: State, term: string): void {
  state.lookups += 1;
  if (state.lookups > SPF_LOOKUP_LIMIT) {
    throw new Stop(
      'permerror',
      `Evaluation reached "${term}", the ${ordinal(state.lookups)} term that needs a DNS lookup; RFC 7208 §4.6.4 allows ${SPF_LOOKUP_LIMIT}, so receivers return permerror.`,
    );
  }
}

function countVoid(state: State, term: string, name: string): void {
  state.voids += 1;
  if (state.voids > SPF_VOID_LIMIT) {
    throw new Stop(
      'permerror',
      `"${term}" is the ${ordinal(state.voids)} lookup that found nothing (${name}); RFC 7208 §4.6.4 allows ${SPF_VOID_LIMIT} such void lookups, so receivers return permerror.`,
    );
  }
}

function ordinal(n: number): string {
  return `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;
}

function target(state: State, spec: string | null, domain: string, term: string): string {
  const name = spec === null ? domain : expandDomainSpec(spec, { ...state.base, domain });
  if (!isQueryableDomain(name)) throw new Stop('permerror', `"${term}" names "${name}", which is not a valid domain (RFC 7208 §4.8).`);
  return name;
}

async function evaluate(domain: string, state: State): Promise<Outcome> {
  // §4.3: a malformed domain, or one that does not exist, has no SPF policy.
  if (!isQueryableDomain(domain)) return { result: 'none', matched: [], message: `"${domain}" is not a valid domain name, so it has no SPF policy.` };
  const txt = await lookup(state, domain, 'TXT');
  // §4.4: DNS errors other than NXDOMAIN are temperror.
  if (isResolverFault(txt) || txt.outcome === 'cname-loop') throw new Stop('temperror', `The SPF record of ${domain} could not be fetched: ${txt.explanation}`);
  if (txt.outcome === 'nxdomain') return { result: 'none', matched: [], message: `${domain} does not exist, so it has no SPF policy.` };
  const records = selectSpfRecords(txt.records);
  if (records.length === 0) return { result: 'none', matched: [], message: `${domain} publishes no SPF record (no TXT record starting with v=spf1).` };
  if (records.length > 1) throw new Stop('permerror', `${domain} publishes ${records.length} SPF records; RFC 7208 §4.5 makes that a permerror.`);
  const parsed = parseSpfRecord(records[0] ?? '');
  const syntax = parsed.errors[0];
  if (syntax !== undefined) throw new Stop('permerror', `The SPF record of ${domain} has a syntax error in "${syntax.term}": ${syntax.message} (RFC 7208 §4.6).`);

  for (const term of parsed.terms) {
    if (term.type !== 'mechanism') continue;
    const path = await matches(term, domain, state);
    if (path !== null) {
      const result = RESULT_OF[term.qualifier];
      return { result, matched: [term.text, ...path], message: '' };
    }
  }
  const redirect = parsed.terms.find((t) => t.kind === 'redirect');
  if (redirect !== undefined && redirect.kind === 'redirect') {
    countLookup(state, redirect.text);
    const next = target(state, redirect.domainSpec, domain, redirect.text);
    const sub = await evaluate(next, state);
    // §6.1: a redirect to a domain without a record is permerror, not none.
    if (sub.result === 'none') throw new Stop('permerror', `${redirect.text}: ${sub.message} RFC 7208 §6.1 makes that a permerror.`);
    return { ...sub, matched: sub.matched.length > 0 ? [redirect.text, ...sub.matched] : [] };
  }
  return { result: 'neutral', matched: [], message: `No term of the SPF record of ${domain} matched and it ends without "all" or "redirect=", so the result is neutral (RFC 7208 §4.7).` };
}

/** The path below the term when it matches, null when it does not. */
async function matches(term: SpfMechanism, domain: string, state: State): Promise<string[] | null> {
  const v6 = ipFamily(state.ip) === 6;
  const addressType: DnsRecordType = v6 ? 'AAAA' : 'A';
  switch (term.kind) {
    case 'all':
      return [];
    case 'ip4':
    case 'ip6':
      if ((term.kind === 'ip6') !== v6) return null;
      return ipInNetwork(state.ip, term.network, term.prefix ?? (v6 ? 128 : 32)) ? [] : null;
    case 'include': {
      countLookup(state, term.text);
      const name = target(state, term.domainSpec, domain, term.text);
      const sub = await evaluate(name, state);
      // §5.2: only pass matches; none is permerror; errors were thrown already.
      if (sub.result === 'none') throw new Stop('permerror', `${term.text}: ${sub.message} RFC 7208 §5.2 makes an include of a domain without SPF a permerror.`);
      return sub.result === 'pass' ? sub.matched : null;
    }
    case 'a': {
      countLookup(state, term.text);
      const name = target(state, term.domainSpec, domain, term.text);
      const answer = await addresses(state, name, addressType, term.text, true);
      const prefix = v6 ? (term.cidr6 ?? 128) : (term.cidr4 ?? 32);
      return answer.some((a) => ipInNetwork(state.ip, a, prefix)) ? [] : null;
    }
    case 'mx': {
      countLookup(state, term.text);
      const name = target(state, term.domainSpec, domain, term.text);
      const mx = await lookup(state, name, 'MX');
      if (isResolverFault(mx) || mx.outcome === 'cname-loop') throw new Stop('temperror', `${term.text}: ${mx.explanation}`);
      if (mx.outcome !== 'answer') {
        countVoid(state, term.text, name);
        return null;
      }
      const hosts = mx.records.flatMap((r) => (r.type === 'MX' && r.exchange !== '' ? [r] : [])).sort((a, b) => a.priority - b.priority);
      if (hosts.length > MX_NAME_LIMIT) {
        throw new Stop('permerror', `${term.text}: ${name} has ${hosts.length} MX hosts; RFC 7208 §4.6.4 allows ${MX_NAME_LIMIT} address lookups per mx term.`);
      }
      const prefix = v6 ? (term.cidr6 ?? 128) : (term.cidr4 ?? 32);
      for (const host of hosts) {
        const found = await addresses(state, host.exchange, addressType, term.text, false);
        if (found.some((a) => ipInNetwork(state.ip, a, prefix))) return [];
      }
      return null;
    }
    case 'ptr': {
      countLookup(state, term.text);
      const name = target(state, term.domainSpec, domain, term.text);
      const validated = await validatedNames(state, term.text);
      return validated.some((n) => n === name || n.endsWith(`.${name}`)) ? [] : null;
    }
    case 'exists': {
      countLookup(state, term.text);
      const name = target(state, term.domainSpec, domain, term.text);
      // §5.7: always an A query, whatever the client's address family.
      const found = await addresses(state, name, 'A', term.text, true);
      return found.length > 0 ? [] : null;
    }
  }
}

async function addresses(state: State, name: string, type: DnsRecordType, term: string, countsVoid: boolean): Promise<string[]> {
  const answer = await lookup(state, name, type);
  if (isResolverFault(answer) || answer.outcome === 'cname-loop') throw new Stop('temperror', `${term}: ${answer.explanation}`);
  if (answer.outcome !== 'answer') {
    if (countsVoid) countVoid(state, term, name);
    return [];
  }
  return answer.records.flatMap((r) => (r.type === 'A' || r.type === 'AAAA' ? [r.address] : []));
}

/** §5.5: PTR names whose forward lookup returns the client IP (DNS errors skip, never fail). */
async function validatedNames(state: State, term: string): Promise<string[]> {
  const ptr = await lookup(state, reverseName(state.ip), 'PTR');
  if (ptr.outcome === 'nxdomain' || ptr.outcome === 'nodata') countVoid(state, term, ptr.name);
  if (ptr.outcome !== 'answer') return [];
  const names = ptr.records.flatMap((r) => (r.type === 'PTR' ? [r.target] : [])).slice(0, PTR_NAME_LIMIT);
  const type: DnsRecordType = ipFamily(state.ip) === 6 ? 'AAAA' : 'A';
  const checked = await Promise.all(
    names.map(async (name) => {
      const forward = await lookup(state, name, type);
      return forward.records.some((r) => (r.type === 'A' || r.type === 'AAAA') && r.address === state.ip) ? name : null;
    }),
  );
  return checked.filter((n): n is string => n !== null);
}

/** One sentence for the admin: what a receiver concludes and why. */
export function describeVerdict(evaluation: SpfEvaluation): string {
  const { ip, domain, matched } = evaluation;
  const path = matched.join(' → ');
  switch (evaluation.result) {
    case 'pass':
      return `${ip} may send for ${domain}: "${path}" matched, so SPF passes.`;
    case 'fail':
      return `${ip} is not allowed to send for ${domain}: "${path}" matched, so SPF fails and receivers may reject the mail.`;
    case 'softfail':
      return `${ip} is not listed for ${domain}: "${path}" matched, so SPF softfails (usually accepted but marked suspicious).`;
    case 'neutral':
      return matched.length > 0 ? `${ip} is neither allowed nor denied for ${domain}: "${path}" matched, so SPF is neutral.` : evaluation.explanation;
    case 'none':
    case 'permerror':
    case 'temperror':
      return evaluation.explanation;
  }
}

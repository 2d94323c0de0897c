/**
 * The servers that own a name's zone: the zone apex from the SOA (an answer, or the SOA
 * in a negative answer, RFC 2308 §3), its NS records, and their addresses. Asking them
 * directly (RD=0) shows what is published now, before any resolver's cache agrees.
 */
import { createResolver, isResolverFault, type DnsResolver } from './resolver';
import { DNS_PORT, serverAddress } from './servers';
import type { DnsServerAddress } from './transport';
import type { DnsLookup } from '../../src-preload/contract/dns-schemas';

export interface AuthoritativeServers {
  readonly zone: string | null;
  readonly nameservers: ReadonlyArray<{ readonly name: string; readonly addresses: readonly string[] }>;
  readonly servers: readonly DnsServerAddress[];
  readonly lookups: readonly DnsLookup[];
  /** Why no server could be found, in the admin's words. */
  readonly problem: string | null;
}

export interface AuthoritativeOptions {
  /** Port the authoritative servers listen on (53 except in tests). */
  readonly port?: number;
  readonly signal?: AbortSignal;
}

export async function findAuthoritativeServers(name: string, resolver: DnsResolver, options: AuthoritativeOptions = {}): Promise<AuthoritativeServers> {
  const lookups: DnsLookup[] = [];
  const ask = async (n: string, t: 'SOA' | 'NS' | 'A') => {
    const lookup = await resolver.lookup(n, t, options.signal ? { signal: options.signal } : {});
    lookups.push(lookup);
    return lookup;
  };
  const none = (problem: string): AuthoritativeServers => ({ zone: null, nameservers: [], servers: [], lookups, problem });

  const soa = await ask(name, 'SOA');
  if (isResolverFault(soa)) return none(soa.explanation);
  const zone = soa.records.find((r) => r.type === 'SOA')?.name ?? soa.negative?.zone ?? null;
  if (zone === null) return none(`No SOA record came back for ${name}, so its zone (and the servers that publish it) is unknown.`);

  const ns = await ask(zone, 'NS');
  if (ns.outcome !== 'answer') return { ...none(`The zone ${zone} has no usable NS records: ${ns.explanation}`), zone };
  const targets = ns.records.flatMap((r) => (r.type === 'NS' ? [r.target] : []));
  const nameservers = await Promise.all(
    targets.map(async (target) => {
      const a = await ask(target, 'A');
      return { name: target, addresses: a.records.flatMap((r) => (r.type === 'A' ? [r.address] : [])) };
    }),
  );
  const port = options.port ?? DNS_PORT;
  const servers = [...new Set(nameservers.flatMap((n) => n.addresses))].map((ip) => serverAddress(ip, port));
  return {
    zone,
    nameservers,
    servers,
    lookups,
    problem: servers.length === 0 ? `None of the name servers of ${zone} (${targets.join(', ')}) has an address.` : null,
  };
}

/** One resolver per authoritative server (each is asked separately: secondaries can lag). */
export function authoritativeResolvers(servers: readonly DnsServerAddress[], options: { timeoutMs?: number; retries?: number } = {}): DnsResolver[] {
  return servers.map((server) => createResolver({ ...options, servers: [server], kind: 'authoritative' }));
}

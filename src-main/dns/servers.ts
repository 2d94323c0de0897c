/**
 * Which DNS servers to ask: the system's resolvers, an explicit list the admin typed
 * (`127.0.0.1:5301`, `[2001:db8::53]:53`), or a zone's authoritative servers.
 */
import { getServers } from 'node:dns';
import { readFileSync } from 'node:fs';
import { parseServerSpecs } from './server-spec';
import type { DnsServerAddress } from './transport';

// The servers an admin types are parsed without node:dns or the file system (server-spec.ts):
// `relayproof check` sends its first question before this module loads.
export { DNS_PORT, parseServerSpec, parseServerSpecs, serverAddress } from './server-spec';

export interface SystemServerSources {
  /** `dns.getServers()`: what Node's resolver read from the OS (resolv.conf, registry). */
  readonly getServers?: () => string[];
  /** Fallback when Node reports none. */
  readonly readResolvConf?: () => string;
}

/** The machine's configured resolvers, as Node sees them, else from /etc/resolv.conf. */
export function systemServers(sources: SystemServerSources = {}): DnsServerAddress[] {
  const fromNode = (sources.getServers ?? getServers)();
  const parsed = parseServerSpecs(fromNode).servers;
  if (parsed.length > 0) return parsed;
  let conf: string;
  try {
    conf = (sources.readResolvConf ?? (() => readFileSync('/etc/resolv.conf', 'utf8')))();
  } catch {
    return [];
  }
  const specs = conf
    .split('\n')
    .map((line) => /^\s*nameserver\s+(\S+)/u.exec(line)?.[1])
    .filter((s): s is string => s !== undefined)
    .map((s) => s.trim());
  return parseServerSpecs(specs).servers;
}

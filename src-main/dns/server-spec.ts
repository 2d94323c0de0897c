/**
 * A DNS server as an admin types it (`127.0.0.1:5301`, `[2001:db8::53]:53`) or as
 * `dns.getServers()` returns it, parsed into the address the transport sends to. Without
 * node:dns and the file system (servers.ts has the system's list): `relayproof check`
 * parses its `--dns-server` with this before the rest of it has loaded.
 */
import { ipFamily } from './ip-family';
// hidden-characters, not fields: fields builds the contract's zod schemas, which `spf` never needs.
import { hiddenCharacterProblem } from '../../src-preload/contract/hidden-characters';
import type { DnsServerAddress } from './transport';

export const DNS_PORT = 53;

export function serverAddress(host: string, port: number = DNS_PORT): DnsServerAddress {
  const bare = host.replace(/^\[|\]$/gu, '');
  return { host: bare, port, label: ipFamily(bare) === 6 ? `[${bare}]:${port}` : `${bare}:${port}` };
}

/**
 * Parse one server as typed by an admin or returned by `dns.getServers()`. Returns an
 * error message instead of throwing: this is user input.
 */
export function parseServerSpec(spec: string): DnsServerAddress | { readonly error: string } {
  // Before trim, which would drop U+FEFF or U+2028 and accept the rest (the contract's field rule).
  const hidden = hiddenCharacterProblem('The DNS server', spec);
  if (hidden !== null) return { error: hidden };
  const text = spec.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/u.exec(text);
  let host: string;
  let port = DNS_PORT;
  if (bracketed) {
    host = bracketed[1] ?? '';
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (text.indexOf(':') !== text.lastIndexOf(':') && ipFamily(text) === 6) {
    // An IPv6 literal has two colons or more; host:port has one. Asking isIP of a host:port
    // compiles Node's IPv6 pattern, about 6 ms of every `relayproof spf --dns-server`.
    host = text;
  } else {
    const withPort = /^([^:]+):(\d{1,5})$/u.exec(text);
    host = withPort ? (withPort[1] ?? '') : text;
    if (withPort?.[2] !== undefined) port = Number(withPort[2]);
  }
  if (ipFamily(host) === 0) return { error: `"${spec}" is not an IP address. Give a DNS server as 192.0.2.53, 192.0.2.53:5301 or [2001:db8::53]:53.` };
  if (port < 1 || port > 65_535) return { error: `"${spec}" has a port outside 1-65535.` };
  return serverAddress(host, port);
}

/** The address a datagram came from is the server's (an IPv4-mapped IPv6 form included). */
export function sameHost(a: string, b: string): boolean {
  return a.replace(/^::ffff:/u, '').toLowerCase() === b.replace(/^::ffff:/u, '').toLowerCase();
}

export function parseServerSpecs(specs: readonly string[]): { servers: DnsServerAddress[]; errors: string[] } {
  const servers: DnsServerAddress[] = [];
  const errors: string[] = [];
  for (const spec of specs) {
    const parsed = parseServerSpec(spec);
    if ('error' in parsed) errors.push(parsed.error);
    else servers.push(parsed);
  }
  return { servers, errors };
}


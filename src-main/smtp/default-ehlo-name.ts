/**
 * The name this workstation gives in EHLO when the admin did not choose one.
 * RFC 5321 §4.1.4: the client's fully qualified domain name, or, when it has none, an
 * address literal (§4.1.3) of the connection's local address. Never `localhost`.
 */
const FQDN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/iu;

export function defaultEhloName(hostname: string, localAddress: string | undefined): string {
  const name = hostname.trim().replace(/\.$/u, '');
  if (FQDN.test(name) && !/^localhost(\.|$)/iu.test(name) && !name.endsWith('.localdomain')) return name.toLowerCase();
  if (localAddress === undefined || localAddress === '') return '[127.0.0.1]';
  const address = localAddress.replace(/^::ffff:/u, '');
  // A socket's local address is an IP address, and only IPv6 has a colon: asking node's
  // isIPv6 would compile its address pattern for this one call, about 7 ms of every test.
  return address.includes(':') ? `[IPv6:${address}]` : `[${address}]`;
}

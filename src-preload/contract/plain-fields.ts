/**
 * Field rules as plain functions, without zod: the command line's quickest paths
 * (`relayproof spf DOMAIN --ip IP`) check their arguments with these instead of loading
 * and building the contract's schemas, which cost more start-up than the whole DNS
 * evaluation takes. The contract's schemas are built on the same constants
 * (checks-schemas.ts's domainNameSchema), and plain-fields.test.ts checks that each
 * function and its schema accept, refuse and normalise alike.
 */
import { hiddenCharacterProblem } from './hidden-characters';

/** The result of one plain check: the normalised value, or the admin's reasons. */
export type PlainCheck = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly messages: readonly string[] };

/** A domain name as typed: letters, digits, hyphens, underscores; IDN accepted; one trailing dot allowed. */
export const DOMAIN_NAME_PATTERN = /^(?=.{1,253}\.?$)(?:[\p{L}\p{N}_](?:[\p{L}\p{N}_-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}\p{N}-]{2,63}\.?$/u;
export const DOMAIN_NAME_MESSAGE = 'Enter a domain such as example.com.';
export const DOMAIN_NAME_MAX = 253;
export const DOMAIN_TOO_LONG_MESSAGE = `A domain name is at most ${DOMAIN_NAME_MAX} characters.`;

/** domainNameSchema's steps in its order: hidden characters, trim, lower case, length, shape, trailing dot. */
export function checkDomainName(input: string): PlainCheck {
  const hidden = hiddenCharacterProblem('The domain', input, 'identifier');
  if (hidden !== null) return { ok: false, messages: [hidden] };
  const value = input.trim().toLowerCase();
  const messages = [...(value.length > DOMAIN_NAME_MAX ? [DOMAIN_TOO_LONG_MESSAGE] : []), ...(DOMAIN_NAME_PATTERN.test(value) ? [] : [DOMAIN_NAME_MESSAGE])];
  return messages.length > 0 ? { ok: false, messages } : { ok: true, value: value.replace(/\.$/u, '') };
}

export const IP_ADDRESS_MESSAGE = 'Enter an IP address such as 192.0.2.25 or 2001:db8::25.';
// zod's ipv4() pattern (zod/v4/core/regexes.js) and its ipv6() check (an IPv6 alphabet,
// then the URL parser): the same addresses pass here as in ipAddressSchema.
const IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/u;
function parsesAsIPv6(value: string): boolean {
  // Only hex digits, colons and dots: `new URL` would otherwise read `@` or `\` as delimiters.
  if (!/^[0-9a-fA-F:.]+$/u.test(value)) return false;
  try {
    new URL(`http://[${value}]`);
    return true;
  } catch {
    return false;
  }
}

/** An IPv4 or IPv6 address, without port or brackets (ipAddressSchema's rule). */
export function checkIpAddress(input: string): PlainCheck {
  return IPV4.test(input) || parsesAsIPv6(input) ? { ok: true, value: input } : { ok: false, messages: [IP_ADDRESS_MESSAGE] };
}

/**
 * A DNS server as the settings and `--dns-server` take it: an IPv4 address or a bracketed
 * IP with an optional :port, or a bare IPv6 address. fields.ts's dnsServerSpecSchema is
 * built on this rule.
 */
export function isDnsServerSpec(input: string): boolean {
  if (!checkSafeText('DNS server', 80, input).ok) return false;
  const match = /^\[([^\]]+)\](?::(\d{1,5}))?$/u.exec(input) ?? /^([^:]+):(\d{1,5})$/u.exec(input);
  const host = match?.[1] ?? input;
  const port = match?.[2] === undefined ? 53 : Number(match[2]);
  const v4 = IPV4.test(host);
  const v6 = !v4 && parsesAsIPv6(host);
  return port >= 1 && port <= 65535 && (input.startsWith('[') ? v4 || v6 : v4 || (match === null && v6));
}

export const tooLongMessage = (label: string, max: number): string => `${label} is longer than ${max} characters.`;

/** Bounded identifier text with no hidden character (fields.ts's safeText), kept as typed. */
export function checkSafeText(label: string, max: number, input: string): PlainCheck {
  const messages = [...(input.length > max ? [tooLongMessage(label, max)] : []), ...[hiddenCharacterProblem(label, input, 'identifier')].filter((p): p is string => p !== null)];
  return messages.length > 0 ? { ok: false, messages } : { ok: true, value: input };
}

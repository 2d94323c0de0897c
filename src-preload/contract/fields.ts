/**
 * The field rules shared by the contract, the SMTP engine, the DNS checks and the
 * renderer: one definition each, so a host, address or EHLO name the app saves is one
 * the engine accepts on every later test, and every message is in the admin's words.
 *
 * Pure zod, and nothing else: the renderer bundles this file, so no `node:` import
 * (IDN conversion goes through the WHATWG `URL` parser, present in Node and browsers).
 */
import { z } from 'zod';

// The refused characters and their names: hidden-characters.ts (no zod, for the CLI's
// escaping); the rules below build on them.
import { hiddenCharacterProblem } from './hidden-characters';
import { IP_ADDRESS_MESSAGE, isDnsServerSpec, tooLongMessage } from './plain-fields';

export { C0_CONTROL_NAMES, codePointLabel, HIDDEN_CHARACTER_NAMES, hiddenCharacterProblem, invisibleCharacterName } from './hidden-characters';

/** zod refinement for any string schema: `z.string().superRefine(refuseHidden('Host'))`. */
export function refuseHidden(label: string, rule: 'identifier' | 'free-text' = 'identifier') {
  return (value: string, ctx: z.RefinementCtx): void => {
    const problem = hiddenCharacterProblem(label, value, rule);
    // `continue: false`: the shape checks after it would only add a vaguer second message.
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, continue: false });
  };
}

/**
 * Bounded identifier text: no control, line-break, bidi or invisible character. Every
 * identifier field (host, address, username, EHLO name, DNS server, IMAP host/user/
 * folder ...) is built on it, so the contract, the engines and import refuse alike.
 */
export function safeText(label: string, max: number) {
  return z
    .string({ error: `${label} must be text.` })
    .max(max, { message: tooLongMessage(label, max) })
    .superRefine(refuseHidden(label));
}

/** Bounded free text on one line (a reason, a note): ordinary text, but no control, line-break or bidi character. */
export function safeFreeText(label: string, max: number) {
  return z
    .string({ error: `${label} must be text.` })
    .max(max, { message: `${label} is longer than ${max} characters.` })
    .superRefine(refuseHidden(label, 'free-text'));
}

// ---------------------------------------------------------------------------
// Names and addresses

const ipv4 = z.ipv4();
const ipv6 = z.ipv6();
const isIPv4 = (s: string) => ipv4.safeParse(s).success;
const isIPv6 = (s: string) => ipv6.safeParse(s).success;

/** A label: letters or digits (any script: IDN as typed), inner hyphens (RFC 1123 §2.1). */
const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{M}\\p{N}-]*[\\p{L}\\p{M}\\p{N}])?';
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`, 'u');
const ASCII_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/iu;
const NON_ASCII = /[^\u0000-\u007f]/u;

/**
 * A domain name as sent on the wire: an IDN becomes its A-labels (`bücher.example` →
 * `xn--bcher-kva.example`, RFC 5890), so DNS, SNI and the certificate check (RFC 6125
 * §6.4.2 compares A-labels) all see the same name. ASCII names are kept as typed.
 * Returns null when the name is not a valid domain.
 */
export function domainToAscii(name: string): string | null {
  if (!DOMAIN.test(name)) return null;
  let ascii = name;
  if (NON_ASCII.test(name)) {
    try {
      // UTS #46 processing, as `url.domainToASCII` does, without node:url.
      ascii = new URL(`http://${name}`).hostname;
    } catch {
      return null;
    }
  }
  const bare = ascii.replace(/\.$/u, '');
  const labels = bare.split('.');
  if (bare.length > 253 || !labels.every((l) => ASCII_LABEL.test(l))) return null;
  // A name ending in a numeric label is read as an IPv4 address (RFC 1123 §2.1; WHATWG URL).
  if (/^\d+$/u.test(labels.at(-1) ?? '')) return null;
  return ascii;
}

const HOST_MESSAGE = 'Host must be a host name such as smtp.example.com or an IP address such as 192.0.2.25.';

/** The bare IP of `192.0.2.1`, `2001:db8::1` or `[2001:db8::1]`; null for anything else. */
function ipLiteral(s: string): string | null {
  const bare = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  if (isIPv6(bare)) return s;
  return bare === s && isIPv4(s) ? s : null;
}

/**
 * An SMTP server or other host: a domain name (an IDN is accepted and becomes its
 * ASCII form) or an IP literal (`192.0.2.1`, `2001:db8::1`, `[2001:db8::1]`).
 */
export const hostSchema = safeText('Host', 253)
  .min(1, { message: 'Host is required.' })
  .transform((s, ctx) => {
    const value = ipLiteral(s) ?? domainToAscii(s);
    if (value === null) {
      ctx.addIssue({ code: 'custom', message: HOST_MESSAGE });
      return z.NEVER;
    }
    return value;
  });

/**
 * A mailbox (user@domain with a dotted domain; Unicode accepted for SMTPUTF8). No
 * spaces, angle brackets or quotes: they would let a value add ESMTP parameters
 * (`a@b> SIZE=1`) after the path of MAIL FROM / RCPT TO (RFC 5321 §4.1.2).
 */
export const emailAddressSchema = safeText('Address', 320).refine(
  (s) => /^[^\s@<>()[\]\\,;:"]{1,64}@[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,62})?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,62})?)+$/u.test(s),
  { message: 'Enter an email address such as support@example.com.' },
);

export const usernameSchema = safeText('Username', 320).min(1, { message: 'Username is required.' });

const EHLO_MESSAGE = 'EHLO name must be this machine’s full domain name, such as relay.example.com, or an address literal such as [192.0.2.1].';

/**
 * The name sent in EHLO (RFC 5321 §4.1.1.1): a fully qualified domain name, or an
 * address literal (§4.1.3: `[192.0.2.1]`, `[IPv6:2001:db8::1]`). Never `localhost`
 * (servers and spam filters refuse it), and never a bare IP: an IP goes in brackets.
 */
export const ehloNameSchema = safeText('EHLO name', 253)
  .min(1, { message: 'EHLO name is empty.' })
  .transform((s, ctx) => {
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (s.startsWith('[')) {
      const literal = /^\[(?:IPv6:(.+)|([^:]+))\]$/iu.exec(s);
      const v6 = literal?.[1];
      const v4 = literal?.[2];
      if ((v6 !== undefined && isIPv6(v6)) || (v4 !== undefined && isIPv4(v4))) return s;
      return fail('An address literal in EHLO is written [192.0.2.1] for IPv4 or [IPv6:2001:db8::1] for IPv6 (RFC 5321 §4.1.3).');
    }
    if (isIPv4(s) || isIPv6(s)) return fail(`EHLO name: write an IP address as an address literal, ${isIPv4(s) ? `[${s}]` : `[IPv6:${s}]`} (RFC 5321 §4.1.3).`);
    const ascii = domainToAscii(s);
    const name = ascii?.replace(/\.$/u, '').toLowerCase() ?? '';
    if (name === 'localhost' || name.startsWith('localhost.') || name.endsWith('.localhost') || name.endsWith('.localdomain')) {
      return fail('EHLO name must not be localhost: mail servers refuse it. Use this machine’s full domain name, or leave it empty for Relayproof to choose.');
    }
    if (ascii === null || !name.includes('.')) return fail(EHLO_MESSAGE);
    return ascii;
  });

/** An IPv4 or IPv6 address, without port or brackets. */
export const ipAddressSchema = z.string({ error: IP_ADDRESS_MESSAGE }).refine((s) => isIPv4(s) || isIPv6(s), { message: IP_ADDRESS_MESSAGE });

// ---------------------------------------------------------------------------
// Connection settings

const PORT_MESSAGE = 'Port must be a whole number from 1 to 65535 (587 for STARTTLS, 465 for implicit TLS).';
export const portSchema = z
  .number({ error: PORT_MESSAGE })
  .int({ message: PORT_MESSAGE })
  .min(1, { message: PORT_MESSAGE })
  .max(65535, { message: PORT_MESSAGE });

/** starttls = RFC 3207 upgrade (587, 25); tls = implicit TLS (RFC 8314, 465); none = diagnosis only. */
export const securitySchema = z.enum(['starttls', 'tls', 'none'], {
  error: 'Security must be starttls (STARTTLS, usually port 587), tls (implicit TLS, usually port 465) or none (no encryption: diagnosis only, never with credentials).',
});
export type Security = z.infer<typeof securitySchema>;

export const authKindSchema = z.enum(['password', 'app-password', 'api-key', 'oauth2'], {
  error: 'The kind of secret must be password, app-password, api-key or oauth2.',
});
export type AuthKind = z.infer<typeof authKindSchema>;

/** A password, app password, API key or OAuth 2.0 token. Never returned by any channel. */
export const secretInputSchema = z
  .string({ error: 'The secret must be text.' })
  .min(1, { message: 'The secret is empty.' })
  .max(8192, { message: 'The secret is longer than 8192 characters.' })
  .refine((s) => !/[\u0000\r\n]/u.test(s), { message: 'The secret contains a line break or NUL character.' });

const DNS_SERVER_MESSAGE = 'A DNS server is an IP address, optionally with :port: 192.0.2.53, 192.0.2.53:5301, 2001:db8::53 or [2001:db8::53]:5301.';

/** A DNS server as the admin types it: `192.0.2.53`, `127.0.0.1:5301`, `2001:db8::53`, `[2001:db8::53]:53`. */
export const dnsServerSpecSchema = safeText('DNS server', 80).refine(isDnsServerSpec, { message: DNS_SERVER_MESSAGE });

/** A stable id: of an address, an event, a notice. */
export const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/u, { message: 'Identifier must be lowercase letters, digits and hyphens.' });

export const isoTimeSchema = z.iso.datetime();

/** A certificate pin: the SHA-256 fingerprint as 64 upper-case hexadecimal digits. */
export const certificateSha256Schema = z.string().regex(/^[0-9A-F]{64}$/u, { message: 'A certificate fingerprint is 64 hexadecimal characters (SHA-256).' });

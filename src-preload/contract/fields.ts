/**
 * The field rules shared by the contract, the SMTP engine, the DNS checks and the
 * renderer: one definition each, so a host, address or EHLO name the app saves is one
 * the engine accepts on every later test, and every message is in the admin's words.
 *
 * Pure zod, and nothing else: the renderer bundles this file, so no `node:` import
 * (IDN conversion goes through the WHATWG `URL` parser, present in Node and browsers).
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------
// Text. RFC 5321 §2.3.8: a line ends with CRLF, so CR, LF (and NUL, which many servers
// treat as a terminator) inside a host, username, address or EHLO name would smuggle a
// second command into the session. Characters that render as nothing or reorder what is
// shown (bidi controls, zero-width characters: Trojan Source, CVE-2021-42574) make a
// value read differently from what is saved and sent: `support@exam\u202Eelpmaxe.com`
// displays like another address. An identifier refuses all of them, naming the
// character and where it is, so the admin can find a paste accident.

/** Why a character is refused: what the admin is told it is. */
type HiddenKind = 'line break' | 'control character' | 'invisible character' | 'invisible formatting character';

/** Names of the characters that are refused anywhere (and shown by name in DNS text). */
export const HIDDEN_CHARACTER_NAMES: Readonly<Record<number, string>> = {
  0x0085: 'NEXT LINE',
  0x00ad: 'SOFT HYPHEN',
  0x061c: 'ARABIC LETTER MARK',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2061: 'FUNCTION APPLICATION',
  0x2062: 'INVISIBLE TIMES',
  0x2063: 'INVISIBLE SEPARATOR',
  0x2064: 'INVISIBLE PLUS',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
  // Invisible, or blank, yet not controls: a paste can carry them into a host or address.
  0x034f: 'COMBINING GRAPHEME JOINER',
  0x115f: 'HANGUL CHOSEONG FILLER',
  0x1160: 'HANGUL JUNGSEONG FILLER',
  0x180b: 'MONGOLIAN FREE VARIATION SELECTOR ONE',
  0x180c: 'MONGOLIAN FREE VARIATION SELECTOR TWO',
  0x180d: 'MONGOLIAN FREE VARIATION SELECTOR THREE',
  0x180f: 'MONGOLIAN FREE VARIATION SELECTOR FOUR',
  0x206a: 'INHIBIT SYMMETRIC SWAPPING',
  0x206b: 'ACTIVATE SYMMETRIC SWAPPING',
  0x206c: 'INHIBIT ARABIC FORM SHAPING',
  0x206d: 'ACTIVATE ARABIC FORM SHAPING',
  0x206e: 'NATIONAL DIGIT SHAPES',
  0x206f: 'NOMINAL DIGIT SHAPES',
  0x2800: 'BRAILLE PATTERN BLANK',
  0x3164: 'HANGUL FILLER',
  0xffa0: 'HALFWIDTH HANGUL FILLER',
  0xfff9: 'INTERLINEAR ANNOTATION ANCHOR',
  0xfffa: 'INTERLINEAR ANNOTATION SEPARATOR',
  0xfffb: 'INTERLINEAR ANNOTATION TERMINATOR',
};

const FORMAT_CHARACTER = /^\p{Cf}$/u;

/**
 * The name of an invisible character an identifier refuses beyond the table's: variation
 * selectors (they change how the character before them looks) and the tag block (hidden
 * text after a visible one). Null for the rest.
 */
function invisibleName(codePoint: number): string | null {
  const named = HIDDEN_CHARACTER_NAMES[codePoint];
  if (named !== undefined) return named;
  if (codePoint >= 0xfe00 && codePoint <= 0xfe0f) return `VARIATION SELECTOR-${codePoint - 0xfe00 + 1}`;
  if (codePoint >= 0xe0100 && codePoint <= 0xe01ef) return `VARIATION SELECTOR-${codePoint - 0xe0100 + 17}`;
  if (codePoint >= 0xe0000 && codePoint <= 0xe007f) return 'TAG CHARACTER';
  return null;
}

/**
 * How a display names an invisible character: by name when it has one, else "FORMAT
 * CHARACTER" for the rest of Unicode category Cf (which includes the musical
 * U+1D173–U+1D17A and any added later). Null for a visible character.
 */
export function invisibleCharacterName(codePoint: number): string | null {
  return invisibleName(codePoint) ?? (FORMAT_CHARACTER.test(String.fromCodePoint(codePoint)) ? 'FORMAT CHARACTER' : null);
}

export const C0_CONTROL_NAMES: readonly string[] = ['NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'BEL', 'BS', 'TAB', 'LF', 'VT', 'FF', 'CR', 'SO', 'SI', 'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US'];

/** Bidi controls (Unicode UAX #9): they reorder what is displayed around them. */
const BIDI_CONTROLS = new Set([0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);

/** `U+202E` */
export function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** What a refused character is, or null for an ordinary one. `freeText` allows zero-width characters (emoji sequences). */
function hiddenKind(codePoint: number, freeText: boolean): { readonly kind: HiddenKind; readonly name: string } | null {
  if (codePoint === 0x0a || codePoint === 0x0d) return { kind: 'line break', name: C0_CONTROL_NAMES[codePoint] ?? 'CONTROL' };
  if (codePoint < 0x20) return { kind: 'control character', name: C0_CONTROL_NAMES[codePoint] ?? 'CONTROL' };
  if (codePoint === 0x7f) return { kind: 'control character', name: 'DELETE' };
  if (codePoint === 0x85 || codePoint === 0x2028 || codePoint === 0x2029) return { kind: 'line break', name: HIDDEN_CHARACTER_NAMES[codePoint] ?? 'LINE BREAK' };
  if (codePoint >= 0x80 && codePoint <= 0x9f) return { kind: 'control character', name: 'C1 CONTROL' };
  if (BIDI_CONTROLS.has(codePoint)) return { kind: 'invisible character', name: HIDDEN_CHARACTER_NAMES[codePoint] ?? 'BIDI CONTROL' };
  // Free text keeps the rest: emoji are built with ZERO WIDTH JOINER, VARIATION SELECTOR-16
  // and tag characters (the flags of England, Scotland, Wales).
  if (freeText) return null;
  const name = invisibleName(codePoint);
  if (name !== null) return { kind: 'invisible character', name };
  // Every other format character (category Cf) too, unnamed: the list grows with Unicode.
  return FORMAT_CHARACTER.test(String.fromCodePoint(codePoint)) ? { kind: 'invisible formatting character', name: '' } : null;
}

/**
 * Why `value` cannot be `label`, or null when it has none of the refused characters.
 * An identifier (host, address, username, folder, selector, id ...) refuses C0 and C1
 * controls, DEL, line and paragraph separators, bidi controls and zero-width or other
 * invisible characters. Free text (a reason, a note) keeps zero-width characters
 * (they join emoji) but still refuses controls, line breaks and bidi controls.
 * The position is counted in characters from 1, as the admin would count.
 */
export function hiddenCharacterProblem(label: string, value: string, rule: 'identifier' | 'free-text' = 'identifier'): string | null {
  let position = 0;
  for (const char of value) {
    position += 1;
    const codePoint = char.codePointAt(0) ?? 0;
    const hidden = hiddenKind(codePoint, rule === 'free-text');
    if (hidden === null) continue;
    const invisible = hidden.kind === 'invisible character' || hidden.kind === 'invisible formatting character';
    const what = `${invisible ? 'an' : 'a'} ${hidden.kind} (${hidden.name === '' ? codePointLabel(codePoint) : `${codePointLabel(codePoint)} ${hidden.name}`}) at position ${position}`;
    const why =
      invisible
        ? 'It makes the value look different from what is saved and sent; delete it or type the value again instead of pasting it.'
        : 'It could end the line and smuggle a second command to the server; delete it or type the value again.';
    return `${label} contains ${what}. ${why}`;
  }
  return null;
}

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
    .max(max, { message: `${label} is longer than ${max} characters.` })
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
export const ipAddressSchema = z
  .string({ error: 'Enter an IP address such as 192.0.2.25 or 2001:db8::25.' })
  .refine((s) => isIPv4(s) || isIPv6(s), { message: 'Enter an IP address such as 192.0.2.25 or 2001:db8::25.' });

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
export const dnsServerSpecSchema = safeText('DNS server', 80).refine(
  (s) => {
    const match = /^\[([^\]]+)\](?::(\d{1,5}))?$/u.exec(s) ?? /^([^:]+):(\d{1,5})$/u.exec(s);
    const host = match?.[1] ?? s;
    const port = match?.[2] === undefined ? 53 : Number(match[2]);
    const bracketed = s.startsWith('[');
    return port >= 1 && port <= 65535 && (bracketed ? isIPv6(host) || isIPv4(host) : isIPv4(host) || (match === null && isIPv6(host)));
  },
  { message: DNS_SERVER_MESSAGE },
);

/** A stable id: of an address, an event, a notice. */
export const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/u, { message: 'Identifier must be lowercase letters, digits and hyphens.' });

export const isoTimeSchema = z.iso.datetime();

/** A certificate pin: the SHA-256 fingerprint as 64 upper-case hexadecimal digits. */
export const certificateSha256Schema = z.string().regex(/^[0-9A-F]{64}$/u, { message: 'A certificate fingerprint is 64 hexadecimal characters (SHA-256).' });

/**
 * SPF macro expansion (RFC 7208 §7): %{s l o d i p h c r t v}, the digit and "r"
 * transformers, delimiters, and the 253-character truncation of §7.3.
 */
import { ipFamily } from '../dns/ip-family';
import { ipv6Nibbles } from '../dns/names';

export interface MacroContext {
  /** <sender>: local-part@domain (postmaster@ added when the local-part is empty, §4.3). */
  readonly sender: string;
  /** <ip>, already unmapped from ::ffff:a.b.c.d. */
  readonly ip: string;
  /** HELO/EHLO name, when known. */
  readonly helo: string | null;
  /** <domain>: the domain whose record is being evaluated (changes inside include/redirect). */
  readonly domain: string;
  /** %{p}: the validated domain of the client (§7.3), "unknown" when none. */
  readonly validated?: string;
  /** %{r}: the receiving host (exp only). */
  readonly receiver?: string;
  readonly now?: () => Date;
}

/** %{i}: dotted IPv4, or dot-separated nibbles for IPv6 (§7.3). */
export function ipForMacro(ip: string): string {
  return ipFamily(ip) === 6 ? ipv6Nibbles(ip) : ip;
}

function letterValue(letter: string, ctx: MacroContext): string {
  const at = ctx.sender.lastIndexOf('@');
  switch (letter) {
    case 's':
      return ctx.sender;
    case 'l':
      return at > 0 ? ctx.sender.slice(0, at) : 'postmaster';
    case 'o':
      return at >= 0 ? ctx.sender.slice(at + 1) : ctx.sender;
    case 'd':
      return ctx.domain;
    case 'i':
      return ipForMacro(ctx.ip);
    case 'p':
      return ctx.validated ?? 'unknown';
    case 'h':
      return ctx.helo ?? 'unknown';
    case 'v':
      return ipFamily(ctx.ip) === 6 ? 'ip6' : 'in-addr';
    case 'c':
      return ctx.ip;
    case 'r':
      return ctx.receiver ?? 'unknown';
    case 't':
      return String(Math.floor((ctx.now?.() ?? new Date()).getTime() / 1000));
    default:
      return '';
  }
}

/** Expand a macro-string; the caller has already validated its syntax (spf-record.ts). */
export function expandMacros(spec: string, ctx: MacroContext): string {
  return spec.replace(/%\{([a-z])(\d*)(r?)([.\-+,/_=]*)\}|%%|%_|%-/giu, (match, letter: string | undefined, digits: string, reverse: string, delimiters: string) => {
    if (match === '%%') return '%';
    if (match === '%_') return ' ';
    if (match === '%-') return '%20';
    const value = letterValue((letter ?? '').toLowerCase(), ctx);
    const split = delimiters ? new RegExp(`[${delimiters.replace(/[-\\\]^]/gu, '\\$&')}]`, 'u') : /\./u;
    let parts = value.split(split);
    if (reverse) parts = parts.reverse();
    if (digits) parts = parts.slice(-Number(digits));
    const expanded = parts.join('.');
    // §7.3: an upper-case macro letter asks for URL escaping.
    return letter !== undefined && letter === letter.toUpperCase() ? encodeURIComponent(expanded) : expanded;
  });
}

/**
 * A domain-spec after expansion: trailing dot dropped and, past 253 characters, labels
 * removed from the left until it fits (§7.3).
 */
export function expandDomainSpec(spec: string, ctx: MacroContext): string {
  let name = expandMacros(spec, ctx).replace(/\.$/u, '');
  while (name.length > 253 && name.includes('.')) name = name.slice(name.indexOf('.') + 1);
  return name.toLowerCase();
}

/** §4.3: a name check_host() can query (labels 1-63 characters, at least two labels). */
export function isQueryableDomain(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  // An IP address (`a:%{i}` expanded) ends in a numeric label, which no domain does (RFC 7208 §7.1 toplabel).
  if (ipFamily(name.replace(/\.$/u, '')) !== 0) return false;
  const labels = name.split('.');
  return labels.length >= 2 && labels.every((l) => l.length > 0 && l.length <= 63);
}

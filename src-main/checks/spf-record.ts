/**
 * SPF record syntax (RFC 7208 §4.5, §4.6.1, §12 ABNF): selecting the `v=spf1` record
 * and parsing its terms, naming the exact term that is wrong. Any syntax error makes
 * check_host() return permerror before anything is evaluated (§4.6).
 */
import { ipFamily } from '../dns/ip-family';
import { findHiddenCharacters } from '../../src-preload/contract/visible-text';

export type SpfQualifier = '+' | '-' | '~' | '?';
export type SpfMechanismKind = 'all' | 'include' | 'a' | 'mx' | 'ptr' | 'ip4' | 'ip6' | 'exists';

export type SpfTerm =
  | { readonly type: 'mechanism'; readonly kind: 'all'; readonly qualifier: SpfQualifier; readonly text: string }
  | { readonly type: 'mechanism'; readonly kind: 'include' | 'exists'; readonly qualifier: SpfQualifier; readonly domainSpec: string; readonly text: string }
  | {
      readonly type: 'mechanism';
      readonly kind: 'a' | 'mx';
      readonly qualifier: SpfQualifier;
      readonly domainSpec: string | null;
      readonly cidr4: number | null;
      readonly cidr6: number | null;
      readonly text: string;
    }
  | { readonly type: 'mechanism'; readonly kind: 'ptr'; readonly qualifier: SpfQualifier; readonly domainSpec: string | null; readonly text: string }
  | { readonly type: 'mechanism'; readonly kind: 'ip4' | 'ip6'; readonly qualifier: SpfQualifier; readonly network: string; readonly prefix: number | null; readonly text: string }
  | { readonly type: 'modifier'; readonly kind: 'redirect' | 'exp'; readonly domainSpec: string; readonly text: string }
  | { readonly type: 'modifier'; readonly kind: 'unknown'; readonly name: string; readonly value: string; readonly text: string };

export type SpfMechanism = Extract<SpfTerm, { type: 'mechanism' }>;

export interface SpfSyntaxError {
  readonly term: string;
  readonly message: string;
}

export interface ParsedSpf {
  readonly terms: readonly SpfTerm[];
  readonly errors: readonly SpfSyntaxError[];
}

/** RFC 7208 §4.5: "v=spf1" then a space or the end (case-insensitive, RFC 5234 §2.3). */
export function isSpfRecord(text: string): boolean {
  return /^v=spf1( |$)/iu.test(text);
}

/** RFC 7208 §4.5: the records (strings joined) that are SPF records. */
export function selectSpfRecords(txt: ReadonlyArray<{ readonly value: string }>): string[] {
  return txt.map((r) => r.value).filter(isSpfRecord);
}

const MACRO_EXPAND = /%\{[slodiphcrtv]\d*r?[.\-+,/_=]*\}|%%|%_|%-/giu;
const EXP_ONLY_LETTERS = /%\{[crt]/iu;

/** RFC 7208 §7.1 macro-string; `inExp` allows the c, r and t letters (§7.2). */
export function macroStringError(value: string, inExp = false): string | null {
  const literal = value.replace(MACRO_EXPAND, '');
  if (literal.includes('%')) return 'a "%" that does not start a macro (write %% for a literal percent sign)';
  if (/[^\x21-\x7e]/u.test(literal)) return 'characters outside visible ASCII';
  if (!inExp && EXP_ONLY_LETTERS.test(value)) return 'the macro letters c, r and t are only allowed in exp= text';
  if (/%\{[a-z]0+r?[.\-+,/_=]*\}/iu.test(value)) return 'a macro keeps zero labels (the digit must be at least 1)';
  return null;
}

const TOPLABEL = /^(?:[a-z0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9])$/iu;

/** RFC 7208 §7.1: domain-spec = macro-string domain-end. */
export function domainSpecError(spec: string): string | null {
  if (spec === '') return 'an empty domain';
  const macro = macroStringError(spec);
  if (macro !== null) return macro;
  // domain-end: a macro-expand at the very end, or "." toplabel ["."].
  if (/(%\{[^}]*\}|%%|%_|%-)$/u.test(spec)) return null;
  const labels = spec.replace(/\.$/u, '').split('.');
  const top = labels.at(-1) ?? '';
  if (labels.length < 2) return `"${spec}" is not a fully qualified domain`;
  if (!TOPLABEL.test(top)) return `"${spec}" does not end in a valid top-level label ("${top}")`;
  if (labels.some((l) => l === '')) return `"${spec}" has an empty label`;
  return null;
}

function cidr(text: string | undefined, max: number): number | null | 'invalid' {
  if (text === undefined) return null;
  if (!/^(0|[1-9]\d{0,2})$/u.test(text)) return 'invalid';
  const value = Number(text);
  return value > max ? 'invalid' : value;
}

/** Parse one term; the error names what is wrong with it. */
export function parseTerm(text: string): SpfTerm | SpfSyntaxError {
  const fail = (message: string): SpfSyntaxError => ({ term: text, message });
  const modifier = /^([a-z][a-z0-9_.-]*)=(.*)$/isu.exec(text);
  if (modifier) {
    const name = (modifier[1] ?? '').toLowerCase();
    const value = modifier[2] ?? '';
    if (name === 'redirect' || name === 'exp') {
      const problem = domainSpecError(value);
      return problem === null ? { type: 'modifier', kind: name, domainSpec: value, text } : fail(`${name}= needs a domain: ${problem}`);
    }
    const problem = macroStringError(value);
    return problem === null ? { type: 'modifier', kind: 'unknown', name, value, text } : fail(`the modifier value has ${problem}`);
  }
  const directive = /^([+\-~?]?)([a-z0-9]+)(?::([^/]*))?((?:\/[^/]*)?(?:\/\/[^/]*)?)$/isu.exec(text);
  const qualifier = ((directive?.[1] ?? '') || '+') as SpfQualifier;
  const kind = (directive?.[2] ?? '').toLowerCase();
  const argument = directive?.[3];
  const suffix = directive?.[4] ?? '';
  if (!directive) {
    const name = /^[+\-~?]?([a-z0-9]+)/iu.exec(text)?.[1]?.toLowerCase();
    if (name && ['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists'].includes(name)) return fail(`malformed ${name} mechanism`);
    return fail(name ? `"${name}" is not an SPF mechanism (mechanisms: all, include, a, mx, ptr, ip4, ip6, exists)` : 'not an SPF term');
  }
  const cidrParts = /^(?:\/([^/]*))?(?:\/\/(.*))?$/u.exec(suffix);
  const c4 = cidr(cidrParts?.[1], 32);
  const c6 = cidr(cidrParts?.[2], 128);
  switch (kind) {
    case 'all':
      if (argument !== undefined || suffix !== '') return fail('"all" takes no argument');
      return { type: 'mechanism', kind: 'all', qualifier, text };
    case 'include':
    case 'exists': {
      if (suffix !== '') return fail(`${kind} takes no CIDR length`);
      if (argument === undefined || argument === '') return fail(`${kind} needs a domain after ":"`);
      const problem = domainSpecError(argument);
      return problem === null ? { type: 'mechanism', kind, qualifier, domainSpec: argument, text } : fail(`${kind}: ${problem}`);
    }
    case 'a':
    case 'mx': {
      if (argument !== undefined) {
        const problem = domainSpecError(argument);
        if (problem !== null) return fail(`${kind}: ${problem}`);
      }
      if (c4 === 'invalid') return fail(`${kind}: the IPv4 CIDR length must be 0-32`);
      if (c6 === 'invalid') return fail(`${kind}: the IPv6 CIDR length must be 0-128`);
      return { type: 'mechanism', kind, qualifier, domainSpec: argument ?? null, cidr4: c4, cidr6: c6, text };
    }
    case 'ptr': {
      if (suffix !== '') return fail('ptr takes no CIDR length');
      if (argument !== undefined) {
        const problem = domainSpecError(argument);
        if (problem !== null) return fail(`ptr: ${problem}`);
      }
      return { type: 'mechanism', kind: 'ptr', qualifier, domainSpec: argument ?? null, text };
    }
    case 'ip4':
    case 'ip6': {
      // ip6 addresses contain ':' — take everything after the first ':' up to a '/'.
      const rest = text.slice(text.indexOf(':') + 1);
      const [network = '', prefixText, ...extra] = rest.split('/');
      if (text.indexOf(':') < 0 || network === '') return fail(`${kind} needs an address after ":"`);
      if (extra.length > 0) return fail(`${kind}: only one CIDR length is allowed`);
      const family = kind === 'ip4' ? 4 : 6;
      if (ipFamily(network) !== family || (family === 4 && !/^\d{1,3}(\.\d{1,3}){3}$/u.test(network))) {
        return fail(`${kind}: "${network}" is not an IPv${family} address`);
      }
      const prefix = cidr(prefixText, family === 4 ? 32 : 128);
      if (prefix === 'invalid') return fail(`${kind}: the CIDR length must be 0-${family === 4 ? 32 : 128}`);
      return { type: 'mechanism', kind, qualifier, network, prefix, text };
    }
    default:
      return fail(`"${kind}" is not an SPF mechanism (mechanisms: all, include, a, mx, ptr, ip4, ip6, exists)`);
  }
}

/** Parse a record that starts with v=spf1. Terms are separated by spaces only (§12). */
export function parseSpfRecord(record: string): ParsedSpf {
  const errors: SpfSyntaxError[] = [];
  const hidden = findHiddenCharacters(record);
  if (hidden.length > 0) {
    errors.push({
      term: record,
      message: `the record contains ${hidden.length === 1 ? 'an invisible character' : `${hidden.length} invisible characters`} (${hidden.map((h) => `${h.label} at position ${h.index + 1}`).join(', ')}); SPF records are plain ASCII`,
    });
  } else if (/[^\x20-\x7e]/u.test(record)) {
    errors.push({ term: record, message: 'the record contains characters outside plain ASCII' });
  }
  const terms: SpfTerm[] = [];
  for (const text of record.split(' ').slice(1)) {
    if (text === '') continue;
    const parsed = parseTerm(text);
    if ('message' in parsed) errors.push(parsed);
    else terms.push(parsed);
  }
  // RFC 7208 §6: redirect and exp may each appear once.
  for (const kind of ['redirect', 'exp'] as const) {
    const found = terms.filter((t) => t.kind === kind);
    if (found.length > 1) errors.push({ term: found.map((t) => t.text).join(' '), message: `${kind}= appears ${found.length} times; it may appear once` });
  }
  return { terms, errors };
}

/** Terms that cause DNS lookups and count toward the limit of 10 (RFC 7208 §4.6.4). */
export function countsTowardLimit(term: SpfTerm): boolean {
  return term.kind === 'include' || term.kind === 'a' || term.kind === 'mx' || term.kind === 'ptr' || term.kind === 'exists' || term.kind === 'redirect';
}

export function hasMacro(spec: string): boolean {
  return /%\{/u.test(spec);
}

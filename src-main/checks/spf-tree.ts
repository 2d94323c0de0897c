/**
 * The full include/redirect tree of an SPF record, in the spirit of checkdmarc's parsed
 * record with `dns_lookups` and `void_dns_lookups`: every term, what it costs against
 * the limit of 10 DNS-querying terms and 2 void lookups (RFC 7208 §4.6.4), per record and
 * in total. Totals are the worst case: a message that matches nothing (forged mail, or a
 * sender listed last) makes the receiver evaluate every term.
 *
 * Independent lookups run concurrently (all includes of a record at once), so the tree
 * costs about one round trip per level. Answers for `a`/`mx` addresses and, with a
 * client IP, for `ptr`/`exists` are fetched too, so the verdict (spf-evaluate.ts) can be
 * computed from the same run's answers without waiting again.
 */
import { ipFamily } from '../dns/ip-family';
import type { DnsResolver } from '../dns/resolver';
import { isResolverFault } from '../dns/resolver';
import type { DnsLookup } from '../../src-preload/contract/dns-schemas';
import { visibleText } from '../../src-preload/contract/visible-text';
import type { SpfNodeView, SpfTermView } from '../../src-preload/contract/checks-schemas';
import { expandDomainSpec, isQueryableDomain } from './spf-macro';
import { countsTowardLimit, hasMacro, parseSpfRecord, selectSpfRecords, type SpfTerm } from './spf-record';
import { reverseName } from '../dns/names';
import { normalizeSender } from './spf-evaluate';

export interface SpfTreeOptions {
  readonly resolver: DnsResolver;
  readonly signal?: AbortSignal;
  /** With a client IP, macros and `ptr` can be resolved as that message would see them. */
  readonly client?: { readonly ip: string; readonly sender?: string | undefined; readonly helo?: string | null | undefined } | undefined;
}

export interface SpfTree {
  readonly root: SpfNodeView;
  /** Resolver faults anywhere in the tree: the counts below them are unknown. */
  readonly faults: readonly string[];
  readonly queries: readonly DnsLookup[];
}

const DEPRECATED_PTR = 'ptr is deprecated (RFC 7208 §5.5): slow, unreliable, and ignored by some receivers; list the addresses with ip4/ip6 instead.';

export async function buildSpfTree(domain: string, options: SpfTreeOptions): Promise<SpfTree> {
  const faults: string[] = [];
  const queries: DnsLookup[] = [];
  const root = domain.toLowerCase().replace(/\.$/u, '');
  const sender = normalizeSender(options.client?.sender, options.client?.helo ?? root);
  const ask = async (name: string, type: 'TXT' | 'A' | 'AAAA' | 'MX' | 'PTR'): Promise<DnsLookup> => {
    const lookup = await options.resolver.lookup(name, type, options.signal ? { signal: options.signal } : {});
    queries.push(lookup);
    if (isResolverFault(lookup)) faults.push(lookup.explanation);
    return lookup;
  };
  const isVoid = (l: DnsLookup) => l.outcome === 'nxdomain' || l.outcome === 'nodata';
  const voidTxt = new Set<string>();

  /** The name a term queries, or why it cannot be known without a message. */
  const resolveTarget = (spec: string | null, current: string): { name: string } | { note: string } => {
    if (spec === null) return { name: current };
    const client = options.client;
    // Only %{d}/%{o} can be expanded without a message; the rest depend on the sender or IP.
    if (hasMacro(spec) && client === undefined && /%\{[^do]/iu.test(spec.replace(/%\{[do][^}]*\}/giu, ''))) {
      return { note: 'depends on the message (macros): evaluated per sender and IP' };
    }
    const name = expandDomainSpec(spec, { sender, ip: client?.ip ?? '192.0.2.0', helo: client?.helo ?? null, domain: current });
    return isQueryableDomain(name) ? { name } : { note: `"${name}" is not a valid domain: receivers return permerror` };
  };

  const addressesOf = async (name: string) => {
    const [a, aaaa] = await Promise.all([ask(name, 'A'), ask(name, 'AAAA')]);
    const addresses = [...a.records, ...aaaa.records].flatMap((r) => (r.type === 'A' || r.type === 'AAAA' ? [r.address] : []));
    return { addresses, void: isVoid(a) && isVoid(aaaa), lookups: [a, aaaa] };
  };

  async function termView(term: SpfTerm, current: string, ancestors: readonly string[], hasAll: boolean): Promise<SpfTermView> {
    const base: SpfTermView = {
      text: term.text,
      kind: term.kind === 'unknown' ? 'modifier' : term.kind,
      qualifier: term.type === 'mechanism' ? term.qualifier : null,
      target: null,
      lookups: countsTowardLimit(term) ? 1 : 0,
      voidLookup: false,
      addresses: [],
      note: null,
      child: null,
    };
    switch (term.kind) {
      case 'include':
      case 'redirect': {
        if (term.kind === 'redirect' && hasAll) {
          return { ...base, lookups: 0, note: 'ignored: the record has an "all" term, which always matches first (RFC 7208 §6.1)' };
        }
        const resolved = resolveTarget(term.domainSpec, current);
        if ('note' in resolved) return { ...base, note: resolved.note };
        if (resolved.name === current || ancestors.includes(resolved.name)) {
          const path = [...ancestors, current, resolved.name].join(' → ');
          return {
            ...base,
            target: resolved.name,
            note: `loop: ${path}`,
            child: { ...emptyNode(resolved.name), status: 'loop', problem: `include loop ${path}: receivers run out of lookups and return permerror` },
          };
        }
        const child = await node(resolved.name, [...ancestors, current]);
        return { ...base, target: resolved.name, child, voidLookup: voidTxt.has(resolved.name) };
      }
      case 'a': {
        const resolved = resolveTarget(term.domainSpec, current);
        if ('note' in resolved) return { ...base, note: resolved.note };
        const found = await addressesOf(resolved.name);
        return { ...base, target: resolved.name, addresses: found.addresses, voidLookup: found.void, note: found.void ? `${resolved.name} has no A or AAAA record (void lookup)` : null };
      }
      case 'mx': {
        const resolved = resolveTarget(term.domainSpec, current);
        if ('note' in resolved) return { ...base, note: resolved.note };
        const mx = await ask(resolved.name, 'MX');
        const hosts = mx.records.flatMap((r) => (r.type === 'MX' && r.exchange !== '' ? [r.exchange] : []));
        const found = await Promise.all(hosts.map(addressesOf));
        const notes = [hosts.length > 10 ? `${resolved.name} has ${hosts.length} MX hosts; more than 10 makes this term a permerror (RFC 7208 §4.6.4)` : null, isVoid(mx) ? `${resolved.name} has no MX record (void lookup)` : null].filter((n) => n !== null);
        return { ...base, target: resolved.name, addresses: found.flatMap((f) => f.addresses), voidLookup: isVoid(mx), note: notes.join('; ') || null };
      }
      case 'ptr': {
        const ip = options.client?.ip;
        if (ip !== undefined && ipFamily(ip) !== 0) {
          const ptr = await ask(reverseName(ip), 'PTR');
          await Promise.all(ptr.records.slice(0, 10).flatMap((r) => (r.type === 'PTR' ? [ask(r.target, ipFamily(ip) === 6 ? 'AAAA' : 'A')] : [])));
        }
        const resolved = resolveTarget(term.domainSpec, current);
        return { ...base, target: 'name' in resolved ? resolved.name : null, note: DEPRECATED_PTR };
      }
      case 'exists': {
        const resolved = resolveTarget(term.domainSpec, current);
        if ('note' in resolved) return { ...base, note: resolved.note };
        const a = await ask(resolved.name, 'A');
        return { ...base, target: resolved.name, voidLookup: isVoid(a), note: isVoid(a) ? `${resolved.name} has no A record (a void lookup when it does not match)` : null };
      }
      case 'all':
      case 'ip4':
      case 'ip6':
      case 'exp':
      case 'unknown':
        return base;
    }
  }

  async function node(name: string, ancestors: readonly string[]): Promise<SpfNodeView> {
    const txt = await ask(name, 'TXT');
    if (isVoid(txt)) voidTxt.add(name);
    if (isResolverFault(txt) || txt.outcome === 'cname-loop') return { ...emptyNode(name), status: 'fault', problem: txt.explanation };
    if (txt.outcome === 'nxdomain') return { ...emptyNode(name), status: 'none', problem: `${name} does not exist` };
    const records = selectSpfRecords(txt.records);
    if (records.length === 0) return { ...emptyNode(name), status: 'none', problem: `${name} has no TXT record starting with v=spf1` };
    if (records.length > 1) {
      return { ...emptyNode(name), record: records.join('\n'), status: 'multiple', problem: `${name} publishes ${records.length} SPF records; receivers return permerror (RFC 7208 §4.5)` };
    }
    const record = records[0] ?? '';
    const parsed = parseSpfRecord(record);
    const hasAll = parsed.terms.some((t) => t.kind === 'all');
    const terms = await Promise.all(parsed.terms.map((t) => termView(t, name, ancestors, hasAll)));
    const lookups = terms.reduce((n, t) => n + t.lookups, 0);
    const voidLookups = terms.filter((t) => t.voidLookup).length;
    const firstError = parsed.errors[0];
    return {
      domain: name,
      record,
      status: firstError ? 'syntax-error' : 'ok',
      problem: firstError ? `"${firstError.term}": ${firstError.message}` : null,
      lookups,
      voidLookups,
      totalLookups: lookups + terms.reduce((n, t) => n + (t.child?.totalLookups ?? 0), 0),
      totalVoidLookups: voidLookups + terms.reduce((n, t) => n + (t.child?.totalVoidLookups ?? 0), 0),
      terms,
    };
  }

  return { root: await node(root, []), faults, queries };
}

function emptyNode(domain: string): SpfNodeView {
  return { domain, record: null, status: 'not-fetched', problem: null, lookups: 0, voidLookups: 0, totalLookups: 0, totalVoidLookups: 0, terms: [] };
}

/** Depth-first walk over every node (the root first). */
export function* walkSpfTree(root: SpfNodeView): Generator<{ node: SpfNodeView; depth: number; path: readonly string[] }> {
  function* visit(node: SpfNodeView, depth: number, path: readonly string[]): Generator<{ node: SpfNodeView; depth: number; path: readonly string[] }> {
    yield { node, depth, path };
    for (const term of node.terms) if (term.child) yield* visit(term.child, depth + 1, [...path, term.text]);
  }
  yield* visit(root, 0, []);
}

/** The ip4/ip6 ranges (and resolved a/mx addresses) a subtree authorises, when it has nothing dynamic. */
export function flattenable(node: SpfNodeView): { ranges: string[]; complete: boolean } {
  const ranges: string[] = [];
  let complete = node.status === 'ok';
  for (const term of node.terms) {
    if (term.kind === 'ip4' || term.kind === 'ip6') ranges.push(term.text.replace(/^[+]/u, ''));
    else if ((term.kind === 'a' || term.kind === 'mx') && term.qualifier === '+') ranges.push(...term.addresses.map((a) => (ipFamily(a) === 6 ? `ip6:${a}` : `ip4:${a}`)));
    else if (term.kind === 'include' && term.child) {
      const sub = flattenable(term.child);
      ranges.push(...sub.ranges);
      complete &&= sub.complete;
    } else if (term.kind === 'ptr' || term.kind === 'exists' || term.kind === 'redirect') complete = false;
    if ((term.kind === 'a' || term.kind === 'mx') && term.addresses.length === 0 && term.note !== null) complete = false;
    if (term.qualifier !== null && term.qualifier !== '+' && term.kind !== 'all') complete = false;
  }
  return { ranges: [...new Set(ranges)], complete };
}

/**
 * The tree as indented text lines (CLI `relayproof spf`): each term with what it costs,
 * each record with its subtotal. DNS text goes through visibleText.
 */
export function renderSpfTree(root: SpfNodeView): string[] {
  const lines = [`${root.domain}: ${root.totalLookups} of 10 DNS lookups, ${root.totalVoidLookups} of 2 void lookups${root.problem ? ` — ${visibleText(root.problem)}` : ''}`];
  const visit = (node: SpfNodeView, indent: string) => {
    for (const term of node.terms) {
      const cost = term.lookups > 0 ? ` [${term.lookups + (term.child?.totalLookups ?? 0)} lookup${term.lookups + (term.child?.totalLookups ?? 0) === 1 ? '' : 's'}${term.voidLookup ? ', void' : ''}]` : '';
      const note = term.note !== null && term.child === null ? ` (${visibleText(term.note)})` : '';
      lines.push(`${indent}${visibleText(term.text)}${cost}${note}`);
      if (term.child !== null) {
        if (term.child.status !== 'ok') lines.push(`${indent}  ! ${visibleText(term.child.problem ?? term.child.status)}`);
        visit(term.child, `${indent}  `);
      }
    }
  };
  visit(root, '  ');
  return lines;
}

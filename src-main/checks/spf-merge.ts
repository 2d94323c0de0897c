/**
 * The SPF merge generator: the one record to publish given the existing record and what
 * the platform needs, its lookup count against the limit of 10 (RFC 7208 §4.6.4), and
 * when it would go over, which terms to replace and what each saves.
 */
import type { SpfMerge, SpfNodeView } from '../../src-preload/contract/checks-schemas';
import { SPF_LOOKUP_LIMIT } from './spf-evaluate';
import { countsTowardLimit, parseSpfRecord } from './spf-record';
import { flattenable, walkSpfTree } from './spf-tree';

/** The `all` an admin can choose for the merged record (`+all` is never offered). */
export type SpfAllChoice = '-all' | '~all' | '?all';

export interface SpfMergeInput {
  /** The record published now, null when there is none. */
  readonly existing: string | null;
  readonly tree: SpfNodeView | null;
  /** Includes to add, with their fetched trees (for their cost). */
  readonly add: ReadonlyArray<{ readonly domain: string; readonly subtree: SpfNodeView | null }>;
  /** Used for a new record when no include is required (an IP seen sending). */
  readonly sendingIp?: string | undefined;
  /** The admin's choice; without it the existing record's `all` is kept (a new record gets ~all). */
  readonly all?: SpfAllChoice | undefined;
}

const ALL = /^[+\-~?]?all$/iu;

/** Higher = lets more unlisted servers through: -all < ~all < ?all < +all (RFC 7208 §4.6.2). */
const LENIENCY: Readonly<Record<string, number>> = { '-': 0, '~': 1, '?': 2, '+': 3 };
function leniency(all: string): number {
  return LENIENCY[/^[+\-~?]/u.test(all) ? all.charAt(0) : '+'] ?? 3;
}

/** True for `+all` or a bare `all` (its qualifier defaults to +). */
export function isPlusAll(term: string): boolean {
  return ALL.test(term) && leniency(term) === 3;
}

/** Why an include's (or redirect's) record says nothing about its cost, or null when it does. */
function unknownCost(node: SpfNodeView | null): string | null {
  if (node === null) return 'its record was not read';
  switch (node.status) {
    case 'none':
    case 'fault':
      return node.problem ?? (node.status === 'none' ? `${node.domain} has no SPF record` : `${node.domain} could not be read`);
    case 'not-fetched':
      return node.problem ?? 'its record was not read';
    case 'ok':
    case 'syntax-error':
    case 'multiple':
    case 'loop':
      return null;
  }
}

/** An include/redirect (or a required include) whose cost could not be known, and why. */
export interface UnknownCost {
  readonly term: string;
  readonly why: string;
}

/** Every include/redirect below `tree` whose cost is unknown. */
function unknownTerms(tree: SpfNodeView): UnknownCost[] {
  const out: UnknownCost[] = [];
  for (const { node } of walkSpfTree(tree)) {
    for (const term of node.terms) {
      if (term.kind !== 'include' && term.kind !== 'redirect') continue;
      if (term.lookups === 0) continue; // an ignored redirect costs nothing
      if (term.child === null) {
        // The name depends on the message (macros) or is not a valid domain.
        if (term.note !== null) out.push({ term: term.text, why: term.note });
        continue;
      }
      const why = unknownCost(term.child);
      if (why !== null) out.push({ term: term.text, why });
    }
  }
  return out;
}

export function mergeSpf(input: SpfMergeInput): SpfMerge {
  return mergeSpfExplained(input).merge;
}

/** The merge, and for each term whose cost is unknown, why (for the item's text). */
export function mergeSpfExplained(input: SpfMergeInput): { readonly merge: SpfMerge; readonly unknown: readonly UnknownCost[] } {
  const additions = input.add.map((a) => `include:${a.domain}`);
  let terms: string[];
  if (input.existing === null) {
    const base = additions.length > 0 ? additions : input.sendingIp ? [`${input.sendingIp.includes(':') ? 'ip6' : 'ip4'}:${input.sendingIp}`] : ['mx'];
    terms = [...base, input.all ?? '~all'];
  } else {
    terms = input.existing.split(' ').filter((t) => t !== '').slice(1);
    const present = new Set(terms.map((t) => t.toLowerCase()));
    const missing = additions.filter((a) => !present.has(a.toLowerCase()));
    let at = terms.findIndex((t) => ALL.test(t));
    // The admin's choice replaces the record's all; with a redirect= and no all it is not
    // added, since an all would silently switch the redirect off (RFC 7208 §6.1).
    if (at >= 0 && input.all !== undefined) terms[at] = input.all;
    else if (at < 0 && input.all !== undefined && !terms.some((t) => /^redirect=/iu.test(t))) terms.push(input.all);
    at = terms.findIndex((t) => ALL.test(t));
    if (at < 0) at = terms.findIndex((t) => /^redirect=/iu.test(t));
    if (at < 0) at = terms.length;
    terms.splice(at, 0, ...missing);
  }

  // Without a tree (several records, a syntax error) the existing terms are counted one
  // each, and what their includes hold is unknown: never 0.
  const unknown: UnknownCost[] = [];
  let existingCost = 0;
  if (input.tree !== null) {
    existingCost = input.tree.totalLookups;
    unknown.push(...unknownTerms(input.tree));
  } else if (input.existing !== null) {
    for (const term of parseSpfRecord(input.existing).terms) {
      if (!countsTowardLimit(term)) continue;
      existingCost += 1;
      if (term.kind === 'include' || term.kind === 'redirect') unknown.push({ term: term.text, why: 'its record was not read while the published SPF records are broken' });
    }
  }
  let addedCost = 0;
  for (const a of input.add) {
    addedCost += 1 + (a.subtree?.totalLookups ?? 0);
    const why = unknownCost(a.subtree);
    if (why !== null) unknown.push({ term: `include:${a.domain}`, why });
    else if (a.subtree !== null) unknown.push(...unknownTerms(a.subtree));
  }
  // A new record without includes falls back to "mx", itself one lookup.
  const fallbackCost = input.existing === null && additions.length === 0 && !input.sendingIp ? 1 : 0;
  const lookups = existingCost + addedCost + fallbackCost;
  const lookupsKnown = unknown.length === 0;
  const overLimit = lookups > SPF_LOOKUP_LIMIT ? true : lookupsKnown ? false : null;
  const merge: SpfMerge = {
    record: ['v=spf1', ...terms].join(' '),
    lookups,
    lookupsKnown,
    unknownIncludes: [...new Set(unknown.map((u) => u.term))],
    overLimit,
    suggestions: overLimit === true || existingCost > SPF_LOOKUP_LIMIT ? savings(input.tree, lookups) : [],
  };
  return { merge, unknown };
}

/** Ways to get back under 10, cheapest to maintain first. */
export function savings(tree: SpfNodeView | null, lookups: number): string[] {
  if (tree === null) return [];
  const out: string[] = [];
  const after = (saved: number) => `(saves ${saved}; ${lookups - saved} lookup${lookups - saved === 1 ? '' : 's'} after)`;
  const seen = new Map<string, number>();
  for (const term of tree.terms) {
    if (term.kind === 'ptr') out.push(`Remove "${term.text}": ptr is deprecated and receivers may ignore it ${after(1)}.`);
    if (term.kind === 'include' && term.target) {
      const cost = 1 + (term.child?.totalLookups ?? 0);
      if (seen.has(term.target)) out.push(`Remove the second "${term.text}": it is already included ${after(cost)}.`);
      seen.set(term.target, cost);
    }
  }
  for (const term of tree.terms) {
    if ((term.kind === 'a' || term.kind === 'mx') && term.addresses.length > 0 && term.addresses.length <= 10) {
      const ranges = term.addresses.map((a) => (a.includes(':') ? `ip6:${a}` : `ip4:${a}`)).join(' ');
      out.push(`Replace "${term.text}" with "${ranges}" ${after(1)}; update it when those addresses change.`);
    }
  }
  const includes = tree.terms
    .filter((t) => t.kind === 'include' && t.child !== null)
    .map((t) => ({ term: t, cost: 1 + (t.child?.totalLookups ?? 0) }))
    .sort((a, b) => b.cost - a.cost);
  for (const { term, cost } of includes) {
    const flat = term.child ? flattenable(term.child) : { ranges: [], complete: false };
    if (flat.complete && flat.ranges.length > 0 && flat.ranges.length <= 20) {
      out.push(
        `Replace "${term.text}" (${cost} lookup${cost === 1 ? '' : 's'}) with its ${flat.ranges.length} address range${flat.ranges.length === 1 ? '' : 's'}: ${flat.ranges.join(' ')} ${after(cost)}. The provider can change them without notice: re-check regularly.`,
      );
    } else {
      out.push(
        `"${term.text}" costs ${cost} lookup${cost === 1 ? '' : 's'}. If that service can send with its own envelope domain (a subdomain such as bounce.example.com with its own SPF record), move it there ${after(cost)}.`,
      );
    }
  }
  return out;
}

/**
 * Two SPF records at one name are a permerror (RFC 7208 §4.5): the single record to publish
 * instead. Its `all` is the least strict of the records' (so no server that passes today is
 * refused by the merge), unless the admin chooses one.
 */
export function mergeDuplicateRecords(records: readonly string[], chosen?: SpfAllChoice): string {
  const terms: string[] = [];
  let all: string | null = null;
  let redirect: string | null = null;
  for (const record of records) {
    for (const term of record.split(' ').filter((t) => t !== '').slice(1)) {
      if (ALL.test(term)) {
        if (all === null || leniency(term) > leniency(all)) all = term;
      } else if (/^redirect=/iu.test(term)) redirect ??= term;
      else if (!terms.some((t) => t.toLowerCase() === term.toLowerCase())) terms.push(term);
    }
  }
  // A chosen all never replaces a lone redirect=: that would drop the senders it authorises.
  const ending = chosen !== undefined && (all !== null || redirect === null) ? chosen : (all ?? redirect ?? '~all');
  return ['v=spf1', ...terms, ending].join(' ');
}

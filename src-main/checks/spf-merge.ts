/**
 * The SPF merge generator: the one record to publish given the existing record and what
 * the platform needs, its lookup count against the limit of 10 (RFC 7208 §4.6.4), and
 * when it would go over, which terms to replace and what each saves.
 */
import type { SpfMerge, SpfNodeView } from '../../src-preload/contract/checks-schemas';
import { SPF_LOOKUP_LIMIT } from './spf-evaluate';
import { flattenable } from './spf-tree';

export interface SpfMergeInput {
  /** The record published now, null when there is none. */
  readonly existing: string | null;
  readonly tree: SpfNodeView | null;
  /** Includes to add, with their fetched trees (for their cost). */
  readonly add: ReadonlyArray<{ readonly domain: string; readonly subtree: SpfNodeView | null }>;
  /** Used for a new record when no include is required (an IP seen sending). */
  readonly sendingIp?: string | undefined;
}

const ALL = /^[+\-~?]?all$/iu;

export function mergeSpf(input: SpfMergeInput): SpfMerge {
  const additions = input.add.map((a) => `include:${a.domain}`);
  let terms: string[];
  if (input.existing === null) {
    const base = additions.length > 0 ? additions : input.sendingIp ? [`${input.sendingIp.includes(':') ? 'ip6' : 'ip4'}:${input.sendingIp}`] : ['mx'];
    terms = [...base, '~all'];
  } else {
    terms = input.existing.split(' ').filter((t) => t !== '').slice(1);
    const present = new Set(terms.map((t) => t.toLowerCase()));
    const missing = additions.filter((a) => !present.has(a.toLowerCase()));
    let at = terms.findIndex((t) => ALL.test(t));
    if (at < 0) at = terms.findIndex((t) => /^redirect=/iu.test(t));
    if (at < 0) at = terms.length;
    terms.splice(at, 0, ...missing);
  }
  const existingCost = input.tree?.totalLookups ?? 0;
  const addedCost = input.add.reduce((n, a) => n + 1 + (a.subtree?.totalLookups ?? 0), 0);
  // A new record without includes falls back to "mx", itself one lookup.
  const fallbackCost = input.existing === null && additions.length === 0 && !input.sendingIp ? 1 : 0;
  const lookups = existingCost + addedCost + fallbackCost;
  const overLimit = lookups > SPF_LOOKUP_LIMIT;
  return {
    record: ['v=spf1', ...terms].join(' '),
    lookups,
    overLimit,
    suggestions: overLimit || existingCost > SPF_LOOKUP_LIMIT ? savings(input.tree, lookups) : [],
  };
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

/** Two SPF records at one name are a permerror (RFC 7208 §4.5): the single record to publish instead. */
export function mergeDuplicateRecords(records: readonly string[]): string {
  const terms: string[] = [];
  let all: string | null = null;
  let redirect: string | null = null;
  for (const record of records) {
    for (const term of record.split(' ').filter((t) => t !== '').slice(1)) {
      if (ALL.test(term)) all ??= term;
      else if (/^redirect=/iu.test(term)) redirect ??= term;
      else if (!terms.some((t) => t.toLowerCase() === term.toLowerCase())) terms.push(term);
    }
  }
  return ['v=spf1', ...terms, ...(all !== null ? [all] : redirect !== null ? [redirect] : ['~all'])].join(' ');
}

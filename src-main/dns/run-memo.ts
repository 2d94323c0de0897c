/**
 * One checklist run asks each (name, type) once: SPF's `mx`, the MX check and MTA-STS
 * all see the same answer, and the SPF verdict is evaluated on the answers the SPF
 * tree already fetched instead of waiting for them again. Nothing outlives the run, so
 * the next run sees fresh answers. In-flight questions are shared, not repeated.
 */
import type { DnsResolver } from './resolver';
import type { DnsLookup } from '../../src-preload/contract/dns-schemas';

export interface RunResolver extends DnsResolver {
  /** Every distinct lookup made in this run, in the order they were asked. */
  lookups(): Promise<DnsLookup[]>;
}

export function withRunMemo(resolver: DnsResolver, runSignal?: AbortSignal): RunResolver {
  const pending = new Map<string, Promise<DnsLookup>>();
  return {
    description: resolver.description,
    lookup(name, type, options = {}) {
      const key = `${type} ${name.replace(/\.$/u, '').toLowerCase()}`;
      let answer = pending.get(key);
      if (answer === undefined) {
        // The run's signal, not the first caller's: a shared answer must not be cancelled
        // because one of the checks waiting for it stopped early.
        const signal = runSignal ?? options.signal;
        answer = resolver.lookup(name, type, signal ? { signal } : {});
        pending.set(key, answer);
      }
      return answer;
    },
    async lookups() {
      const settled = await Promise.allSettled(pending.values());
      return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    },
  };
}

/** A view of `resolver` that keeps the lookups one check made (its evidence). */
export function recordLookups(resolver: DnsResolver): { readonly resolver: DnsResolver; readonly lookups: DnsLookup[] } {
  const lookups: DnsLookup[] = [];
  return {
    lookups,
    resolver: {
      description: resolver.description,
      async lookup(name, type, options) {
        const result = await resolver.lookup(name, type, options);
        if (!lookups.includes(result)) lookups.push(result);
        return result;
      },
    },
  };
}

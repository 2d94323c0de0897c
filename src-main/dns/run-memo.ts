/**
 * One checklist run asks each (name, type) once: SPF's `mx`, the MX check and MTA-STS
 * all see the same answer, and the SPF verdict is evaluated on the answers the SPF
 * tree already fetched instead of waiting for them again. Nothing outlives the run, so
 * the next run sees fresh answers. In-flight questions are shared, not repeated.
 */
import { setMaxListeners } from 'node:events';
import type { DnsResolver } from './resolver';
import type { DnsLookup } from '../../src-preload/contract/dns-schemas';

export interface RunResolver extends DnsResolver {
  /** Every distinct lookup made in this run, in the order they were asked. */
  lookups(): Promise<DnsLookup[]>;
}

export function withRunMemo(resolver: DnsResolver, runSignal?: AbortSignal): RunResolver {
  const pending = new Map<string, Promise<DnsLookup>>();
  const shared = runSignal === undefined ? undefined : sharedSignal(runSignal);
  return {
    description: resolver.description,
    lookup(name, type, options = {}) {
      const key = `${type} ${name.replace(/\.$/u, '').toLowerCase()}`;
      let answer = pending.get(key);
      if (answer === undefined) {
        // The run's signal, not the first caller's: a shared answer must not be cancelled
        // because one of the checks waiting for it stopped early.
        if (shared !== undefined) {
          const signal = shared.acquire();
          answer = resolver.lookup(name, type, { signal }).finally(shared.release);
        } else answer = resolver.lookup(name, type, options.signal ? { signal: options.signal } : {});
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

/**
 * The run's signal for many questions in flight at once, with one listener on it instead of
 * one per question: every DNS exchange listens on the signal it is given, and a checklist
 * asks a dozen questions at a time, which crowded the caller's signal past Node's limit of
 * ten (MaxListenersExceededWarning). The listener is added when the first question starts
 * and removed when the last one in flight ends, so nothing stays on the caller's signal
 * between runs or after them.
 */
function sharedSignal(source: AbortSignal): { acquire(): AbortSignal; release(): void } {
  let inFlight = 0;
  let inner: AbortController | undefined;
  const forward = () => inner?.abort(source.reason);
  return {
    acquire() {
      if (source.aborted) return source;
      if (inFlight === 0 || inner === undefined) {
        inner = new AbortController();
        // Only this run's own questions listen here, each until its exchange ends.
        setMaxListeners(0, inner.signal);
        source.addEventListener('abort', forward, { once: true });
      }
      inFlight += 1;
      return inner.signal;
    },
    release() {
      inFlight = Math.max(0, inFlight - 1);
      if (inFlight === 0) {
        source.removeEventListener('abort', forward);
        inner = undefined;
      }
    },
  };
}

/**
 * The checklist's first DNS questions, asked the moment a one-shot command (`relayproof
 * check`) knows the domain and the servers, while the rest of the checklist (the contract's
 * schemas, the platform data, the dispatcher) is still loading. Loading takes longer than
 * a chain of lookups at 50 ms an answer; one after the other, the admin paid for both.
 *
 * The answers land in a run memo that the checklist then asks through (checks-handlers.ts),
 * so each question still leaves once per run and the report is what it would have been.
 * Only questions the checklist asks whatever the platform: the SPF tree of the domain,
 * DMARC's discovery and the platform-free checks (the same list the checklist plans with).
 * DKIM's selectors and the platform's SPF includes come from the platform's data and wait
 * for it. Nothing here or in its imports loads zod.
 */
import type { PlatformFreeInput } from './platform-free-checks';
import { buildSpfTree } from './spf-tree';
import type { ChecklistInput } from '../../src-preload/contract/checks-schemas';
import { resolverFromSpecs } from '../dns/resolver';
import { withRunMemo, type RunResolver } from '../dns/run-memo';
import type { EarlyQuestion } from '../dns/early-question';

/** The checklist input's fields the warm-up reads, already checked (plain-fields.ts) and normalised as the schema does. */
export type WarmupInput = PlatformFreeInput & Pick<ChecklistInput, 'sender'>;

export interface ChecklistWarmup {
  /** The servers it asks, as given: a checklist for other servers does not use it. */
  readonly dnsServers: readonly string[];
  readonly resolver: RunResolver;
  /** Ends the questions still in flight (the command is over, or the run's deadline passed). */
  stop(): void;
}

/**
 * Starts the questions and returns at once; null when the servers cannot be used (the
 * checklist says why). `early`: the SPF tree's first question, sent before this module
 * loaded (cli/check-early-question.ts); the tree waits for its answer instead of asking again.
 */
export function warmChecklist(input: WarmupInput, dnsServers: readonly string[], early?: EarlyQuestion | null): ChecklistWarmup | null {
  const made = resolverFromSpecs(dnsServers, early ? { early } : {});
  if ('errors' in made) return null;
  const controller = new AbortController();
  const resolver = withRunMemo(made.resolver, controller.signal);
  const wanted = (kind: NonNullable<ChecklistInput['only']>[number]) => input.only === undefined || input.only.includes(kind);
  // Only the answers are wanted here: the checklist judges them and reports their faults.
  const quietly = (work: Promise<unknown>) => void work.catch(() => undefined);
  // The tree the SPF check builds first; with the same client, macros expand alike.
  const client = input.sendingIp === undefined ? undefined : { ip: input.sendingIp, sender: input.sender, helo: input.heloName ?? null };
  if (wanted('spf')) quietly(buildSpfTree(input.domain, { resolver, client }));
  // The SPF tree is the longest chain of questions (each include waits for the one before):
  // its first question leaves before the code of the one-round checks is even loaded.
  // Each starts in a turn of the event loop of its own: an SPF answer that arrives meanwhile
  // is read between two of them, not after all (each costs a socket and its first run's code).
  quietly(
    Promise.all([import('./dmarc'), import('./platform-free-checks')]).then(async ([{ discoverDmarc }, { platformFreeChecks }]) => {
      const starts = [...(wanted('dmarc') || wanted('bimi') ? [() => discoverDmarc(input.domain, resolver)] : []), ...platformFreeChecks(input, { resolver }).map((check) => () => check.run())];
      for (const start of starts) {
        await nextTurn();
        if (controller.signal.aborted) return;
        quietly(start());
      }
    }),
  );
  return { dnsServers: [...dnsServers], resolver, stop: () => controller.abort(new Error('the checklist no longer needs these answers')) };
}

/** After the event loop has looked for I/O once (setImmediate runs after its poll phase). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The warm-up's resolver for a run that asks these servers, else undefined. */
export function warmResolverFor(warmup: ChecklistWarmup | null | undefined, dnsServers: readonly string[]): RunResolver | undefined {
  if (warmup === null || warmup === undefined) return undefined;
  const same = warmup.dnsServers.length === dnsServers.length && warmup.dnsServers.every((s, i) => s === dnsServers[i]);
  return same ? warmup.resolver : undefined;
}

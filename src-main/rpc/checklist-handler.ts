/**
 * `checks:run-checklist`'s handler, in a module of its own: `relayproof check` builds this
 * one channel (cli/check-services.ts), and checks-handlers.ts's other handlers bring the
 * store, the verification history and the blocklists with them.
 */
import { runChecklist } from '../checks/checklist';
import { warmResolverFor, type ChecklistWarmup } from '../checks/checklist-warmup';
import { unreadableResource } from '../app/json-resource';
import { unknownPlatform } from '../providers/platforms';
import type { Handlers } from './dispatch';
import { dnsServersOr } from './dns-servers';
import type { HandlerDeps } from './handlers';

/**
 * The checklist of a domain for a platform's route; also all `relayproof check` builds
 * (cli/check-services.ts), which passes the `warmup` whose questions left while the rest of
 * the command loaded: a run for the same servers asks through its answers.
 */
export function runChecklistHandler(deps: Pick<HandlerDeps, 'platforms'> & { readonly store: Pick<HandlerDeps['store'], 'settings'>; readonly warmup?: ChecklistWarmup | null }): Handlers['checks:run-checklist'] {
  return async ({ operationId: _operationId, ...input }, ctx) => {
    const loaded = await deps.platforms();
    if (!loaded.ok) {
      return unreadableResource('platforms', loaded.problems);
    }
    if (!loaded.platforms.has(input.platform)) return unknownPlatform(input.platform, loaded.platforms);
    const dnsServers = dnsServersOr(deps.store, input.dnsServers);
    const resolver = warmResolverFor(deps.warmup, dnsServers);
    // The run's deadline or cancel ends the warm-up's questions too.
    if (resolver !== undefined) ctx.signal.addEventListener('abort', () => deps.warmup?.stop(), { once: true });
    return runChecklist({ ...input, dnsServers }, { platforms: loaded.platforms, signal: ctx.signal, onEvent: ctx.emit, ...(resolver !== undefined ? { resolver } : {}) });
  };
}

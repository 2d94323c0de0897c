/**
 * Handlers of the DNS checks (src-preload/contract/checks.ts): the checklist of a domain
 * for its platform, and one record's propagation, asking the admin's DNS servers from
 * Settings wherever a call names none.
 */
import { runChecklist } from '../checks/checklist';
import { runPropagation } from '../dns/propagation';
import { unreadableResource } from '../app/json-resource';
import { unknownPlatform } from '../providers/platforms';
import type { Handlers } from './dispatch';
import { dnsServersOr } from './dns-servers';
import type { HandlerDeps } from './handlers';

/** The checklist of a domain for a platform's route; also all `relayproof check` builds (cli/check-services.ts). */
export function runChecklistHandler(deps: Pick<HandlerDeps, 'store' | 'platforms'>): Handlers['checks:run-checklist'] {
  return async ({ operationId: _operationId, ...input }, ctx) => {
    const loaded = await deps.platforms();
    if (!loaded.ok) {
      return unreadableResource('platforms', loaded.problems);
    }
    if (!loaded.platforms.has(input.platform)) return unknownPlatform(input.platform, loaded.platforms);
    return runChecklist({ ...input, dnsServers: dnsServersOr(deps.store, input.dnsServers) }, { platforms: loaded.platforms, signal: ctx.signal, onEvent: ctx.emit });
  };
}

export function checksHandlers(deps: HandlerDeps): Pick<Handlers, 'checks:run-checklist' | 'checks:run-for-address' | 'checks:check-propagation'> {
  const { store } = deps;

  return {
    'checks:run-checklist': runChecklistHandler(deps),

    async 'checks:run-for-address'({ addressId, from }, ctx) {
      return deps.verification.checklist(addressId, from === 'wizard' ? 'wizard' : 'manual', ctx);
    },

    async 'checks:check-propagation'(input, ctx) {
      return runPropagation({ ...input, dnsServers: dnsServersOr(store, input.dnsServers) }, { signal: ctx.signal });
    },
  };
}

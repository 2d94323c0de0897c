/**
 * Handlers of the DNS checks (src-preload/contract/checks.ts): the checklist of a domain
 * for its platform, and one record's propagation, asking the admin's DNS servers from
 * Settings wherever a call names none.
 */
// result-values, not the contract's index: the index builds every capability's schemas (Microsoft 365, verification ...), which `relayproof check` would load for these two functions.
import { fail, ok } from '../../src-preload/contract/result-values';
import { checkAddressBlocklists } from '../blocklists/address-blocklists';
import { loadBlocklists } from '../blocklists/blocklist-catalogue';
import { runPropagation } from '../dns/propagation';
import { resolverFromSpecs } from '../dns/resolver';
import { findResourcesDir } from '../app/resources-dir';
import { historyOf } from '../verification/status-store';
import { unreadableResource } from '../app/json-resource';
import { runChecklistHandler } from './checklist-handler';
import type { Handlers } from './dispatch';
import { dnsServersOr } from './dns-servers';
import type { HandlerDeps } from './handlers';

export function checksHandlers(deps: HandlerDeps): Pick<Handlers, 'checks:run-checklist' | 'checks:run-for-address' | 'checks:check-propagation' | 'checks:check-address-blocklists'> {
  const { store } = deps;
  let blocklistsLoad: ReturnType<typeof loadBlocklists> | undefined;
  const blocklists = deps.blocklists ?? (() => (blocklistsLoad ??= loadBlocklists(findResourcesDir())));

  return {
    'checks:run-checklist': runChecklistHandler(deps),

    async 'checks:run-for-address'({ addressId, from }, ctx) {
      return deps.verification.checklist(addressId, from === 'wizard' ? 'wizard' : 'manual', ctx);
    },

    async 'checks:check-propagation'(input, ctx) {
      return runPropagation({ ...input, dnsServers: dnsServersOr(store, input.dnsServers) }, { signal: ctx.signal });
    },

    async 'checks:check-address-blocklists'({ addressId }, ctx) {
      const address = store.getAddress(addressId);
      if (address === undefined) return fail('not-found', 'This address no longer exists.', { hint: 'Open it again from the address list.' });
      const loaded = await blocklists();
      if (!loaded.ok) return unreadableResource('blocklists', loaded.problems);
      const made = resolverFromSpecs(dnsServersOr(store, []));
      if ('errors' in made) return fail('invalid-input', `The DNS servers in Settings cannot be used: ${made.errors.join(' ')}`, { hint: 'Correct them in Settings › DNS servers.' });
      // The last proved message: where the relay really delivered from (as the checklist reads it).
      const lastProof = [...historyOf(deps.verificationStore.get(addressId), addressId).runs].reverse().find((r) => r.message !== null)?.message ?? null;
      return ok(await checkAddressBlocklists(address, lastProof, { file: loaded.value, resolver: made.resolver, clock: deps.clock, signal: ctx.signal }));
    },
  };
}

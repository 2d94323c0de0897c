/**
 * Handlers of the addresses and the connect wizard (src-preload/contract/addresses.ts):
 * each adapts its channel to the address service (src-main/addresses/address-service.ts),
 * which owns the lifecycle: list, create, update and delete, the new-address check, setup
 * state, two-phase rotation, lifecycle history, export/import and the wizard draft.
 */
import type { AddressService } from '../addresses/address-service';
import type { Handlers } from './dispatch';

type AddressChannel =
  | 'addresses:list'
  | 'addresses:create'
  | 'addresses:update'
  | 'addresses:delete'
  | 'addresses:check-new'
  | 'addresses:complete-setup'
  | 'addresses:rotate-secret'
  | 'addresses:events'
  | 'addresses:export'
  | 'addresses:import'
  | 'wizard:get-draft'
  | 'wizard:save-draft'
  | 'wizard:discard-draft';

export function addressHandlers({ addresses }: { readonly addresses: AddressService }): Pick<Handlers, AddressChannel> {
  return {
    'addresses:list': () => addresses.list(),
    'addresses:check-new': ({ address, platform, environment, excludeId }) => addresses.check({ address, platform, environment, excludeId }),
    'addresses:create': ({ fields, secret, setup }) => addresses.create({ fields, secret, setup }),
    'addresses:update': ({ id, patch }) => addresses.update(id, patch),
    'addresses:delete': ({ id }) => addresses.remove(id),
    'addresses:complete-setup': ({ id, proceedReason }) => addresses.completeSetup(id, proceedReason),
    'addresses:rotate-secret': ({ id, secret }, ctx) => addresses.rotateSecret(id, secret, { signal: ctx.signal, onPhase: ctx.emit }),
    'addresses:events': async ({ addressId }) => addresses.events(addressId),
    'addresses:export': async ({ ids }) => addresses.exportAddresses(ids),
    'addresses:import': ({ document }) => addresses.importAddresses(document),
    'wizard:get-draft': async () => addresses.wizardDraft(),
    'wizard:save-draft': async ({ draft }) => addresses.saveWizardDraft(draft),
    'wizard:discard-draft': () => addresses.discardWizardDraft(),
  };
}

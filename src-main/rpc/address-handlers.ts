/**
 * Handlers of the connect wizard and the address lifecycle (src-preload/channels/addresses.ts).
 * TEMPORARY: being built in this session; every channel answers "not built yet".
 */
import { fail } from '../../src-preload/contract';
import type { Handlers } from './dispatch';
import type { HandlerDeps } from './handlers';

type AddressChannel =
  | 'addresses:check-new'
  | 'addresses:complete-setup'
  | 'addresses:rotate-secret'
  | 'addresses:events'
  | 'addresses:export'
  | 'addresses:import'
  | 'wizard:get-draft'
  | 'wizard:save-draft'
  | 'wizard:discard-draft'
  | 'vault:copy-secret-to-clipboard';

export function addressHandlers(_deps: HandlerDeps): Pick<Handlers, AddressChannel> {
  const notYet = async () => fail('internal', 'Not built yet.');
  return {
    'addresses:check-new': notYet,
    'addresses:complete-setup': notYet,
    'addresses:rotate-secret': notYet,
    'addresses:events': notYet,
    'addresses:export': notYet,
    'addresses:import': notYet,
    'wizard:get-draft': notYet,
    'wizard:save-draft': notYet,
    'wizard:discard-draft': notYet,
    'vault:copy-secret-to-clipboard': notYet,
  };
}

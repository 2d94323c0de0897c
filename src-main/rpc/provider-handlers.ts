/**
 * Handlers for platform and provider data and autodetect (src-preload/channels/addresses.ts).
 * TEMPORARY: being built in this session; every channel answers "not built yet".
 */
import { fail } from '../../src-preload/contract';
import type { Handlers } from './dispatch';
import type { HandlerDeps } from './handlers';

export function providerHandlers(_deps: HandlerDeps): Pick<Handlers, 'platforms:list' | 'providers:list' | 'providers:detect'> {
  const notYet = async () => fail('internal', 'Not built yet.');
  return { 'platforms:list': notYet, 'providers:list': notYet, 'providers:detect': notYet };
}

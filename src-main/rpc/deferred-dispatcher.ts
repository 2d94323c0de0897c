/**
 * A dispatcher that exists before the services do. The Electron window is created first
 * so the page loads while the services (and their dependencies) are imported; its first
 * calls must not find "no handler registered", so they wait here for the real one.
 */
import type { Result } from '../../src-preload/contract/result';
import { fail } from '../../src-preload/contract/result-values';
import type { Dispatcher } from './dispatch';

export interface DeferredDispatcher extends Dispatcher {
  /** Whether the real dispatcher is ready (false while loading, and after a failed start). */
  ready(): boolean;
}

/**
 * `pending` resolves to the real dispatcher, or to undefined when the services could not
 * start (the caller has already told the admin why); calls then get `store-unavailable`.
 */
export function deferDispatcher(pending: Promise<Dispatcher | undefined>): DeferredDispatcher {
  let real: Dispatcher | undefined;
  const settled = pending.then(
    (dispatcher) => {
      real = dispatcher;
      return dispatcher;
    },
    () => undefined,
  );
  return {
    ready: () => real !== undefined,
    async dispatch(channel, rawInput, callerSignal): Promise<Result<unknown>> {
      const dispatcher = real ?? (await settled);
      if (dispatcher === undefined) return fail('store-unavailable', 'Relayproof could not start its services, so it cannot do this.', { hint: 'Close Relayproof and start it again; the message shown at start says what to fix.' });
      return dispatcher.dispatch(channel, rawInput, callerSignal);
    },
    // An operation can only be running once the real dispatcher ran it.
    cancel: (operationId) => real?.cancel(operationId) ?? false,
  };
}

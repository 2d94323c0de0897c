/**
 * The dispatcher of the whole contract (channel-dispatch.ts does the work): Electron IPC,
 * the browser-mode bridge and the CLI's commands reach every channel through it.
 */
import { contract } from '../../src-preload/contract';
import { createChannelDispatcher, type Dispatcher, type DispatcherOptions } from './channel-dispatch';

export type { Dispatcher, DispatcherOptions, Handler, HandlerContext, Handlers } from './channel-dispatch';

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  return createChannelDispatcher({ ...options, contract: options.contract ?? contract });
}

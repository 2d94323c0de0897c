/**
 * The only `ipcMain.handle` call in Relayproof. Every contract channel goes through one
 * `register(channel)` wrapper: check that the sender is the app's own renderer, then hand
 * the raw input to the dispatcher, which parses it with the contract schema, runs the
 * handler under a deadline and maps anything unexpected to `internal` (see the
 * Architecture section of README.md).
 *
 * Electron is imported for types only, so this file loads in plain Node tests where the
 * Electron binary (and with it `require('electron')`) is absent: its download needs the
 * internet, and browser mode runs without it.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { channelNames, fail, type ChannelName, type Result } from '../../src-preload/contract';
import type { Logger } from '../log/logger';
import type { Dispatcher } from '../rpc/dispatch';

export interface RegisterContractOptions {
  /** True only for the app's own top-level renderer frame (see `allowRendererSenders`). */
  isAllowedSender(event: IpcMainInvokeEvent): boolean;
  readonly logger: Logger;
}

export type IpcMainHandleApi = Pick<IpcMain, 'handle' | 'removeHandler'>;
/** Re-exported so tests of the transport need no import of 'electron' themselves. */
export type { IpcMainInvokeEvent };

/** The part of WebContents used here (optional: a test event may carry a bare emitter). */
interface SenderEvents {
  once?(event: 'destroyed', listener: () => void): unknown;
}

/**
 * Registers every channel of the contract on `ipcMain`; returns the function that
 * removes them again (window teardown, tests).
 */
export function registerContract(ipcMain: IpcMainHandleApi, dispatcher: Dispatcher, options: RegisterContractOptions): () => void {
  const { logger } = options;
  // Calls in flight per window, so one 'destroyed' listener per window aborts them all
  // (a listener per call would trip EventEmitter's leak warning at 11 parallel calls).
  const inflight = new WeakMap<object, Set<AbortController>>();

  function track(sender: SenderEvents | undefined, controller: AbortController): () => void {
    if (sender?.once === undefined) return () => {};
    let calls = inflight.get(sender);
    if (calls === undefined) {
      const created = new Set<AbortController>();
      calls = created;
      inflight.set(sender, created);
      // A closed window cannot receive the answer: stop the work it started.
      sender.once('destroyed', () => {
        inflight.delete(sender);
        for (const call of created) call.abort(new Error('renderer went away'));
      });
    }
    const own = calls;
    own.add(controller);
    return () => own.delete(controller);
  }

  function isAllowed(event: IpcMainInvokeEvent): boolean {
    try {
      return options.isAllowedSender(event) === true;
    } catch {
      // A check that cannot decide must deny: a throwing check is not a pass.
      return false;
    }
  }

  function register(channel: ChannelName): void {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<Result<unknown>> => {
      if (!isAllowed(event)) {
        // The sender URL is not logged: a foreign page's URL can carry its own tokens.
        logger.warn('ipc call from a sender that is not the Relayproof renderer was refused', { channel });
        return fail('forbidden', 'This window is not allowed to use Relayproof.');
      }
      if (args.length !== 1) {
        // The preload always sends exactly one input object; anything else is not ours.
        return fail('invalid-input', 'A Relayproof request carries exactly one input value.');
      }
      const controller = new AbortController();
      const untrack = track(event.sender as SenderEvents | undefined, controller);
      try {
        return await dispatcher.dispatch(channel, args[0], controller.signal);
      } catch (error) {
        // The dispatcher maps handler failures itself; reaching here is a bug in it. Never
        // let an exception cross IPC: Electron would serialize its message to the renderer.
        logger.error('dispatcher threw', { channel, error: error instanceof Error ? error.name : typeof error });
        return fail('internal', 'Something went wrong inside Relayproof. Details are in the log.');
      } finally {
        untrack();
      }
    });
  }

  for (const channel of channelNames) register(channel);

  return () => {
    for (const channel of channelNames) ipcMain.removeHandler(channel);
  };
}

export interface RendererLocation {
  /** file:// URL of the built renderer's index.html (production). */
  readonly fileUrl?: string;
  /** http://localhost:5173-style origin of the electron-vite dev server (development). */
  readonly devServerUrl?: string;
}

/**
 * The `isAllowedSender` check for Electron: the sending frame must be a top-level frame
 * showing the built renderer file (any hash route) or a page of the dev server. Subframes
 * and any other URL are refused (Electron security checklist §17: validate the sender).
 */
export function allowRendererSenders(location: RendererLocation): (event: IpcMainInvokeEvent) => boolean {
  const file = location.fileUrl === undefined ? undefined : new URL(location.fileUrl);
  const devOrigin = location.devServerUrl === undefined ? undefined : new URL(location.devServerUrl).origin;
  return (event) => {
    const frame = event.senderFrame;
    if (frame === null || frame === undefined || frame.parent !== null) return false;
    return isRendererUrl(frame.url, file, devOrigin);
  };
}

export function isRendererUrl(url: string, file: URL | undefined, devOrigin: string | undefined): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (file !== undefined && parsed.protocol === 'file:' && parsed.host === '' && parsed.pathname === file.pathname && parsed.search === '') {
    return true;
  }
  // `null` is the origin of file: and opaque URLs; it must never match a dev server.
  return devOrigin !== undefined && devOrigin !== 'null' && parsed.origin === devOrigin;
}

/**
 * What `relayproof check` needs, and nothing more: the settings (DNS servers, SES
 * identities) only when the command asks for them, the platform data and a dispatcher of
 * `checks:run-checklist` alone, with the same input parsing, deadline and output checks as
 * the app's. The composition root (services.ts) would build every service and every
 * channel's schemas before the first DNS question could leave.
 *
 * The settings are only read: a file that needs nothing is read as a snapshot (as `smtp
 * test` reads it, store/settings-snapshot.ts), and the store, with its lock, writer and
 * conf, opens only for a file that needs it (missing, damaged, older). With --dns-server
 * and no SES identity to look at, they are not read at all.
 */
import { defaultDataDirectory } from '../app/data-directory';
import { findResourcesDir } from '../app/resources-dir';
import { CHECKLIST_TIMEOUT_MS, type ChecklistRequest } from '../../src-preload/contract/checklist-request';
import type { ChecklistWarmup } from '../checks/checklist-warmup';
import { loadPlatforms, type LoadPlatformsResult } from '../providers/platforms';
import { createChannelDispatcher, type DispatchSpec, type InputReader } from '../rpc/channel-dispatch';
import { runChecklistHandler } from '../rpc/checklist-handler';
import type { Dispatcher } from '../rpc/dispatch';
import type { OperationEvent } from '../../src-preload/contract';
import type { SettingsSnapshot } from '../store/settings-snapshot';
import { cliLogger } from './cli-logger';
import type { CliIo } from './io';

export interface CheckServices {
  /** The settings as they are now, read on first use (and reported, when the store had something to say). */
  settings(): Promise<SettingsSnapshot>;
  /**
   * A dispatcher of `checks:run-checklist` for input the command has parsed with the
   * contract's rules (checklist-request.ts, else the schema): it keeps the app's deadline
   * and error handling and, outside production, validates the output and events against
   * the contract. With the command's warm-up, a checklist for the same servers asks
   * through its answers.
   */
  createDispatcher(options?: { readonly warmup?: ChecklistWarmup | null; readonly onEvent?: (event: OperationEvent) => void }): Promise<ParsedDispatcher>;
}

/** Dispatches input already parsed: the type says so, so no raw input can reach it. */
export interface ParsedDispatcher {
  dispatch(channel: 'checks:run-checklist', input: ChecklistRequest): ReturnType<Dispatcher['dispatch']>;
}

/** The input is the command's own, parsed one step before with the contract's rules. */
const parsedInput: InputReader = { safeParse: (raw) => ({ success: true, data: raw }) };

export type CheckServicesOpener = (io: CliIo) => CheckServices;

export function openCheckServices(io: CliIo): CheckServices {
  const dataDirectory = defaultDataDirectory(io.env);
  const logger = cliLogger(dataDirectory);
  let read: Promise<SettingsSnapshot> | undefined;
  let store: SettingsSnapshot | undefined;
  const settings = () =>
    (read ??= (async () => {
      const { readCommandSettings } = await import('../store/settings-snapshot');
      store = await readCommandSettings(dataDirectory, logger);
      return store;
    })());
  const resourcesDir = findResourcesDir();
  let platformsLoad: Promise<LoadPlatformsResult> | undefined;
  const platforms = () => (platformsLoad ??= loadPlatforms(resourcesDir));
  const validateOutput = process.env.NODE_ENV !== 'production';
  // The contract's spec (zod) loads only to validate outputs (never in production) or for a
  // caller that wants the run's progress events (the dispatcher streams events only for a
  // channel whose spec has them); `check` itself needs neither.
  const spec = async (withEvents: boolean): Promise<DispatchSpec> =>
    validateOutput || withEvents
      ? { ...(await import('../../src-preload/contract/checks')).checksChannels['checks:run-checklist'], input: parsedInput }
      : { input: parsedInput, timeoutMs: CHECKLIST_TIMEOUT_MS };
  // The handler reads the saved DNS servers only for a call that names none; the command
  // names them, or has read the settings first to name them.
  const handlerStore = {
    settings: () => {
      if (store === undefined) throw new Error('relayproof check asked for the saved DNS servers before reading the settings.');
      return store.settings();
    },
  };
  return {
    settings,
    createDispatcher: async (options = {}) =>
      createChannelDispatcher({
        handlers: { 'checks:run-checklist': runChecklistHandler({ store: handlerStore, platforms, warmup: options.warmup ?? null }) },
        contract: { 'checks:run-checklist': await spec(options.onEvent !== undefined) },
        logger,
        validateOutput,
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      }),
  };
}

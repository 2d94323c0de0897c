/**
 * What `relayproof check` needs, and nothing more: the settings (DNS servers), the platform
 * data and a dispatcher of `checks:run-checklist` alone, with the same input parsing,
 * deadline and output checks as the app's. The composition root (services.ts) would build
 * every service and every channel's schemas before the first DNS question could leave.
 */
import { defaultDataDirectory } from '../app/data-directory';
import { findResourcesDir } from '../app/resources-dir';
import { checksChannels } from '../../src-preload/contract/checks';
import { loadPlatforms, type LoadPlatformsResult } from '../providers/platforms';
import { createChannelDispatcher } from '../rpc/channel-dispatch';
import { runChecklistHandler } from '../rpc/checks-handlers';
import type { Services } from '../services';
import { confEngine } from '../store/conf-engine';
import { openStore } from '../store/store';
import { cliLogger } from './cli-logger';
import type { CliIo } from './io';

export function openCheckServices(io: CliIo): Pick<Services, 'store' | 'createDispatcher'> {
  const dataDirectory = defaultDataDirectory(io.env);
  const logger = cliLogger(dataDirectory);
  const store = openStore({ directory: dataDirectory, engine: confEngine });
  for (const notice of store.notices()) logger.warn('settings file problem', { kind: notice.kind, backup: notice.backupPath });
  const resourcesDir = findResourcesDir();
  let platformsLoad: Promise<LoadPlatformsResult> | undefined;
  const platforms = () => (platformsLoad ??= loadPlatforms(resourcesDir));
  const validateOutput = process.env.NODE_ENV !== 'production';
  const contract = { 'checks:run-checklist': checksChannels['checks:run-checklist'] };
  return {
    store,
    createDispatcher: (onEvent) =>
      createChannelDispatcher({ handlers: { 'checks:run-checklist': runChecklistHandler({ store, platforms }) }, contract, logger, validateOutput, ...(onEvent ? { onEvent } : {}) }),
  };
}

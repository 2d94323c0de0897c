/**
 * What `relayproof smtp test` and `smtp probe` need, and nothing more: the settings (EHLO
 * name, deadline, DNS servers, pinned certificates), the reply catalogue, the app's
 * connection-test path (smtp/lending-test.ts) and a dispatcher of the SMTP channels alone,
 * with the same input parsing, deadline and output checks as the app's. The composition
 * root (services.ts) would build every service and every channel's schemas, which costs
 * these one-shot commands more time and memory than the test itself.
 */
import { defaultDataDirectory } from '../app/data-directory';
import { findResourcesDir } from '../app/resources-dir';
import { loadReplyCatalogue, type LoadCatalogueResult } from '../analyze/reply-catalogue';
import { smtpChannels } from '../../src-preload/contract/smtp';
import { createChannelDispatcher } from '../rpc/channel-dispatch';
import { smtpHandlers } from '../rpc/smtp-handlers';
import type { Services } from '../services';
import { createSmtpTester } from '../smtp/lending-test';
import { confEngine } from '../store/conf-engine';
import { openStore } from '../store/store';
import { loadKeytar } from '../vault/keytar';
import { createVault } from '../vault/vault';
import { cliLogger } from './cli-logger';
import type { CliIo } from './io';

export function openSmtpServices(io: CliIo): Pick<Services, 'createDispatcher'> {
  const dataDirectory = defaultDataDirectory(io.env);
  const logger = cliLogger(dataDirectory);
  const store = openStore({ directory: dataDirectory, engine: confEngine });
  for (const notice of store.notices()) logger.warn('settings file problem', { kind: notice.kind, backup: notice.backupPath });
  // A typed secret only: the vault is never asked (no saved address is tested from here).
  const vault = createVault({ loadBackend: loadKeytar, logger });
  const resourcesDir = findResourcesDir();
  let repliesLoad: Promise<LoadCatalogueResult> | undefined;
  const replies = () => (repliesLoad ??= loadReplyCatalogue(resourcesDir));
  const smtp = createSmtpTester({ store, vault, clock: () => new Date(), replies });
  const validateOutput = process.env.NODE_ENV !== 'production';
  return {
    createDispatcher: (onEvent) => createChannelDispatcher({ handlers: smtpHandlers({ store, smtp }), contract: smtpChannels, logger, validateOutput, ...(onEvent ? { onEvent } : {}) }),
  };
}

/**
 * What `relayproof smtp test` and `smtp probe` need, and nothing more: the settings (EHLO
 * name, deadline, DNS servers, pinned certificates), the reply catalogue, the app's
 * connection-test path (smtp/lending-test.ts) and a dispatcher of the SMTP channels alone,
 * with the same input parsing, deadline and output checks as the app's. The composition
 * root (services.ts) would build every service and every channel's schemas, which costs
 * these one-shot commands more time and memory than the test itself.
 *
 * They only read the settings: a settings file that needs nothing is read as a snapshot
 * (store/settings-snapshot.ts, the same checks), and the store itself, with its lock, its
 * writes and conf, is opened only when the file needs them (missing, damaged, older).
 *
 * Loaded by cli/smtp-services.ts when the command dispatches, after it has opened the
 * test's connection.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { defaultDataDirectory } from '../app/data-directory';
import { findResourcesDir } from '../app/resources-dir';
import { loadReplyCatalogue, type CatalogueIo, type LoadCatalogueResult } from '../analyze/reply-catalogue';
import { smtpChannels } from '../../src-preload/contract/smtp';
import { createChannelDispatcher } from '../rpc/channel-dispatch';
import { smtpHandlers } from '../rpc/smtp-handlers';
import type { Dispatcher } from '../rpc/channel-dispatch';
import type { OperationEvent } from '../../src-preload/contract';
import { connectWithEarly, type EarlyConnection } from '../smtp/early-connection';
import { createSmtpTester, type SmtpTestDeps } from '../smtp/lending-test';
import { readCommandSettings, type SettingsSnapshot } from '../store/settings-snapshot';
import { loadKeytar } from '../vault/keytar';
import { createVault } from '../vault/vault';
import { cliLogger } from './cli-logger';
import type { CliIo } from './io';

export interface SmtpDispatcherOptions {
  /** The connection cli/smtp-services.ts opened for this test, if it could. */
  readonly early?: EarlyConnection | undefined;
  readonly onEvent?: ((event: OperationEvent) => void) | undefined;
}

export async function createSmtpDispatcher(io: CliIo, { early, onEvent }: SmtpDispatcherOptions = {}): Promise<Dispatcher> {
  const dataDirectory = defaultDataDirectory(io.env);
  const logger = cliLogger(dataDirectory);
  const store = await readCommandSettings(dataDirectory, logger);
  // A typed secret only: the vault is never asked (no saved address is tested from here).
  const vault = createVault({ loadBackend: loadKeytar, logger });
  const resourcesDir = findResourcesDir();
  let repliesLoad: Promise<LoadCatalogueResult> | undefined;
  const replies = () => (repliesLoad ??= loadReplyCatalogue(resourcesDir, oneShotFiles));
  const smtp = createSmtpTester({ store: readOnly(store), vault, clock: () => new Date(), replies, ...(early !== undefined ? { connect: connectWithEarly(early), startedAt: early.startedAt } : {}) });
  const validateOutput = process.env.NODE_ENV !== 'production';
  return createChannelDispatcher({ handlers: smtpHandlers({ store, smtp }), contract: smtpChannels, logger, validateOutput, parseOnce: true, ...(onEvent ? { onEvent } : {}) });
}

/**
 * The catalogue's few small files read at once: through fs/promises each file is an open,
 * a stat, reads and a close, every one a round trip through the thread pool, about 5 ms of
 * this one-shot command's CPU for eight files. The same errors reach the loader.
 */
const oneShotFiles: CatalogueIo = {
  readFile: async (path) => readFileSync(path, 'utf8'),
  listFiles: async (directory) => readdirSync(directory),
};

/**
 * The tester's store for these commands: they test typed secrets only and never name a
 * saved address (no `addressId` in what smtp-commands.ts sends), so nothing is recorded.
 */
function readOnly(store: SettingsSnapshot): SmtpTestDeps['store'] {
  const refused = (): never => {
    throw new Error('relayproof smtp test and smtp probe record nothing on a saved address.');
  };
  return { settings: () => store.settings(), getAddress: (id) => store.getAddress(id), setAddressStatus: refused, recordEvent: refused };
}

/**
 * Composition root: builds every service with its real dependencies. Electron
 * (`index.ts`), the browser-mode bridge and the CLI all start here; tests call it with
 * a temporary data directory and, where they need to, another keychain backend.
 */
import { join } from 'node:path';
import {
  STORE_CHANGES_CHANNEL,
  STORE_CHANGES_OPERATION_ID,
  VERIFICATION_CHANGES_CHANNEL,
  VERIFICATION_CHANGES_OPERATION_ID,
  type AppInfo,
  type OperationEvent,
  type StoreChange,
} from '../src-preload/contract';
import { createLogger, type Logger } from './log/logger';
import { createDispatcher, type Dispatcher, type Handlers } from './rpc/dispatch';
import { createHandlers } from './rpc/handlers';
import { confEngine } from './store/conf-engine';
import type { DocumentEngineFactory } from './store/document-engine';
import { openStore, type AppStore } from './store/store';
import { loadKeytar } from './vault/keytar';
import { createVault, type KeychainBackend, type Vault } from './vault/vault';
import { findResourcesDir } from './app/resources-dir';
import { APP_VERSION } from './app/version';
import { createSecretClipboard, nodeClipboard, type ClipboardBackend, type SecretClipboard, type SecretClipboardOptions } from './app/clipboard';
import { loadPlatforms, type LoadPlatformsResult } from './providers/platforms';
import { loadProviders, type LoadProvidersResult } from './providers/providers';
import { loadReplyCatalogue, type LoadCatalogueResult } from './analyze/reply-catalogue';
import { loadM365Service, type LoadM365ServiceResult, type M365ServiceDeps } from './m365/service';
import { createAddressTokens, type AddressTokens } from './m365/address-tokens';
import { openAppRegistrations } from './m365/app-registrations';
import { createM365OAuthService } from './m365/oauth-service';
import { createSettingsService } from './store/settings-service';
import { createBackgroundToken } from './m365/background-token';
import { createSmtpTester } from './smtp/lending-test';
import { createAddressService } from './addresses/address-service';
import { createSesIdentityService } from './addresses/ses-identity-service';
import { resolverFromSpecs } from './dns/resolver';
import { dnsServersOr } from './rpc/dns-servers';
import { openVerificationStore, type VerificationStore } from './verification/status-store';
import { createVerificationService, type VerificationService, type VerificationServiceDeps } from './verification/verification-service';
import { createReportsService, type ReportsService } from './reports/reports-service';
import { reverseName } from './dns/names';

export type AppMode = AppInfo['mode'];

export interface ServicesOptions {
  readonly dataDirectory: string;
  readonly mode: AppMode;
  readonly logger?: Logger;
  /** Called after each write of a stored document, with its path (benchmarks count them). */
  readonly onDocumentWrite?: (path: string) => void;
  /** Reads and writes the settings and verification history once checked: conf by default, electron-store in Electron (index.ts). */
  readonly documentEngine?: DocumentEngineFactory;
  readonly keychain?: () => Promise<KeychainBackend>;
  readonly clock?: () => Date;
  /** Validate every handler output against the contract (development and tests). */
  readonly validateOutput?: boolean;
  /** resources/ (platform, provider and reply data); found next to the code by default. */
  readonly resourcesDir?: string;
  /** The system clipboard: Electron's in the app (index.ts), else clipboardy (browser mode, CLI). */
  readonly clipboard?: ClipboardBackend;
  /** When and how the copied secret is cleared (tests inject a short delay). */
  readonly clipboardClear?: Pick<SecretClipboardOptions, 'clearAfterMs' | 'setTimer'>;
  /** OAuth I/O of the Microsoft 365 guide: another authority (tests: a loopback endpoint), extra CAs. */
  readonly m365OAuth?: M365ServiceDeps['oauth'];
  /** Verification I/O: CAs trusted for IMAP, search and re-check backoff, DNS timeouts, timers (tests). */
  readonly verification?: Pick<VerificationServiceDeps, 'imapCa' | 'imapBackoffMs' | 'resolverOptions' | 'schedulerTimers' | 'schedulerBackoffMs' | 'manualRecheckGapMs' | 'hostLimiter' | 'fleetStatusBatch'>;
}

export interface Services {
  readonly mode: AppMode;
  readonly dataDirectory: string;
  readonly store: AppStore;
  readonly vault: Vault;
  readonly logger: Logger;
  readonly handlers: Handlers;
  readonly resourcesDir: string;
  /** Platform data, read and validated once. */
  platforms(): Promise<LoadPlatformsResult>;
  /** Mail-provider presets, read and validated once. */
  providers(): Promise<LoadProvidersResult>;
  /** The reply/diagnosis catalogue, read and validated once. */
  replies(): Promise<LoadCatalogueResult>;
  /** The Microsoft 365 guide (resources/m365.json + the reply catalogue), loaded once. */
  m365(): Promise<LoadM365ServiceResult>;
  /**
   * Verification status and runs. Its background re-checks start only with
   * `verification.startScheduler()` (browser mode and Electron), never in a one-shot CLI command.
   */
  readonly verification: VerificationService;
  /** verification.json (status and bounded history). */
  readonly verificationStore: VerificationStore;
  /** DMARC aggregate and TLS-RPT reports: files handed in and the address's mailbox read on demand. */
  readonly reports: ReportsService;
  /** OAuth 2.0 access tokens held in memory per address (never persisted). */
  readonly m365Tokens: AddressTokens;
  /** The secret clipboard: on shutdown, `clearPending()` clears a secret copied less than 30 s ago. */
  readonly clipboard: SecretClipboard;
  createDispatcher(onEvent?: (event: OperationEvent) => void): Dispatcher;
}

export function createServices(options: ServicesOptions): Services {
  const logger = options.logger ?? createLogger({ file: join(options.dataDirectory, 'logs', 'relayproof.log') });
  const onWrite = options.onDocumentWrite === undefined ? {} : { onWrite: options.onDocumentWrite };
  const engine = options.documentEngine ?? confEngine;
  const store = openStore({
    directory: options.dataDirectory,
    engine,
    ...(options.clock ? { clock: options.clock } : {}),
    ...onWrite,
  });
  for (const notice of store.notices()) logger.warn('settings file problem', { kind: notice.kind, backup: notice.backupPath });
  const vault = createVault({ loadBackend: options.keychain ?? loadKeytar, logger });
  const clock = options.clock ?? (() => new Date());
  // Cancellation needs the dispatchers, and a dispatcher needs the handlers: the
  // handlers reach every dispatcher made from these services (IPC, bridge) through
  // this late-filled set.
  const dispatchers = new Set<Dispatcher>();
  const resourcesDir = options.resourcesDir ?? findResourcesDir();
  let platformsLoad: Promise<LoadPlatformsResult> | undefined;
  const platforms = () => (platformsLoad ??= loadPlatforms(resourcesDir));
  let providersLoad: Promise<LoadProvidersResult> | undefined;
  const providers = () => (providersLoad ??= loadProviders(resourcesDir));
  let repliesLoad: Promise<LoadCatalogueResult> | undefined;
  const replies = () => (repliesLoad ??= loadReplyCatalogue(resourcesDir));
  let m365Load: Promise<LoadM365ServiceResult> | undefined;
  const m365 = () =>
    (m365Load ??= replies().then((loaded): Promise<LoadM365ServiceResult> | LoadM365ServiceResult =>
      loaded.ok ? loadM365Service(resourcesDir, { catalogue: loaded.catalogue, clock, ...(options.m365OAuth !== undefined ? { oauth: options.m365OAuth } : {}) }) : { ok: false, problems: loaded.problems },
    ));
  const clipboardBackend = options.clipboard ?? nodeClipboard();
  const clipboard = createSecretClipboard({
    backend: () => clipboardBackend,
    ...options.clipboardClear,
    onClear: ({ cleared, error }) =>
      error === undefined ? logger.info('clipboard clear after copying a secret', { cleared }) : logger.warn('clipboard could not be cleared after copying a secret', { error }),
  });
  const verificationStore = openVerificationStore({
    directory: options.dataDirectory,
    engine,
    ...(options.clock ? { clock: options.clock } : {}),
    ...onWrite,
  });
  for (const notice of verificationStore.notices()) logger.warn('verification history problem', { kind: notice.kind, backup: notice.backupPath });
  const m365Tokens = createAddressTokens(clock);
  const reports = createReportsService({
    store,
    vault,
    statusStore: verificationStore,
    clock,
    reverseName: async (ip, signal) => {
      const made = resolverFromSpecs(dnsServersOr(store, []));
      if ('errors' in made) return null;
      const lookup = await made.resolver.lookup(reverseName(ip), 'PTR', signal === undefined ? {} : { signal });
      return lookup.records.flatMap((r) => (r.type === 'PTR' ? [r.target] : []))[0] ?? null;
    },
    ...(options.verification?.imapCa !== undefined ? { imapCa: options.verification.imapCa } : {}),
  });
  const m365Apps = openAppRegistrations({
    directory: options.dataDirectory,
    clock,
    // Shown with the settings notices (About, doctor) until dismissed.
    onNotice: (notice) => {
      logger.warn('microsoft 365 registrations file problem', { kind: notice.kind, backup: notice.backupPath });
      store.addNotice(notice);
    },
    ...onWrite,
  });
  // One connection-test path for the smtp channels, rotation and the verification runs.
  const smtp = createSmtpTester({ store, vault, clock, replies, platforms, heldToken: (addressId) => m365Tokens.held(addressId) });
  const addresses = createAddressService({ store, vault, smtp, clock, platforms, m365Tokens, m365Apps, clipboard });
  const sesIdentities = createSesIdentityService({
    store,
    clock,
    platforms,
    resolverFor: (dnsServers) => resolverFromSpecs(dnsServersOr(store, dnsServers)),
  });
  const m365OAuth = createM365OAuthService({ store, vault, clock, m365, tokens: m365Tokens, apps: m365Apps });
  const settings = createSettingsService({ store, clock });
  const verification = createVerificationService({
    store,
    vault,
    heldToken: (addressId) => m365Tokens.token(addressId),
    // Background re-checks of an OAuth 2.0 address get a fresh app-only token when none is held.
    ensureOAuthToken: createBackgroundToken({ tokens: m365Tokens, apps: m365Apps, vault, m365, clock }),
    statusStore: verificationStore,
    dmarcReportNumbers: (addressId) => reports.numbersFor(addressId),
    platforms,
    providers,
    smtpTest: smtp.run,
    logger,
    appVersion: APP_VERSION,
    clock,
    ...options.verification,
  });
  const handlers = createHandlers({
    addresses,
    sesIdentities,
    smtp,
    verification,
    verificationStore,
    reports,
    clipboard,
    platforms,
    providers,
    replies,
    m365,
    m365OAuth,
    m365Tokens,
    m365Apps,
    settings,
    store,
    vault,
    clock,
    info: { mode: options.mode, version: APP_VERSION, dataDirectory: options.dataDirectory },
    cancel: (operationId) => [...dispatchers].some((d) => d.cancel(operationId)),
  });
  const validateOutput = options.validateOutput ?? process.env.NODE_ENV !== 'production';
  return {
    mode: options.mode,
    dataDirectory: options.dataDirectory,
    store,
    vault,
    logger,
    handlers,
    resourcesDir,
    platforms,
    providers,
    replies,
    m365,
    verification,
    verificationStore,
    reports,
    m365Tokens,
    clipboard,
    createDispatcher(onEvent) {
      const dispatcher = createDispatcher({ handlers, logger, validateOutput, ...(onEvent ? { onEvent } : {}) });
      dispatchers.add(dispatcher);
      if (onEvent) {
        // Changes found by any run (background re-checks above all) reach every renderer as
        // one event stream, shown as toasts (src-preload/contract/verification.ts).
        let seq = 0;
        verification.onChange((change) => onEvent({ operationId: VERIFICATION_CHANGES_OPERATION_ID, channel: VERIFICATION_CHANGES_CHANNEL, seq: seq++, event: change }));
        // The app, `serve` and CLI commands share the data folder: when another process
        // changes a stored document, the renderers refetch what they show from it. The
        // watches live as long as the process, as the dispatcher does.
        let storeSeq = 0;
        const changed = (document: StoreChange['document'], addressIds: readonly string[] = []) => {
          const event: StoreChange = { document, addressIds: [...addressIds], at: clock().toISOString() };
          try {
            onEvent({ operationId: STORE_CHANGES_OPERATION_ID, channel: STORE_CHANGES_CHANNEL, seq: storeSeq++, event });
          } catch (error) {
            logger.warn('store change could not be pushed', { document, error: error instanceof Error ? error.message : String(error) });
          }
        };
        store.watch(() => changed('settings'));
        verificationStore.watch((addressIds) => changed('verification', addressIds));
        m365Apps.watch(() => changed('m365-apps'));
      }
      return dispatcher;
    },
  };
}

/**
 * One handler per contract channel, over the services, in one file per capability as the
 * contract declares them (app, addresses, vault, providers, smtp, analyze, checks, m365,
 * verification). Handlers return Results; the dispatcher has already validated their
 * input against the contract.
 */
import type { AppInfo } from '../../src-preload/contract';
import type { AddressService } from '../addresses/address-service';
import type { SesIdentityService } from '../addresses/ses-identity-service';
import type { SmtpTester } from '../smtp/lending-test';
import type { LoadCatalogueResult } from '../analyze/reply-catalogue';
import type { JsonResource } from '../app/json-resource';
import type { BlocklistFile } from '../../src-preload/contract/blocklist-schemas';
import type { SecretClipboard } from '../app/clipboard';
import type { AddressTokens } from '../m365/address-tokens';
import type { AppRegistrations } from '../m365/app-registrations';
import type { M365OAuthService } from '../m365/oauth-service';
import type { LoadM365ServiceResult } from '../m365/service';
import type { LoadPlatformsResult } from '../providers/platforms';
import type { LoadProvidersResult } from '../providers/providers';
import type { SettingsService } from '../store/settings-service';
import type { AppStore } from '../store/store';
import type { Vault } from '../vault/vault';
import type { VerificationStore } from '../verification/status-store';
import type { VerificationService } from '../verification/verification-service';
import type { ReportsService } from '../reports/reports-service';
import { addressHandlers } from './address-handlers';
import { analyzeHandlers } from './analyze-handlers';
import { appHandlers } from './app-handlers';
import { checksHandlers } from './checks-handlers';
import type { Handlers } from './dispatch';
import { m365Handlers } from './m365-handlers';
import { providerHandlers } from './provider-handlers';
import { sesIdentityHandlers } from './ses-identity-handlers';
import { smtpHandlers } from './smtp-handlers';
import { vaultHandlers } from './vault-handlers';
import { verificationHandlers } from './verification-handlers';
import { reportsHandlers } from './reports-handlers';

export interface HandlerDeps {
  /** The address lifecycle and the SMTP secret of each address. */
  readonly addresses: AddressService;
  /** Zuora advanced SMTP (Amazon SES) identities: no secret, no SMTP. */
  readonly sesIdentities: SesIdentityService;
  /** The app's connection-test path (settings fill-ins, pins, lending a stored secret). */
  readonly smtp: SmtpTester;
  /** Verification status, runs and the background re-checks. */
  readonly verification: VerificationService;
  /** verification.json: its notices join the settings file's. */
  readonly verificationStore: VerificationStore;
  /** DMARC aggregate and TLS-RPT reports read from the address's mailbox on demand. */
  readonly reports: ReportsService;
  readonly store: AppStore;
  readonly vault: Vault;
  readonly clock: () => Date;
  readonly info: Pick<AppInfo, 'mode' | 'version' | 'dataDirectory'>;
  readonly cancel: (operationId: string) => boolean;
  /** Platform data from resources/platforms (loaded once, on first use). */
  readonly platforms: () => Promise<LoadPlatformsResult>;
  /** Mail-provider presets from resources/providers (loaded once, on first use). */
  readonly providers: () => Promise<LoadProvidersResult>;
  /** The DNS blocklists of resources/blocklists.json (loaded once; read from the resources folder when not given). */
  readonly blocklists?: () => Promise<JsonResource<BlocklistFile>>;
  /** The reply/diagnosis catalogue from resources/replies (loaded once). */
  readonly replies: () => Promise<LoadCatalogueResult>;
  /** The Microsoft 365 guide from resources/m365.json (loaded once). */
  readonly m365: () => Promise<LoadM365ServiceResult>;
  /** The Microsoft 365 guide and OAuth 2.0 path of each address (keychain lending, held tokens, the app registration). */
  readonly m365OAuth: M365OAuthService;
  /** Settings, with the times kept about them stamped on every edit. */
  readonly settings: SettingsService;
  /** Copies a secret to the system clipboard inside main and clears it later. */
  readonly clipboard: SecretClipboard;
  /** OAuth 2.0 access tokens acquired for saved addresses, in memory only. */
  readonly m365Tokens: AddressTokens;
  /** Tenant and client id of each address's OAuth 2.0 app (non-secret), for background tokens. */
  readonly m365Apps?: AppRegistrations;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  return {
    ...appHandlers(deps),
    ...addressHandlers(deps),
    ...vaultHandlers(deps),
    ...providerHandlers(deps),
    ...smtpHandlers(deps),
    ...analyzeHandlers(deps),
    ...checksHandlers(deps),
    ...m365Handlers(deps),
    ...verificationHandlers(deps),
    ...reportsHandlers(deps),
    ...sesIdentityHandlers(deps),
  };
}

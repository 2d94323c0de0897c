/**
 * Microsoft 365 for a saved address, as a service: the readiness guide over the M365
 * service built from resources/m365.json, and the OAuth 2.0 path. The client secret lives
 * in the vault (purpose `oauth-client`) and is lent to msal inside main; the token is held
 * in memory for the address (`tokens`) and what goes back is its explanation, never the
 * token. A certificate credential's private key lives in the vault (purpose
 * `oauth-certificate`) (checked with node:crypto before it is saved); its thumbprint and
 * certificate are public and saved with the app registration (`apps`). The m365 channels
 * (rpc/m365-handlers.ts) only adapt to it; every method returns a Result.
 */
import { fail, ok, type Address, type ChannelOutput, type ParsedInput, type Result } from '../../src-preload/contract';
import type { AppCredentialUsed } from '../../src-preload/contract/m365';
import type { DeviceCodePrompt, TokenOutcome } from '../../src-preload/contract/m365-schemas';
import { unreadableResource } from '../app/json-resource';
import type { AppStore } from '../store/store';
import { bind } from '../vault/lending-binding';
import type { Vault } from '../vault/vault';
import type { AddressTokens } from './address-tokens';
import type { AppRegistrations } from './app-registrations';
import { certificateCredential, checkClientCertificate } from './client-certificate';
import type { TokenAcquisition } from './oauth';
import { retirementStatus } from './retirement';
import type { LoadM365ServiceResult, M365Service } from './service';
import { TokenHolderFullError } from './token-holder';

export interface M365OAuthServiceDeps {
  readonly store: AppStore;
  readonly vault: Vault;
  readonly clock: () => Date;
  /** The Microsoft 365 guide from resources/m365.json (loaded once). */
  readonly m365: () => Promise<LoadM365ServiceResult>;
  /** OAuth 2.0 access tokens acquired for saved addresses, in memory only. */
  readonly tokens: AddressTokens;
  /** Tenant and client id of each address's OAuth 2.0 app (non-secret), for background tokens. */
  readonly apps?: AppRegistrations | undefined;
}

export interface M365OAuthService {
  checklist(input: ParsedInput<'m365:get-checklist'>): Promise<Result<ChannelOutput<'m365:get-checklist'>>>;
  script(input: ParsedInput<'m365:generate-script'>): Promise<Result<ChannelOutput<'m365:generate-script'>>>;
  facts(): Promise<Result<ChannelOutput<'m365:get-facts'>>>;
  explainToken(input: ParsedInput<'m365:explain-token'>): Promise<Result<ChannelOutput<'m365:explain-token'>>>;
  /** Saves the client secret; tokens got with it are bound to the SMTP server as Settings describe it now. */
  setClientSecret(addressId: string, secret: string): Promise<Result<ChannelOutput<'m365:set-client-secret'>>>;
  /** Checks and saves a certificate credential: its private key in the keychain, thumbprint and certificate with the registration. */
  setClientCertificate(input: ParsedInput<'m365:set-client-certificate'>): Promise<Result<ChannelOutput<'m365:set-client-certificate'>>>;
  oauthState(addressId: string): Promise<Result<ChannelOutput<'m365:get-oauth-state'>>>;
  /** App-only: with the secret given, else the saved certificate, else the saved client secret; the token is kept, never returned. */
  acquireAppToken(input: ParsedInput<'m365:acquire-app-token'>, options: { readonly signal: AbortSignal }): Promise<Result<ChannelOutput<'m365:acquire-app-token'>>>;
  acquireDelegatedToken(
    input: ParsedInput<'m365:acquire-delegated-token'>,
    options: { readonly signal: AbortSignal; readonly onPrompt: (prompt: DeviceCodePrompt) => void },
  ): Promise<Result<ChannelOutput<'m365:acquire-delegated-token'>>>;
  forgetToken(addressId: string): Result<{ forgotten: boolean }>;
}

export function createM365OAuthService(deps: M365OAuthServiceDeps): M365OAuthService {
  const { store, vault, clock, tokens } = deps;

  function addressOr(addressId: string): Result<Address> {
    const address = store.getAddress(addressId);
    return address === undefined
      ? fail('not-found', `No address with id ${addressId} is configured. It may have been removed in another window.`, { hint: 'Choose the address again from the list.' })
      : ok(address);
  }

  async function service(): Promise<Result<M365Service>> {
    const loaded = await deps.m365();
    return loaded.ok ? ok(loaded.service) : unreadableResource('m365', loaded.problems);
  }

  /** Keeps an acquired token for the address (an expired one is not kept) and returns what may be shown. */
  function keep(addressId: string, tenantId: string, clientId: string, acquisition: TokenAcquisition): Result<TokenOutcome> {
    const { accessToken, outcome } = acquisition;
    if (accessToken !== null && outcome.status === 'acquired') {
      // The token's own `exp` wins over msal's expires_in: that is what Exchange Online checks.
      const expiresAt = outcome.explanation.expiresAt ?? outcome.expiresOn;
      if (expiresAt === null || Date.parse(expiresAt) > clock().getTime()) {
        try {
          tokens.hold(addressId, accessToken, { flow: outcome.flow, expiresAt, tenantId: outcome.explanation.tenantId ?? tenantId, clientId });
          // App-only: remember the (non-secret) registration, so re-checks can get a fresh token on their own.
          if (outcome.flow === 'client-credentials') deps.apps?.set(addressId, { tenantId, clientId });
        } catch (error) {
          if (error instanceof TokenHolderFullError) return fail('conflict', 'The token was acquired but not kept.', { hint: error.message });
          throw error;
        }
      } else {
        tokens.forget(addressId);
      }
    }
    return ok(outcome);
  }

  return {
    async checklist(input) {
      const guide = await service();
      return guide.ok ? guide.value.checklist(input) : guide;
    },

    async script(input) {
      const guide = await service();
      return guide.ok ? guide.value.script(input) : guide;
    },

    async facts() {
      const guide = await service();
      if (!guide.ok) return guide;
      const { facts } = guide.value;
      return ok({ facts, retirement: retirementStatus(facts, clock().toISOString().slice(0, 10)) });
    },

    async explainToken(input) {
      const guide = await service();
      return guide.ok ? guide.value.explainToken(input) : guide;
    },

    async setClientSecret(addressId, secret) {
      const address = addressOr(addressId);
      if (!address.ok) return address;
      const saved = await vault.set(addressId, 'oauth-client', secret);
      if (!saved.ok) return saved;
      const changedAt = clock().toISOString();
      // Tokens got with this credential go to the SMTP server as Settings describe it now.
      // Not while a certificate is saved: tokens are then got with the certificate's key,
      // which this call did not replace (and whose holder it did not prove to be).
      if ((deps.apps?.getCertificate(addressId) ?? null) === null) bind(store, addressId, 'oauth', changedAt);
      return ok({ stored: true as const, changedAt });
    },

    async setClientCertificate({ addressId, thumbprint, privateKeyPem, certificatePem }) {
      const address = addressOr(addressId);
      if (!address.ok) return address;
      const apps = deps.apps;
      if (apps === undefined) return fail('internal', 'Relayproof cannot save app registrations in this mode.', { hint: 'Use the desktop app or `relayproof serve`.' });
      const checked = checkClientCertificate({ thumbprint, privateKeyPem, certificatePem });
      if (!checked.ok) return checked;
      const saved = await vault.set(addressId, 'oauth-certificate', checked.value.keychainForm);
      if (!saved.ok) return saved;
      apps.setCertificate(addressId, { thumbprint: checked.value.thumbprint, certificatePem: checked.value.certificatePem });
      const changedAt = clock().toISOString();
      bind(store, addressId, 'oauth', changedAt);
      return ok({ stored: true as const, thumbprint: checked.value.thumbprint, changedAt });
    },

    async oauthState(addressId) {
      const address = addressOr(addressId);
      if (!address.ok) return address;
      const has = await vault.has(addressId, 'oauth-client');
      const saved = deps.apps?.get(addressId) ?? null;
      const registration = saved === null ? null : { tenantId: saved.tenantId, clientId: saved.clientId, savedAt: saved.savedAt };
      const savedCertificate = deps.apps?.getCertificate(addressId) ?? null;
      let certificate = null;
      if (savedCertificate !== null) {
        const key = await vault.has(addressId, 'oauth-certificate');
        certificate = { thumbprint: savedCertificate.thumbprint, certificateSaved: savedCertificate.certificatePem !== null, keyStored: key.ok ? key.value : null, savedAt: savedCertificate.savedAt };
      }
      return ok({ clientSecretStored: has.ok ? has.value : null, token: tokens.info(addressId), registration, certificate });
    },

    async acquireAppToken({ addressId, tenantId, clientId, clientSecret }, { signal }) {
      const address = addressOr(addressId);
      if (!address.ok) return address;
      const m365 = await service();
      if (!m365.ok) return m365;
      const acquire = (secret: string) => m365.value.acquireAppToken({ tenant: tenantId, clientId, credential: { kind: 'secret', clientSecret: secret } }, { signal });
      let acquired: Result<TokenAcquisition>;
      let credential: AppCredentialUsed;
      const certificate = clientSecret === undefined ? (deps.apps?.getCertificate(addressId) ?? null) : null;
      if (clientSecret !== undefined) {
        credential = 'client-secret';
        acquired = await acquire(clientSecret);
      } else if (certificate !== null) {
        credential = 'certificate';
        const lent = await vault.withSecret(addressId, 'oauth-certificate', async (stored) => {
          const saved = certificateCredential(stored, certificate, address.value.address);
          return saved.ok ? m365.value.acquireAppToken({ tenant: tenantId, clientId, credential: saved.value }, { signal }) : saved;
        });
        if (!lent.ok) {
          return lent.error.code === 'not-found'
            ? fail('not-found', `The private key of the certificate saved for ${address.value.address} is not in the keychain.`, {
                hint: 'Save the certificate again (thumbprint and private key) on the OAuth 2.0 tab, or use a client secret for this request.',
              })
            : lent;
        }
        acquired = lent.value;
      } else {
        credential = 'saved-client-secret';
        const lent = await vault.withSecret(addressId, 'oauth-client', acquire);
        if (!lent.ok) {
          return lent.error.code === 'not-found'
            ? fail('not-found', `No client secret is saved for ${address.value.address}.`, {
                hint: 'Paste the client secret’s Value (shown once under Certificates & secrets in the app registration) and save it, or use it for this one request. Or save a certificate instead.',
              })
            : lent;
        }
        acquired = lent.value;
      }
      if (!acquired.ok) return acquired;
      const kept = keep(addressId, tenantId, clientId, acquired.value);
      return kept.ok ? ok({ ...kept.value, credential }) : kept;
    },

    async acquireDelegatedToken({ addressId, tenantId, clientId, timeoutSeconds }, { signal, onPrompt }) {
      const address = addressOr(addressId);
      if (!address.ok) return address;
      const m365 = await service();
      if (!m365.ok) return m365;
      const acquired = await m365.value.acquireDelegatedToken({ tenant: tenantId, clientId, ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}) }, { signal, onPrompt });
      return acquired.ok ? keep(addressId, tenantId, clientId, acquired.value) : acquired;
    },

    forgetToken(addressId) {
      return ok({ forgotten: tokens.forget(addressId) });
    },
  };
}

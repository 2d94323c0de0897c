/**
 * An access token for a saved OAuth 2.0 address when nobody is at the screen: the one
 * held in memory, else a fresh app-only token (client credentials) from the saved app
 * registration (tenant id, client id) and the client secret the keychain lends — held
 * for the address like one the OAuth tab acquired. The token never leaves main.
 * A saved certificate credential (key in the keychain) wins over a saved client secret,
 * as on the OAuth tab.
 */
import { fail, ok, type Result } from '../../src-preload/contract';
import type { Vault } from '../vault/vault';
import { certificateCredential } from './client-certificate';
import type { AddressTokens } from './address-tokens';
import type { AppRegistrations } from './app-registrations';
import type { LoadM365ServiceResult } from './service';
import { TokenHolderFullError } from './token-holder';
import { unreadableResource } from '../app/json-resource';

export interface BackgroundTokenDeps {
  readonly tokens: AddressTokens;
  readonly apps: AppRegistrations;
  readonly vault: Vault;
  readonly m365: () => Promise<LoadM365ServiceResult>;
  readonly clock: () => Date;
}

/** Makes sure a usable token is held for the address; says why not otherwise. */
export type EnsureAppToken = (
  address: { readonly id: string; readonly address: string; readonly lending?: { readonly oauth: { readonly at: string } | null } | undefined },
  signal: AbortSignal,
) => Promise<Result<{ readonly acquired: boolean }>>;

export function createBackgroundToken(deps: BackgroundTokenDeps): EnsureAppToken {
  return async (address, signal) => {
    // A token got before the app's credential was last saved is not lent (smtp/lending-test.ts): get a fresh one instead.
    const held = deps.tokens.held(address.id);
    const boundAt = address.lending?.oauth?.at ?? null;
    if (held !== null && (boundAt === null || Date.parse(held.heldAt) >= Date.parse(boundAt))) return ok({ acquired: false });
    const app = deps.apps.get(address.id);
    if (app === null) {
      return fail('not-found', `No OAuth 2.0 access token is held for ${address.address}, and no app registration is saved for it to get one.`, {
        hint: 'Get a token once on the OAuth 2.0 tab of the Microsoft 365 view (with the client secret saved): re-checks then get fresh tokens on their own.',
      });
    }
    const loaded = await deps.m365();
    if (!loaded.ok) return unreadableResource('m365', loaded.problems);
    const certificate = deps.apps.getCertificate(address.id);
    const lent =
      certificate !== null
        ? await deps.vault.withSecret(address.id, 'oauth-certificate', async (stored) => {
            const credential = certificateCredential(stored, certificate, address.address);
            return credential.ok ? loaded.service.acquireAppToken({ tenant: app.tenantId, clientId: app.clientId, credential: credential.value }, { signal }) : credential;
          })
        : await deps.vault.withSecret(address.id, 'oauth-client', (clientSecret) =>
            loaded.service.acquireAppToken({ tenant: app.tenantId, clientId: app.clientId, credential: { kind: 'secret', clientSecret } }, { signal }),
          );
    if (!lent.ok) {
      if (certificate !== null && lent.error.code === 'not-found') {
        return fail('not-found', `The private key of the certificate saved for ${address.address} is not in the keychain, so no fresh OAuth 2.0 token can be got for the re-check.`, {
          hint: 'Save the certificate again on the OAuth 2.0 tab of the Microsoft 365 view.',
        });
      }
      return lent.error.code === 'not-found'
        ? fail('not-found', `No client secret is saved for ${address.address}, so no fresh OAuth 2.0 token can be got for the re-check.`, {
            hint: 'Save the client secret on the OAuth 2.0 tab of the Microsoft 365 view.',
          })
        : lent;
    }
    const acquired = lent.value;
    if (!acquired.ok) return acquired;
    const { accessToken, outcome } = acquired.value;
    if (accessToken === null || outcome.status !== 'acquired') {
      const why = outcome.status === 'refused' ? `${outcome.failure.title}: ${outcome.failure.explanation}` : 'Microsoft Entra gave no token.';
      return fail('invalid-input', `Microsoft Entra did not give ${address.address} a token (tenant ${app.tenantId}, app ${app.clientId}). ${why}`, {
        hint: 'Open the OAuth 2.0 tab of the Microsoft 365 view and get a token there to see the details.',
      });
    }
    const expiresAt = outcome.explanation.expiresAt ?? outcome.expiresOn;
    if (expiresAt !== null && Date.parse(expiresAt) <= deps.clock().getTime()) {
      return fail('invalid-input', `Microsoft Entra gave ${address.address} a token that has already expired (${expiresAt}).`, { hint: "Check this computer's clock." });
    }
    try {
      deps.tokens.hold(address.id, accessToken, { flow: 'client-credentials', expiresAt, tenantId: outcome.explanation.tenantId ?? app.tenantId, clientId: app.clientId });
    } catch (error) {
      if (error instanceof TokenHolderFullError) return fail('conflict', 'A fresh OAuth 2.0 token was got but not kept.', { hint: error.message });
      throw error;
    }
    return ok({ acquired: true });
  };
}

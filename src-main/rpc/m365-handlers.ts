/**
 * Handlers of the Microsoft 365 channels (src-preload/contract/m365.ts): each adapts its
 * channel to the Microsoft 365 service (src-main/m365/oauth-service.ts), which owns the
 * readiness guide and the OAuth 2.0 path: lending the client secret or the certificate's
 * private key from the keychain, keeping the acquired token in memory, and saving the
 * app registration.
 */
import type { M365OAuthService } from '../m365/oauth-service';
import type { Handlers } from './dispatch';

type M365Channel =
  | 'm365:get-checklist'
  | 'm365:generate-script'
  | 'm365:get-facts'
  | 'm365:explain-token'
  | 'm365:set-client-secret'
  | 'm365:set-client-certificate'
  | 'm365:get-oauth-state'
  | 'm365:acquire-app-token'
  | 'm365:acquire-delegated-token'
  | 'm365:forget-token';

export function m365Handlers({ m365OAuth }: { readonly m365OAuth: M365OAuthService }): Pick<Handlers, M365Channel> {
  return {
    'm365:get-checklist': (input) => m365OAuth.checklist(input),
    'm365:generate-script': (input) => m365OAuth.script(input),
    'm365:get-facts': () => m365OAuth.facts(),
    'm365:explain-token': (input) => m365OAuth.explainToken(input),
    'm365:set-client-secret': ({ addressId, secret }) => m365OAuth.setClientSecret(addressId, secret),
    'm365:set-client-certificate': (input) => m365OAuth.setClientCertificate(input),
    'm365:get-oauth-state': ({ addressId }) => m365OAuth.oauthState(addressId),
    'm365:acquire-app-token': (input, ctx) => m365OAuth.acquireAppToken(input, { signal: ctx.signal }),
    'm365:acquire-delegated-token': (input, ctx) => m365OAuth.acquireDelegatedToken(input, { signal: ctx.signal, onPrompt: (prompt) => ctx.emit({ type: 'device-code', prompt }) }),
    'm365:forget-token': async ({ addressId }) => m365OAuth.forgetToken(addressId),
  };
}

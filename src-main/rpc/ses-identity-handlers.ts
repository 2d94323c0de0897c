/**
 * Handlers of the Zuora advanced SMTP (Amazon SES) identities (src-preload/contract/ses-identities.ts):
 * each adapts its channel to the identity service (src-main/addresses/ses-identity-service.ts).
 */
import type { SesIdentityService } from '../addresses/ses-identity-service';
import type { Handlers } from './dispatch';

type SesIdentityChannel =
  | 'ses-identities:list'
  | 'ses-identities:check-new'
  | 'ses-identities:create'
  | 'ses-identities:update'
  | 'ses-identities:delete'
  | 'ses-identities:record-verification'
  | 'ses-identities:check-dns';

export function sesIdentityHandlers({ sesIdentities }: { readonly sesIdentities: SesIdentityService }): Pick<Handlers, SesIdentityChannel> {
  return {
    'ses-identities:list': async () => sesIdentities.list(),
    'ses-identities:check-new': ({ fields, excludeId }) => sesIdentities.check(fields, excludeId),
    'ses-identities:create': ({ fields }) => sesIdentities.create(fields),
    'ses-identities:update': ({ id, patch }) => sesIdentities.update(id, patch),
    'ses-identities:delete': async ({ id }) => sesIdentities.remove(id),
    'ses-identities:record-verification': async ({ id, state, linkSentAt }) => sesIdentities.recordVerification(id, state, linkSentAt),
    'ses-identities:check-dns': ({ id, dnsServers }, ctx) => sesIdentities.checkDns(id, dnsServers, ctx.signal),
  };
}

/**
 * Handlers of the verification status (src-preload/contract/verification.ts), over the
 * verification service built in services.ts; the mailbox channels go to the address
 * service, which keeps a mailbox's password with the mailbox's server and account.
 */
import type { AddressService } from '../addresses/address-service';
import type { VerificationService } from '../verification/verification-service';
import type { Handlers } from './dispatch';

type VerificationChannel =
  | 'verification:status'
  | 'verification:recheck'
  | 'verification:recheck-all'
  | 'verification:send-email'
  | 'verification:verify-eml'
  | 'verification:history'
  | 'verification:reset'
  | 'verification:report'
  | 'verification:set-mailbox'
  | 'verification:set-forwarding-mailbox';

export interface VerificationHandlerDeps {
  readonly verification: VerificationService;
  /** The verification mailbox and the forwarding check mailbox are the address's, with their passwords. */
  readonly addresses: AddressService;
}

export function verificationHandlers(deps: VerificationHandlerDeps): Pick<Handlers, VerificationChannel> {
  const { verification, addresses } = deps;

  return {
    async 'verification:status'({ addressId }) {
      return verification.status(addressId);
    },

    async 'verification:recheck'({ addressId }, ctx) {
      return verification.recheck(addressId, 'manual', ctx);
    },

    async 'verification:recheck-all'({ addressIds, platform, perHost, concurrency }, ctx) {
      return verification.recheckAll({ addressIds, platform, perHost, concurrency }, ctx);
    },

    async 'verification:send-email'({ addressId, recipient, waitSeconds, from }, ctx) {
      return verification.sendEmail({ addressId, recipient, waitSeconds, trigger: from === 'wizard' ? 'wizard' : 'manual' }, ctx);
    },

    async 'verification:verify-eml'({ addressId, raw }) {
      return verification.verifyRaw(Buffer.from(raw, 'base64'), { addressId, trigger: 'manual' });
    },

    async 'verification:reset'({ addressId, itemIds }) {
      return verification.reset(addressId, itemIds);
    },

    async 'verification:history'({ addressId, limit }) {
      return verification.history(addressId, limit);
    },

    async 'verification:report'({ addressId, format }) {
      return verification.report(addressId, format);
    },

    async 'verification:set-mailbox'({ addressId, mailbox, secret }) {
      return addresses.setMailbox(addressId, 'mailbox', mailbox, secret);
    },

    async 'verification:set-forwarding-mailbox'({ addressId, mailbox, secret }) {
      return addresses.setMailbox(addressId, 'forwardingMailbox', mailbox, secret);
    },
  };
}

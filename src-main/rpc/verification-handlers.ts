/**
 * Handlers of the verification status (src-preload/contract/verification.ts), over the
 * verification service built in services.ts. The mailbox channel follows the
 * addresses:update rules for secrets: a password belongs to one server and account (the
 * verification mailbox and the forwarding check mailbox alike).
 */
import { fail, ok, type Address, type AddressView, type Result } from '../../src-preload/contract';
import type { AppStore } from '../store/store';
import type { ImapMailbox } from '../../src-preload/contract/verification-schemas';
import type { VerificationService } from '../verification/verification-service';
import { bind } from '../vault/lending-binding';
import type { Vault } from '../vault/vault';
import type { Handlers } from './dispatch';

type VerificationChannel =
  | 'verification:status'
  | 'verification:recheck'
  | 'verification:send-email'
  | 'verification:verify-eml'
  | 'verification:history'
  | 'verification:reset'
  | 'verification:report'
  | 'verification:set-mailbox'
  | 'verification:set-forwarding-mailbox';

export interface VerificationHandlerDeps {
  readonly store: AppStore;
  readonly vault: Vault;
  readonly clock: () => Date;
  readonly verification: VerificationService;
}

export function verificationHandlers(deps: VerificationHandlerDeps): Pick<Handlers, VerificationChannel> {
  const { store, vault, verification } = deps;

  async function view(address: Address): Promise<AddressView> {
    const has = await vault.has(address.id, 'smtp');
    return { ...address, secret: { stored: has.ok ? has.value : null, changedAt: address.secretChangedAt } };
  }

  function notFound(id: string): Result<never> {
    return fail('not-found', `No address with id ${id} is configured. It may have been removed in another window.`);
  }

  /** The verification mailbox or the forwarding check mailbox: the mailbox on the address, its password in the keychain. */
  async function setMailbox(field: 'mailbox' | 'forwardingMailbox', addressId: string, mailbox: ImapMailbox | null, secret: string | undefined) {
    const address = store.getAddress(addressId);
    if (address === undefined) return notFound(addressId);
    const purpose = field === 'mailbox' ? 'imap' : 'imap-forwarding';
    const what = field === 'mailbox' ? 'mailbox' : 'forwarding check mailbox';
    const before = address[field];
    const moved =
      before !== null &&
      (mailbox === null || before.host.toLowerCase() !== mailbox.host.toLowerCase() || before.port !== mailbox.port || before.security !== mailbox.security || before.username !== mailbox.username);
    if (secret !== undefined && mailbox !== null) {
      // The password first: if the keychain refuses it, nothing changed.
      const saved = await vault.set(addressId, purpose, secret);
      if (!saved.ok) return saved;
    } else if (moved || mailbox === null) {
      // Never let a stored password follow the mailbox to another server or account.
      const removed = await vault.delete(addressId, purpose);
      if (!removed.ok && before !== null) {
        return fail('keychain-unavailable', `The ${what} of ${address.address} was not changed: its saved password must be removed first, and the OS keychain cannot be reached right now.`, {
          ...(removed.error.hint !== undefined ? { hint: removed.error.hint } : {}),
        });
      }
    }
    let updated = store.updateAddress(addressId, field === 'mailbox' ? { mailbox } : { forwardingMailbox: mailbox });
    if (updated === undefined) return notFound(addressId);
    if (secret !== undefined && mailbox !== null) {
      // The password just saved is lent only to this mailbox's server and account.
      bind(store, addressId, purpose, deps.clock().toISOString());
      updated = store.getAddress(addressId) ?? updated;
    }
    const has = mailbox === null ? ok(false) : await vault.has(addressId, purpose);
    return ok({ address: await view(updated), mailboxSecret: { stored: has.ok ? has.value : null } });
  }

  return {
    async 'verification:status'({ addressId }) {
      return verification.status(addressId);
    },

    async 'verification:recheck'({ addressId }, ctx) {
      return verification.recheck(addressId, 'manual', ctx);
    },

    async 'verification:send-email'({ addressId, recipient, waitSeconds }, ctx) {
      return verification.sendEmail({ addressId, recipient, waitSeconds, trigger: 'manual' }, ctx);
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
      return setMailbox('mailbox', addressId, mailbox, secret);
    },

    async 'verification:set-forwarding-mailbox'({ addressId, mailbox, secret }) {
      return setMailbox('forwardingMailbox', addressId, mailbox, secret);
    },
  };
}

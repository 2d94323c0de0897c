/**
 * Handlers of the vault's channels (src-preload/contract/vault.ts): save, test for and
 * delete the SMTP secret of an address, and copy it to the clipboard inside main. None
 * returns the secret.
 */
import { fail, ok, type Result } from '../../src-preload/contract';
import { eventFor, serverOf } from '../addresses/lifecycle';
import { notFoundAddress } from '../addresses/not-found';
import { ClipboardUnavailableError } from '../app/clipboard';
import { bind } from '../vault/lending-binding';
import type { Handlers } from './dispatch';
import type { HandlerDeps } from './handlers';

type VaultChannel = 'vault:set-secret' | 'vault:has-secret' | 'vault:delete-secret' | 'vault:copy-secret-to-clipboard';

export function vaultHandlers(deps: HandlerDeps): Pick<Handlers, VaultChannel> {
  const { store, vault, clock } = deps;

  return {
    async 'vault:set-secret'({ addressId, secret }) {
      const before = store.getAddress(addressId);
      if (before === undefined) return notFoundAddress(addressId);
      const previous = before.secretChangedAt;
      const saved = await vault.set(addressId, 'smtp', secret);
      if (!saved.ok) return saved;
      const changedAt = clock().toISOString();
      // A new secret is bound to the connection as Settings describe it now (the old one is gone).
      bind(store, addressId, 'smtp', changedAt);
      const address = store.setSecretChangedAt(addressId, changedAt) ?? store.getAddress(addressId);
      if (address !== undefined) {
        // History, never the secret: what was saved, for which server, and whether it replaced one.
        const replaced = previous !== null;
        store.recordEvent(
          eventFor(address, 'secret-saved', `${replaced ? 'Replaced its stored secret' : 'Saved its secret'} for ${serverOf(address)} in the OS keychain (without a rotation test).`),
        );
      }
      return ok({ stored: true, changedAt });
    },

    async 'vault:has-secret'({ addressId }) {
      const address = store.getAddress(addressId);
      if (address === undefined) return notFoundAddress(addressId);
      const has = await vault.has(addressId, 'smtp');
      return ok({ stored: has.ok ? has.value : null, changedAt: address.secretChangedAt });
    },

    async 'vault:delete-secret'({ addressId }) {
      if (store.getAddress(addressId) === undefined) return notFoundAddress(addressId);
      const removed = await vault.delete(addressId, 'smtp');
      if (!removed.ok) return removed;
      store.setSecretChangedAt(addressId, null);
      return ok({ deleted: removed.value });
    },

    async 'vault:copy-secret-to-clipboard'({ addressId }) {
      const address = store.getAddress(addressId);
      if (address === undefined) return notFoundAddress(addressId);
      const lent = await vault.withSecret(addressId, 'smtp', async (secret): Promise<Result<{ copied: true; clearsAfterSeconds: number }>> => {
        try {
          const { clearsAfterSeconds } = await deps.clipboard.copy(secret);
          return ok({ copied: true, clearsAfterSeconds });
        } catch (error) {
          if (!(error instanceof ClipboardUnavailableError)) throw error;
          return fail('internal', error.message, { hint: 'Copy the secret from where you keep it (your password manager); Relayproof copies only inside a desktop session (X11 or Wayland on Linux).' });
        }
      });
      return lent.ok ? lent.value : lent;
    },
  };
}

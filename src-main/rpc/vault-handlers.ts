/**
 * Handlers of the vault's channels (src-preload/contract/vault.ts): save, test for and
 * delete the SMTP secret of an address, and copy it to the clipboard inside main, through
 * the address service (src-main/addresses/address-service.ts). None returns the secret.
 */
import type { AddressService } from '../addresses/address-service';
import type { Handlers } from './dispatch';

type VaultChannel = 'vault:set-secret' | 'vault:has-secret' | 'vault:delete-secret' | 'vault:copy-secret-to-clipboard';

export function vaultHandlers({ addresses }: { readonly addresses: AddressService }): Pick<Handlers, VaultChannel> {
  return {
    'vault:set-secret': ({ addressId, secret }) => addresses.setSecret(addressId, secret),
    'vault:has-secret': ({ addressId }) => addresses.hasSecret(addressId),
    'vault:delete-secret': ({ addressId }) => addresses.deleteSecret(addressId),
    'vault:copy-secret-to-clipboard': ({ addressId }) => addresses.copySecretToClipboard(addressId),
  };
}

/**
 * The access token acquired for each saved address, in the main process's memory only
 * (a TokenHolder underneath): the OAuth tab puts one here, the connection test of that
 * address borrows it for SMTP AUTH XOAUTH2. One token per address; a new one replaces
 * the old; an expired one is gone. What leaves this module is `info` — never the token.
 */
import { createTokenHolder, type TokenHolder } from './token-holder';

export interface HeldTokenInfo {
  readonly flow: 'client-credentials' | 'device-code';
  readonly expiresAt: string;
  readonly tenantId: string;
  readonly clientId: string;
}

export interface AddressTokens {
  hold(addressId: string, token: string, info: Omit<HeldTokenInfo, 'expiresAt'> & { readonly expiresAt: string | null }): HeldTokenInfo;
  /** The token for the connection test (main only), or null when none is held or it expired. */
  token(addressId: string): string | null;
  /**
   * The token with the time it was put here (main only). The connection test lends a
   * token only when it was got after the address's OAuth binding was last made: a token
   * got before the app's credential was replaced proves nothing about the new binding.
   */
  held(addressId: string): { readonly token: string; readonly heldAt: string } | null;
  info(addressId: string): HeldTokenInfo | null;
  forget(addressId: string): boolean;
  clear(): void;
}

const DEFAULT_LIFETIME_MS = 60 * 60 * 1000;

export function createAddressTokens(clock: () => Date = () => new Date(), holder: TokenHolder = createTokenHolder(clock)): AddressTokens {
  const byAddress = new Map<string, { readonly holderId: string; readonly info: HeldTokenInfo; readonly heldAt: string }>();
  const live = (addressId: string) => {
    const entry = byAddress.get(addressId);
    if (entry === undefined) return null;
    if (holder.get(entry.holderId) === null) {
      byAddress.delete(addressId);
      return null;
    }
    return entry;
  };
  return {
    hold(addressId, token, info) {
      const previous = byAddress.get(addressId);
      if (previous !== undefined) holder.delete(previous.holderId);
      const expiresAt = info.expiresAt ?? new Date(clock().getTime() + DEFAULT_LIFETIME_MS).toISOString();
      const held: HeldTokenInfo = { flow: info.flow, tenantId: info.tenantId, clientId: info.clientId, expiresAt };
      byAddress.set(addressId, { holderId: holder.put(token, expiresAt), info: held, heldAt: clock().toISOString() });
      return held;
    },
    token(addressId) {
      const entry = live(addressId);
      return entry === null ? null : holder.get(entry.holderId);
    },
    held(addressId) {
      const entry = live(addressId);
      const token = entry === null ? null : holder.get(entry.holderId);
      return entry === null || token === null ? null : { token, heldAt: entry.heldAt };
    },
    info(addressId) {
      return live(addressId)?.info ?? null;
    },
    forget(addressId) {
      const entry = byAddress.get(addressId);
      if (entry === undefined) return false;
      holder.delete(entry.holderId);
      byAddress.delete(addressId);
      return true;
    },
    clear() {
      holder.clear();
      byAddress.clear();
    },
  };
}

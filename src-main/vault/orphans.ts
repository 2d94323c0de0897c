/**
 * Keychain entries that belong to no address ("orphans"): a secret whose address is not
 * in the settings. Earlier versions left them when several `relayproof address add` ran
 * at once (every one stored its secret, and the settings file kept only some of
 * the addresses); a settings file moved aside as damaged leaves them too, until it is
 * restored. `relayproof doctor` lists them and `doctor --remove-orphans` deletes them.
 * Only account names are handled here; a secret is never read.
 */
import { ok, type Result } from '../../src-preload/contract';
import { SECRET_PURPOSES, type SecretPurpose, type Vault } from './vault';

export interface Orphan {
  /** The keychain account (`a-xxxx` or `a-xxxx--imap`). */
  readonly account: string;
  /** The address it was stored for. */
  readonly addressId: string;
  /** What the secret was for; `unknown` for a suffix this version does not know. */
  readonly purpose: SecretPurpose | 'unknown';
}

/** `a-xxxx--imap` → address `a-xxxx`, purpose `imap`; `a-xxxx` → the SMTP secret. */
export function parseAccount(account: string): { readonly addressId: string; readonly purpose: SecretPurpose | 'unknown' } {
  const at = account.indexOf('--');
  if (at < 0) return { addressId: account, purpose: 'smtp' };
  const suffix = account.slice(at + 2);
  const purpose = (SECRET_PURPOSES as readonly string[]).includes(suffix) ? (suffix as SecretPurpose) : 'unknown';
  return { addressId: account.slice(0, at), purpose };
}

/**
 * The keychain is listed first and the addresses read afterwards: an address created in
 * between is already in the settings when its secret shows up in the listing (an address
 * is saved before its secret), so it is never mistaken for an orphan.
 */
export async function findOrphans(vault: Vault, addressIds: () => ReadonlySet<string>): Promise<Result<Orphan[]>> {
  const stored = await vault.storedIds();
  if (!stored.ok) return stored;
  const known = addressIds();
  const orphans = [...stored.value]
    .map((account) => ({ account, ...parseAccount(account) }))
    .filter((entry) => !known.has(entry.addressId))
    .sort((a, b) => a.account.localeCompare(b.account));
  return ok(orphans);
}

export interface OrphanRemoval {
  readonly removed: readonly string[];
  /** Not deleted: their address appeared meanwhile, or the keychain refused (with why). */
  readonly kept: ReadonlyArray<{ readonly account: string; readonly reason: string }>;
}

/** Deletes `orphans`, each checked against the settings again right before its deletion. */
export async function removeOrphans(vault: Vault, addressIds: () => ReadonlySet<string>, orphans: readonly Orphan[]): Promise<OrphanRemoval> {
  const removed: string[] = [];
  const kept: Array<{ account: string; reason: string }> = [];
  for (const orphan of orphans) {
    if (addressIds().has(orphan.addressId)) {
      kept.push({ account: orphan.account, reason: `address ${orphan.addressId} exists now` });
      continue;
    }
    const deleted = await vault.removeAccount(orphan.account);
    if (deleted.ok) removed.push(orphan.account);
    else kept.push({ account: orphan.account, reason: deleted.error.message });
  }
  return { removed, kept };
}

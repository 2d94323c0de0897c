/**
 * The only code that touches the OS keychain. Service "relayproof", account = the
 * address id (stable across renames). keytar is behind `KeychainBackend` so a
 * maintained backend (@napi-rs/keyring, Electron safeStorage) can replace it.
 * No plaintext fallback, ever: without a keychain, storing is refused.
 *
 * keytar on Linux (libsecret) has two traps this file guards against:
 * - on a locked collection, getPassword answers null and deletePassword false, as if
 *   nothing were stored;
 * - findCredentials on a locked collection that holds entries crashes the whole process
 *   (keytar_posix.cc passes the NULL secret of a still-locked item to
 *   secret_value_get_text: SIGSEGV, reproduced in vault.test.ts).
 * So on Linux every operation first proves the collection is unlocked with a marker entry
 * (`UNLOCK_CHECK_ACCOUNT`): reading it back means unlocked; if it is missing, writing it
 * either succeeds (unlocked) or fails with a message we can classify (locked, no service).
 * What remains is an explicit lock in the milliseconds between the check and the call.
 */
import type { AppError, KeychainState, Result } from '../../src-preload/contract';
import { idSchema, secretInputSchema } from '../../src-preload/contract/fields';
import { fail, ok } from '../../src-preload/contract/result-values';
import type { Logger } from '../log/logger';
import { availableState, classifyKeychainError, isKeychainModuleMissing, moduleMissingState } from './keychain-errors';

export const KEYCHAIN_SERVICE = 'relayproof';

/**
 * What a keychain entry is for. An address owns up to four: its SMTP secret (the
 * account is the address id itself, as since the first release), the password of the
 * IMAP mailbox its verification email is read from, an OAuth client secret, and the
 * password of the forwarding check mailbox (where mail sent to the address is forwarded);
 * also the private key of an OAuth client certificate (`a-xxxx--oauth-certificate`, base64 PKCS#8 on one line).
 */
export const SECRET_PURPOSES = ['smtp', 'imap', 'oauth-client', 'imap-forwarding', 'oauth-certificate'] as const;
export type SecretPurpose = (typeof SECRET_PURPOSES)[number];

/**
 * The keychain account of one of an address's secrets (`a-xxxx`, `a-xxxx--imap`,
 * `a-xxxx--oauth-client`): the format of every release so far, so secrets stored by an
 * earlier version are still found. Only the vault (and tests that look from outside) name accounts.
 */
export function secretAccount(addressId: string, purpose: SecretPurpose): string {
  return purpose === 'smtp' ? addressId : `${addressId}--${purpose}`;
}

/**
 * An address id the vault accepts: an id, and never one with `--`, which would name
 * another purpose's entry (`a-x--imap` as the SMTP secret of "a-x--imap" is the mailbox
 * password of a-x). Store ids (`a-` + base32) never contain it.
 */
function isAddressId(addressId: string): boolean {
  return idSchema.safeParse(addressId).success && !addressId.includes('--');
}

/** The keychain operations Relayproof needs; keytar's shape. */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export interface Vault {
  /** Probe the keychain: module present, Secret Service reachable, unlocked. */
  state(): Promise<KeychainState>;
  set(addressId: string, purpose: SecretPurpose, secret: string): Promise<Result<void>>;
  has(addressId: string, purpose: SecretPurpose): Promise<Result<boolean>>;
  delete(addressId: string, purpose: SecretPurpose): Promise<Result<boolean>>;
  /** Main-process only: lend the secret to `use` (an SMTP test) without returning it. */
  withSecret<T>(addressId: string, purpose: SecretPurpose, use: (secret: string) => Promise<T>): Promise<Result<T>>;
  /**
   * Main-process only, and only for redaction (a report scrubs every secret of the address
   * from its text): the stored secrets of the address, whatever their purpose. Nothing else
   * may hold several secrets at once.
   */
  secretsOf(addressId: string): Promise<Result<string[]>>;
  /**
   * Which of these addresses have a secret of this purpose stored: one lookup per address,
   * never a listing. For views of the addresses (addresses:list runs on every change).
   */
  storedAmong(addressIds: readonly string[], purpose: SecretPurpose): Promise<Result<ReadonlySet<string>>>;
  /**
   * Orphan cleanup only (vault/orphans.ts): keychain accounts that have an entry (`a-xxxx`,
   * `a-xxxx--imap`...); the secrets are dropped at once. A listing reads every secret of the
   * service, and keytar on Linux crashes the process when one of them cannot be read at
   * that moment (an item a rotation just replaced, as for a locked collection above): it is
   * not for anything that runs on its own.
   */
  storedIds(): Promise<Result<ReadonlySet<string>>>;
  /**
   * Orphan cleanup only (vault/orphans.ts): delete an entry by its account name, whose
   * address is gone and whose purpose may be one a newer version added.
   */
  removeAccount(account: string): Promise<Result<boolean>>;
}

export interface VaultDeps {
  readonly loadBackend: () => Promise<KeychainBackend>;
  readonly service?: string;
  /** Decides the unlock check and the wording of fixes; defaults to this machine. */
  readonly platform?: NodeJS.Platform;
  readonly logger?: Logger;
}

/**
 * Account of the marker entry. It can never be an address id (idSchema forbids a leading
 * dot), so it cannot collide with or be deleted as an address's secret.
 */
/** Calls tried before a vanishing item counts as a keychain error. */
const LIST_ATTEMPTS = 3;
/** Lookups of storedAmong in flight at once: keytar blocks a thread of libuv's pool (4 by default, shared with file reads) for each. */
const LOOKUPS_AT_ONCE = 2;

export const UNLOCK_CHECK_ACCOUNT = '.relayproof-unlock-check';
const UNLOCK_CHECK_VALUE = 'Relayproof checks with this entry that the keyring is unlocked. It is not a password.';

type Access = { readonly usable: true; readonly backend: KeychainBackend } | { readonly usable: false; readonly state: KeychainState };

export function createVault(deps: VaultDeps): Vault {
  const service = deps.service ?? KEYCHAIN_SERVICE;
  const platform = deps.platform ?? process.platform;
  let loading: Promise<KeychainBackend> | undefined;
  let lastStatus: KeychainState['status'] | undefined;

  function loadOnce(): Promise<KeychainBackend> {
    // Keep a loaded module; retry a failed load next time (the admin may have just run `npm rebuild keytar`).
    loading ??= deps.loadBackend().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  }

  function note(state: KeychainState): KeychainState {
    if (state.status !== lastStatus) {
      lastStatus = state.status;
      if (state.status === 'available') deps.logger?.info('keychain available', { service });
      else deps.logger?.warn('keychain unusable', { service, status: state.status, reason: state.message });
    }
    return state;
  }

  async function proveUnlocked(backend: KeychainBackend): Promise<void> {
    if (platform !== 'linux') {
      // macOS and Windows report a locked keychain as an error (or prompt), never as "empty".
      return;
    }
    if ((await backend.getPassword(service, UNLOCK_CHECK_ACCOUNT)) === UNLOCK_CHECK_VALUE) return;
    await backend.setPassword(service, UNLOCK_CHECK_ACCOUNT, UNLOCK_CHECK_VALUE);
  }

  async function access(): Promise<Access> {
    let backend: KeychainBackend;
    try {
      backend = await loadOnce();
    } catch (error) {
      const state = isKeychainModuleMissing(error) ? moduleMissingState(error, platform) : classifyKeychainError(error, platform);
      return { usable: false, state: note(state) };
    }
    try {
      await proveUnlocked(backend);
    } catch (error) {
      return { usable: false, state: note(classifyKeychainError(error, platform)) };
    }
    return { usable: true, backend };
  }

  function unavailable(state: KeychainState): Result<never> {
    const extra: Pick<AppError, 'hint' | 'details'> = { details: { keychainStatus: state.status } };
    return fail('keychain-unavailable', state.message, state.fix === undefined ? extra : { ...extra, hint: state.fix });
  }

  /**
   * A keychain call that meets an entry replaced or removed while it reads (a rotation,
   * another window): "No such secret item". That is a race, not an unusable keychain: the
   * call is made again. findCredentials lists the items and then reads each one, so it
   * meets this most; a lookup can too.
   */
  async function retryVanishing<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (attempt >= LIST_ATTEMPTS || !/no such secret item/iu.test(error instanceof Error ? error.message : String(error))) throw error;
      }
    }
  }

  /** Run one keychain call; failures become `keychain-unavailable`, with the secret (if any) scrubbed. */
  async function run<T>(addressId: string, secret: string | undefined, call: (backend: KeychainBackend) => Promise<Result<T>>): Promise<Result<T>> {
    if (!isAddressId(addressId)) {
      return fail('invalid-input', 'That is not a Relayproof address id.');
    }
    const got = await access();
    if (!got.usable) return unavailable(got.state);
    try {
      return await call(got.backend);
    } catch (error) {
      const state = note(classifyKeychainError(scrub(error, secret), platform));
      return unavailable(state);
    }
  }

  return {
    async state() {
      const got = await access();
      if (!got.usable) return got.state;
      if (platform !== 'linux') {
        // A lookup of the marker (absent: null, no prompt); on Linux the unlock check above
        // replaces it. Not findCredentials: it reads every secret of the service (on macOS
        // each may ask the user), and this runs on every refresh of the app's info.
        try {
          await got.backend.getPassword(service, UNLOCK_CHECK_ACCOUNT);
        } catch (error) {
          return note(classifyKeychainError(error, platform));
        }
      }
      return note(availableState(platform));
    },

    async set(addressId, purpose, secret) {
      // keytar passes the secret as a C string: a NUL would silently store a truncated secret.
      const checked = secretInputSchema.safeParse(secret);
      if (!checked.success) {
        return fail('invalid-input', checked.error.issues[0]?.message ?? 'The secret is not valid.');
      }
      return run(addressId, secret, async (backend) => {
        await backend.setPassword(service, secretAccount(addressId, purpose), secret);
        return ok(undefined);
      });
    },

    has(addressId, purpose) {
      return run(addressId, undefined, async (backend) => ok((await backend.getPassword(service, secretAccount(addressId, purpose))) !== null));
    },

    delete(addressId, purpose) {
      return run(addressId, undefined, async (backend) => ok(await backend.deletePassword(service, secretAccount(addressId, purpose))));
    },

    secretsOf(addressId) {
      return run(addressId, undefined, async (backend) => {
        const secrets: string[] = [];
        for (const purpose of SECRET_PURPOSES) {
          const secret = await backend.getPassword(service, secretAccount(addressId, purpose));
          if (secret !== null) secrets.push(secret);
        }
        return ok(secrets);
      });
    },

    async removeAccount(account) {
      // Any account of ours (an address id, with or without a purpose suffix), never the unlock marker.
      if (!idSchema.safeParse(account).success) return fail('invalid-input', 'That is not a Relayproof keychain account.');
      const got = await access();
      if (!got.usable) return unavailable(got.state);
      try {
        return ok(await got.backend.deletePassword(service, account));
      } catch (error) {
        return unavailable(note(classifyKeychainError(error, platform)));
      }
    },

    async storedAmong(addressIds, purpose) {
      // An id the vault would never store under is simply not among them.
      const ids = [...new Set(addressIds)].filter(isAddressId);
      const got = await access();
      if (!got.usable) return unavailable(got.state);
      const stored = new Set<string>();
      let next = 0;
      // A few lookups at a time, each for one account (secret_password_lookup: a missing or
      // just-replaced item is "none", never the NULL secret findCredentials stumbles on).
      const worker = async () => {
        while (next < ids.length) {
          const id = ids[next++] ?? '';
          if ((await retryVanishing(() => got.backend.getPassword(service, secretAccount(id, purpose)))) !== null) stored.add(id);
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.min(LOOKUPS_AT_ONCE, ids.length) }, worker));
        return ok(stored as ReadonlySet<string>);
      } catch (error) {
        return unavailable(note(classifyKeychainError(error, platform)));
      }
    },

    async storedIds() {
      const got = await access();
      if (!got.usable) return unavailable(got.state);
      try {
        const credentials = await retryVanishing(() => got.backend.findCredentials(service));
        // Keep accounts only; the passwords go out of scope here. Entries another tool put
        // under this service name (not address ids) are not ours to report.
        const ids = new Set(credentials.map((c) => c.account).filter((account) => idSchema.safeParse(account).success));
        return ok(ids as ReadonlySet<string>);
      } catch (error) {
        return unavailable(note(classifyKeychainError(error, platform)));
      }
    },

    async withSecret(addressId, purpose, use) {
      const lent = await run(addressId, undefined, async (backend) => {
        const secret = await backend.getPassword(service, secretAccount(addressId, purpose));
        return secret === null ? fail('not-found', 'No password is stored in the keychain for this address. Enter it again to continue.') : ok(secret);
      });
      if (!lent.ok) return lent;
      // Outside `run`: an error thrown by `use` is the caller's, not a keychain failure, and propagates unchanged.
      return ok(await use(lent.value));
    },
  };
}

function scrub(error: unknown, secret: string | undefined): unknown {
  if (secret === undefined || !(error instanceof Error) || !error.message.includes(secret)) return error;
  return new Error(error.message.split(secret).join('[redacted]'));
}

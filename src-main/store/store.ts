/**
 * Settings + addresses: one zod schema, versioned with migrations, in `config.json` of the
 * data folder, read and written by conf (electron-store in Electron) through the one
 * persistence primitive every stored document uses (document-file.ts): size check before
 * reading, links not followed, a cross-process lock around every read-modify-write,
 * atomic durable writes, and a damaged file moved to `config.corrupt-<time>.json` with a
 * notice (UI + CLI), never silently reset. Never stores secrets.
 *
 * Every operation reads the file (a parse is reused while the file is unchanged) and every
 * change validates the whole document inside the lock before writing it, so the app, `serve` and any number of CLI commands see each
 * other's changes and never lose one, and a programmer error throws instead of corrupting
 * the file.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Address, AddressFields, LifecycleEvent, Settings, StoreNotice, WizardDraft } from '../../src-preload/contract';
import { MAX_LIFECYCLE_EVENTS, addressFieldsSchema, addressSchema } from '../../src-preload/contract/addresses-schemas';
import { settingsSchema } from '../../src-preload/contract/app';
import { sesIdentitySchema, type SesIdentity } from '../../src-preload/contract/ses-identities';
import { confEngine } from './conf-engine';
import type { DocumentEngineFactory } from './document-engine';
import { openDocument, StoreUnavailableError } from './document-file';
import type { LockOptions } from './file-lock';
import type { FolderWatchOptions } from './folder-watch';
import { CONFIG_NAME, CURRENT_SCHEMA_VERSION, MAX_NOTICES, MIGRATIONS, SETTINGS_MAX_BYTES, defaultDocument, storeDocumentSchema, type Migration, type StoreDocument } from './store-document';
import { recoverSettings } from './store-recovery';

export { CONFIG_NAME, CURRENT_SCHEMA_VERSION, MIGRATIONS, SETTINGS_MAX_BYTES, storeDocumentSchema, type Migration, type StoreDocument } from './store-document';
export { StoreUnavailableError } from './document-file';


/** What Relayproof records about an address besides its fields. */
export type AddressStatusPatch = Partial<Pick<Address, 'setup' | 'proceedReason' | 'lastTest' | 'lending'>>;
/** A status change computed from the address as it is when it is written; null leaves the address as it is. */
export type AddressStatusUpdate = (current: Address) => AddressStatusPatch | null;

/** A notice from another stored document, shown with the settings notices (About, doctor). */
export type NoticeInput = Pick<StoreNotice, 'kind' | 'message' | 'backupPath'>;

export interface AppStore {
  readonly path: string;
  settings(): Settings;
  updateSettings(patch: Partial<Settings>): Settings;
  listAddresses(): readonly Address[];
  getAddress(id: string): Address | undefined;
  createAddress(fields: AddressFields, options?: { readonly setup?: Address['setup'] }): Address;
  /**
   * Several addresses in ONE validated write (an import of 1,000 rows must not rewrite
   * the file 2,000 times), each with the lifecycle event `event` returns for it.
   */
  createAddresses(
    entries: readonly AddressFields[],
    options?: {
      readonly setup?: Address['setup'];
      readonly event?: (created: Address, index: number) => Omit<LifecycleEvent, 'id' | 'at'>;
      /**
       * Runs inside the cross-process lock on the addresses as they are now (those this
       * call created before it included): false leaves the entry out. A check made before
       * the call (a duplicate, a platform's limit) can be stale by the time the lock is
       * held, since another process may have added the same address in between.
       */
      readonly admit?: (fields: AddressFields, existing: readonly Address[], index: number) => boolean;
    },
  ): Address[];
  updateAddress(id: string, patch: Partial<AddressFields>): Address | undefined;
  deleteAddress(id: string): boolean;
  setSecretChangedAt(id: string, at: string | null): Address | undefined;
  /** What Relayproof records about an address besides its fields (setup state, last test, reason, where its secrets may be lent). */
  setAddressStatus(id: string, status: AddressStatusPatch): Address | undefined;
  /**
   * Status of several addresses in ONE validated write (a fleet run's batch,
   * address-status-batch.ts). Each `update` runs inside the cross-process lock on the
   * address as it is then and returns what to set, or null to leave it; an address deleted
   * meanwhile is skipped. Returns how many addresses changed.
   */
  setAddressStatuses(updates: ReadonlyArray<{ readonly id: string; readonly update: AddressStatusUpdate }>): number;
  /** Lifecycle events, oldest first; optionally of one address. */
  events(addressId?: string): readonly LifecycleEvent[];
  /** Appends one event (id and time filled in); the oldest go beyond the bound. */
  recordEvent(event: Omit<LifecycleEvent, 'id' | 'at'>): LifecycleEvent;
  wizardDraft(): WizardDraft | null;
  setWizardDraft(draft: WizardDraft | null): WizardDraft | null;
  notices(): readonly StoreNotice[];
  /** Keeps a notice about another stored file (Microsoft 365 registrations) until dismissed. */
  addNotice(notice: NoticeInput): StoreNotice;
  dismissNotice(id: string): boolean;
  /** Zuora advanced SMTP (Amazon SES) identities, in the order they were added. */
  listSesIdentities(): readonly SesIdentity[];
  /**
   * Several identities in ONE validated write (an import); `admit` runs inside the
   * cross-process lock on the identities as they are then (the limits are checked there).
   */
  createSesIdentities(
    entries: ReadonlyArray<Omit<SesIdentity, 'id' | 'createdAt'>>,
    options?: { readonly admit?: (entry: Omit<SesIdentity, 'id' | 'createdAt'>, existing: readonly SesIdentity[], index: number) => boolean },
  ): SesIdentity[];
  /** `update` runs inside the lock on the identity as it is then; returning null leaves it unchanged. Undefined: no such identity. */
  updateSesIdentity(id: string, update: (identity: SesIdentity, all: readonly SesIdentity[]) => SesIdentity | null): SesIdentity | undefined;
  deleteSesIdentity(id: string): boolean;
  /** Called (debounced) when another process changed config.json: addresses, settings, notices. */
  watch(listener: () => void): () => void;
}

export interface OpenStoreDeps {
  readonly directory: string;
  readonly clock?: () => Date;
  /** Address ids; must match the contract's idSchema and never repeat. */
  readonly newId?: () => string;
  readonly migrations?: ReadonlyArray<Migration>;
  /** Larger settings files are moved aside unread (tests use a small limit). */
  readonly maxBytes?: number;
  readonly lock?: LockOptions;
  readonly watch?: FolderWatchOptions;
  /** Called after each write of config.json (tests and benchmarks count them). */
  readonly onWrite?: (path: string) => void;
  /** Reads and writes config.json once document-file has checked it: conf by default, electron-store in Electron. */
  readonly engine?: DocumentEngineFactory;
}

/** Only the status fields, and no explicit undefined: a status change never touches an address's fields. */
function statusFields(status: AddressStatusPatch): AddressStatusPatch {
  const known: AddressStatusPatch = {};
  if (status.setup !== undefined) known.setup = status.setup;
  if (status.proceedReason !== undefined) known.proceedReason = status.proceedReason;
  if (status.lastTest !== undefined) known.lastTest = status.lastTest;
  if (status.lending !== undefined) known.lending = status.lending;
  return known;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** `prefix` + 12 base32 characters (60 random bits): short enough to read in a log line. */
export function randomId(prefix: string): string {
  // 256 is a multiple of 32, so `byte & 31` is uniform.
  return prefix + Array.from(randomBytes(12), (byte) => BASE32[byte & 31]).join('');
}

/**
 * Opens (creating, recovering or migrating) `<directory>/config.json`.
 * Throws StoreUnavailableError when the directory or file cannot be used at all; every
 * other problem becomes a notice and the store opens.
 */
export function openStore(deps: OpenStoreDeps): AppStore {
  const clock = deps.clock ?? (() => new Date());
  const newId = deps.newId ?? (() => randomId('a-'));
  const directory = resolve(deps.directory);
  const path = join(directory, `${CONFIG_NAME}.json`);
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StoreUnavailableError(`Relayproof could not create its data folder ${directory} (${error instanceof Error ? error.message : String(error)}).`);
  }

  const file = openDocument<StoreDocument>({
    path,
    title: 'settings file',
    noun: 'settings',
    schema: storeDocumentSchema,
    version: CURRENT_SCHEMA_VERSION,
    migrations: deps.migrations ?? MIGRATIONS,
    maxBytes: deps.maxBytes ?? SETTINGS_MAX_BYTES,
    engine: deps.engine ?? confEngine,
    // Every operation reads the document (a re-check of one address reads it about ten
    // times), and parsing and validating 200 addresses costs ~50 ms: while the file is
    // unchanged (same inode, size and times) the last parse is used. Shared, so frozen.
    cache: true,
    freeze: true,
    clock,
    recover: (quarantined) => recoverSettings({ path, clock, newNoticeId: () => randomId('n-') }, quarantined),
    ...(deps.lock !== undefined ? { lock: deps.lock } : {}),
    ...(deps.watch !== undefined ? { watch: deps.watch } : {}),
    ...(deps.onWrite !== undefined ? { onWrite: deps.onWrite } : {}),
  });

  // Deleted while open (by hand, another program): the defaults, written with the next change.
  const load = (): StoreDocument => file.read() ?? defaultDocument();

  /** `mutate` returns the same object when nothing changed; then nothing is written. */
  const change = (mutate: (document: StoreDocument) => StoreDocument): StoreDocument => file.update((current) => mutate(current ?? defaultDocument()));

  // At open: create the file, write an upgrade or normal form (BOM, defaults), or move a damaged one aside.
  change((document) => document);

  function pickFields(patch: Partial<AddressFields>): Partial<AddressFields> {
    // Only address fields, and no explicit undefined: a patch can never touch id or timestamps.
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(addressFieldsSchema.shape)) {
      const value = (patch as Record<string, unknown>)[key];
      if (value !== undefined) out[key] = value;
    }
    return out as Partial<AddressFields>;
  }

  function replaceAddress(id: string, update: (address: Address) => Address): Address | undefined {
    let result: Address | undefined;
    change((document) => {
      const addresses = document.addresses.map((a) => {
        if (a.id !== id) return a;
        result = update(a);
        return result;
      });
      return result === undefined ? document : { ...document, addresses };
    });
    return result;
  }

  return {
    path,

    settings: () => load().settings,

    updateSettings(patch) {
      const known: Record<string, unknown> = {};
      for (const key of Object.keys(settingsSchema.shape)) {
        const value = (patch as Record<string, unknown>)[key];
        if (value !== undefined) known[key] = value;
      }
      return change((document) => ({ ...document, settings: { ...document.settings, ...known } })).settings;
    },

    listAddresses: () => load().addresses,

    getAddress: (id) => load().addresses.find((a) => a.id === id),

    createAddress(fields, options) {
      const [created] = this.createAddresses([fields], options);
      if (created === undefined) throw new Error('createAddress did not run.');
      return created;
    },

    createAddresses(entries, options) {
      const now = clock().toISOString();
      const created: Address[] = [];
      change((document) => {
        created.length = 0;
        const taken = new Set(document.addresses.map((a) => a.id));
        const events: LifecycleEvent[] = [];
        for (const [index, fields] of entries.entries()) {
          if (options?.admit !== undefined && !options.admit(fields, [...document.addresses, ...created], index)) continue;
          let id = newId();
          // 60 random bits make a clash practically impossible; an injected newId might still repeat.
          for (let tries = 0; taken.has(id); tries++) {
            if (tries >= 5) throw new Error(`newId keeps returning ids that are taken (last: ${id}).`);
            id = newId();
          }
          taken.add(id);
          const address = addressSchema.parse({ ...addressFieldsSchema.parse(fields), id, createdAt: now, updatedAt: now, secretChangedAt: null, setup: options?.setup ?? 'complete' });
          created.push(address);
          const event = options?.event?.(address, index);
          if (event !== undefined) events.push({ ...event, id: randomId('e-'), at: now });
        }
        if (created.length === 0 && events.length === 0) return document;
        return {
          ...document,
          addresses: [...document.addresses, ...created],
          events: events.length === 0 ? document.events : [...document.events, ...events].slice(-MAX_LIFECYCLE_EVENTS),
        };
      });
      return created;
    },

    updateAddress(id, patch) {
      const fields = pickFields(patch);
      return replaceAddress(id, (a) => ({ ...a, ...fields, updatedAt: clock().toISOString() }));
    },

    deleteAddress(id) {
      let removed = false;
      change((document) => {
        const addresses = document.addresses.filter((a) => a.id !== id);
        removed = addresses.length !== document.addresses.length;
        return removed ? { ...document, addresses } : document;
      });
      return removed;
    },

    // The address's fields did not change, so updatedAt stays; this records the keychain write.
    setSecretChangedAt: (id, at) => replaceAddress(id, (a) => ({ ...a, secretChangedAt: at })),

    setAddressStatus: (id, status) => replaceAddress(id, (a) => ({ ...a, ...statusFields(status) })),

    setAddressStatuses(updates) {
      let changed = 0;
      change((document) => {
        changed = 0;
        const byId = new Map(updates.map((u) => [u.id, u.update]));
        const addresses = document.addresses.map((a) => {
          const status = byId.get(a.id)?.(a) ?? null;
          if (status === null) return a;
          changed += 1;
          return { ...a, ...statusFields(status) };
        });
        return changed === 0 ? document : { ...document, addresses };
      });
      return changed;
    },

    events: (addressId) => {
      const all = load().events;
      return addressId === undefined ? all : all.filter((e) => e.addressId === addressId);
    },

    recordEvent(event) {
      const recorded: LifecycleEvent = { ...event, id: randomId('e-'), at: clock().toISOString() };
      change((document) => ({ ...document, events: [...document.events, recorded].slice(-MAX_LIFECYCLE_EVENTS) }));
      return recorded;
    },

    wizardDraft: () => load().wizardDraft,

    setWizardDraft(draft) {
      return change((document) => ({ ...document, wizardDraft: draft })).wizardDraft;
    },

    notices: () => load().notices,

    addNotice(input) {
      const notice: StoreNotice = { id: randomId('n-'), at: clock().toISOString(), kind: input.kind, message: input.message, backupPath: input.backupPath };
      change((document) => ({ ...document, notices: [...document.notices, notice].slice(-MAX_NOTICES) }));
      return notice;
    },

    dismissNotice(id) {
      let dismissed = false;
      change((document) => {
        const notices = document.notices.filter((n) => n.id !== id);
        dismissed = notices.length !== document.notices.length;
        return dismissed ? { ...document, notices } : document;
      });
      return dismissed;
    },

    listSesIdentities: () => load().sesIdentities,

    createSesIdentities(entries, options) {
      const now = clock().toISOString();
      const created: SesIdentity[] = [];
      change((document) => {
        created.length = 0;
        const taken = new Set(document.sesIdentities.map((i) => i.id));
        for (const [index, entry] of entries.entries()) {
          if (options?.admit !== undefined && !options.admit(entry, [...document.sesIdentities, ...created], index)) continue;
          let id = randomId('i-');
          while (taken.has(id)) id = randomId('i-');
          taken.add(id);
          created.push(sesIdentitySchema.parse({ ...entry, id, createdAt: now }));
        }
        return created.length === 0 ? document : { ...document, sesIdentities: [...document.sesIdentities, ...created] };
      });
      return created;
    },

    updateSesIdentity(id, update) {
      let result: SesIdentity | undefined;
      change((document) => {
        result = undefined;
        const current = document.sesIdentities.find((i) => i.id === id);
        if (current === undefined) return document;
        const next = update(current, document.sesIdentities);
        result = next ?? current;
        if (next === null) return document;
        const parsed = sesIdentitySchema.parse({ ...next, id: current.id, createdAt: current.createdAt });
        result = parsed;
        return { ...document, sesIdentities: document.sesIdentities.map((i) => (i.id === id ? parsed : i)) };
      });
      return result;
    },

    deleteSesIdentity(id) {
      let removed = false;
      change((document) => {
        const sesIdentities = document.sesIdentities.filter((i) => i.id !== id);
        removed = sesIdentities.length !== document.sesIdentities.length;
        return removed ? { ...document, sesIdentities } : document;
      });
      return removed;
    },

    watch: (listener) => file.watch(listener),
  };
}

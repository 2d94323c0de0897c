/**
 * Settings + addresses, one zod schema, versioned with migrations, atomic writes.
 * A corrupt or unreadable file is moved to `<name>.corrupt-<time>.json`, reported as a
 * notice (UI + CLI) and never silently reset. Never stores secrets.
 *
 * Every operation reads the file (through the backend) and every change validates the
 * whole document before writing it, so the CLI and the app see each other's changes and
 * a programmer error throws instead of corrupting the file.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  MAX_LIFECYCLE_EVENTS,
  addressFieldsSchema,
  addressSchema,
  settingsSchema,
  type Address,
  type AddressFields,
  type LifecycleEvent,
  type Settings,
  type StoreNotice,
  type WizardDraft,
} from '../../src-preload/contract';
import { MIGRATIONS, checkMigrations, storeDocumentSchema, type Migration, type StoreDocument } from './store-document';
import { StoreUnavailableError, recoverSettingsFile } from './store-recovery';

export { CURRENT_SCHEMA_VERSION, MIGRATIONS, storeDocumentSchema, type Migration, type StoreDocument } from './store-document';
export { StoreUnavailableError } from './store-recovery';

/** The persistence engine: `conf` in Node, `electron-store` in Electron (same API). */
export interface StoreBackend {
  readonly path: string;
  read(): Record<string, unknown>;
  write(data: Record<string, unknown>): void;
}

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
    options?: { readonly setup?: Address['setup']; readonly event?: (created: Address, index: number) => Omit<LifecycleEvent, 'id' | 'at'> },
  ): Address[];
  updateAddress(id: string, patch: Partial<AddressFields>): Address | undefined;
  deleteAddress(id: string): boolean;
  setSecretChangedAt(id: string, at: string | null): Address | undefined;
  /** What Relayproof records about an address besides its fields (setup state, last test, reason, where its secrets may be lent). */
  setAddressStatus(id: string, status: Partial<Pick<Address, 'setup' | 'proceedReason' | 'lastTest' | 'lending'>>): Address | undefined;
  /** Lifecycle events, oldest first; optionally of one address. */
  events(addressId?: string): readonly LifecycleEvent[];
  /** Appends one event (id and time filled in); the oldest go beyond the bound. */
  recordEvent(event: Omit<LifecycleEvent, 'id' | 'at'>): LifecycleEvent;
  wizardDraft(): WizardDraft | null;
  setWizardDraft(draft: WizardDraft | null): WizardDraft | null;
  notices(): readonly StoreNotice[];
  dismissNotice(id: string): boolean;
}

export interface OpenStoreDeps {
  readonly directory: string;
  readonly backend: (options: { cwd: string; configName: string }) => StoreBackend;
  readonly clock?: () => Date;
  /** Address ids; must match the contract's idSchema and never repeat. */
  readonly newId?: () => string;
  readonly migrations?: ReadonlyArray<Migration>;
}

export const CONFIG_NAME = 'config';

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
  const migrations = deps.migrations ?? MIGRATIONS;
  checkMigrations(migrations);
  const directory = resolve(deps.directory);
  const path = join(directory, `${CONFIG_NAME}.json`);
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StoreUnavailableError(`Relayproof could not create its data folder ${directory} (${error instanceof Error ? error.message : String(error)}).`);
  }

  const recover = () => recoverSettingsFile({ path, clock, migrations, newNoticeId: () => randomId('n-') });
  // Before the backend sees the file: conf would throw on bad JSON, electron-store could reset it.
  const initial = recover();
  let backend: StoreBackend;
  try {
    backend = deps.backend({ cwd: directory, configName: CONFIG_NAME });
  } catch (error) {
    throw new StoreUnavailableError(`Relayproof could not open its settings file ${path} (${error instanceof Error ? error.message : String(error)}).`);
  }

  function write(document: StoreDocument): StoreDocument {
    const checked = storeDocumentSchema.safeParse(document);
    if (!checked.success) {
      // A programmer error: refuse to write rather than store something the next start cannot read.
      throw new Error(`Refusing to write an invalid settings document: ${checked.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ')}`);
    }
    try {
      backend.write({ ...checked.data });
    } catch (error) {
      throw new StoreUnavailableError(`Relayproof could not save its settings file ${path} (${error instanceof Error ? error.message : String(error)}).`);
    }
    return checked.data;
  }

  function load(): StoreDocument {
    let raw: unknown;
    try {
      raw = backend.read();
    } catch {
      raw = undefined;
    }
    const checked = storeDocumentSchema.safeParse(raw);
    if (checked.success) return checked.data;
    // Changed under us (hand edit, deleted, another program): recover exactly as at open.
    const recovered = recover();
    return recovered.mustWrite ? write(recovered.document) : recovered.document;
  }

  /** `mutate` returns the same object when nothing changed; then nothing is written. */
  function change(mutate: (document: StoreDocument) => StoreDocument): StoreDocument {
    const before = load();
    const after = mutate(before);
    return after === before ? before : write(after);
  }

  if (initial.mustWrite) write(initial.document);

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
    path: backend.path,

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
        const taken = new Set(document.addresses.map((a) => a.id));
        const events: LifecycleEvent[] = [];
        for (const [index, fields] of entries.entries()) {
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

    setAddressStatus: (id, status) => {
      const known: Partial<Pick<Address, 'setup' | 'proceedReason' | 'lastTest' | 'lending'>> = {};
      if (status.setup !== undefined) known.setup = status.setup;
      if (status.proceedReason !== undefined) known.proceedReason = status.proceedReason;
      if (status.lastTest !== undefined) known.lastTest = status.lastTest;
      if (status.lending !== undefined) known.lending = status.lending;
      return replaceAddress(id, (a) => ({ ...a, ...known }));
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

    dismissNotice(id) {
      let dismissed = false;
      change((document) => {
        const notices = document.notices.filter((n) => n.id !== id);
        dismissed = notices.length !== document.notices.length;
        return dismissed ? { ...document, notices } : document;
      });
      return dismissed;
    },
  };
}

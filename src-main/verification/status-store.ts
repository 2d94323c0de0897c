/**
 * Verification status and run history: one file per address,
 * `<dataDir>/verification/<addressId>.json`, beside the settings, so recording a run
 * rewrites and validates only that address's history (at most 500 runs), never the other
 * addresses' and never the settings file. Every file (and `_notices.json`) is read and
 * written by conf (electron-store in Electron) through the persistence primitive of the
 * settings (store/document-file.ts): size check, links not followed, a cross-process lock
 * around read-modify-write, atomic durable writes, quarantine. The single file of earlier
 * versions is only read, once, to split it: directly, with the same checks.
 *
 * Stored per address: the item states (`AddressVerificationState`) and the bounded run
 * history. The overall status is derived (statusView), never stored; no secret is ever
 * in it (observations carry evidence from DNS, SMTP replies and message headers only).
 *
 * A file that cannot be used is moved aside to `<addressId>.corrupt-<time>.json`, never
 * silently reset: that address starts over, the others are untouched, and a notice
 * (kept in `verification/_notices.json`) names the backup until the admin dismisses it
 * (shown with the settings notices in About and `relayproof doctor`).
 *
 * The single `verification.json` of earlier versions is split into per-address files
 * once, and kept as `verification.before-migration-v1-<time>.json`; when it was damaged,
 * the addresses it could still read are migrated and a notice names the copy.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
// The capabilities' own files, not the contract's index (which builds every capability's schemas): `relayproof check` reaches this file.
import { storeNoticeSchema, type StoreNotice } from '../../src-preload/contract/app';
import { idSchema } from '../../src-preload/contract/fields';
import { confEngine } from '../store/conf-engine';
import type { DocumentEngineFactory } from '../store/document-engine';
import { describeDamage, inspectFile, moveAside, openDocument, StoreUnavailableError, type Damage, type DocumentFile } from '../store/document-file';
import { withFileLock, type LockOptions } from '../store/file-lock';
import { watchFolder, ANY_ENTRY, type FolderWatchOptions } from '../store/folder-watch';
import { errorText } from '../store/store-errors';
import { randomId } from '../store/store';
import { MAX_ADDRESSES } from '../store/store-document';
import { appendRun, emptyHistory } from './history';
import {
  HISTORY_LIMIT,
  addressVerificationStateSchema,
  historySchema,
  runRecordSchema,
  type AddressVerificationState,
  type History,
  type RunRecord,
} from '../../src-preload/contract/verification-schemas';

/** The file of earlier versions (`verification.json`) and the folder of per-address files. */
export const VERIFICATION_CONFIG_NAME = 'verification';
export const VERIFICATION_DIRECTORY = 'verification';
/** Format of a per-address file (1 was the single `verification.json`). */
export const VERIFICATION_SCHEMA_VERSION = 2;
export const LEGACY_VERIFICATION_SCHEMA_VERSION = 1;
const NOTICES_NAME = '_notices'; // never an address id: ids have no underscore
const MAX_NOTICES = 20;

/**
 * Size limits, above which a file is moved aside unread. A full history (500 runs) was
 * measured at 3.0 MB, so 64 MiB is 20x that; 20 notices are a few KB. The single file of
 * earlier versions held every address (62.6 MB measured for 20 addresses of 500 runs) and
 * is read once, to split it. Its limit is the per-address one: 20 full histories fit, and a
 * one-time read costs no more memory than any other file (parsing a 250 MB file took
 * 0.9 to 6.5 GB); a larger one is moved aside with a notice, and only the run history of
 * its addresses starts over.
 */
export const HISTORY_MAX_BYTES = 64 * 1024 * 1024;
export const NOTICES_MAX_BYTES = 1024 * 1024;
export const LEGACY_MAX_BYTES = HISTORY_MAX_BYTES;
/**
 * A full 500-run history is about 70,000 JSON entries, so 20 of them are 1.4 million; more
 * is not a file Relayproof wrote, and is moved aside unparsed (millions of `{}` fit in 64 MiB).
 */
export const LEGACY_MAX_ENTRIES = 2_000_000;

const entrySchema = z.object({ state: addressVerificationStateSchema, history: historySchema });
export type VerificationEntry = z.infer<typeof entrySchema>;

/** `<dataDir>/verification/<addressId>.json`. */
export const verificationFileSchema = z.object({
  schemaVersion: z.literal(VERIFICATION_SCHEMA_VERSION),
  addressId: idSchema,
  state: addressVerificationStateSchema,
  history: historySchema,
});
export type VerificationFile = z.infer<typeof verificationFileSchema>;

const noticesFileSchema = z.object({
  schemaVersion: z.literal(VERIFICATION_SCHEMA_VERSION),
  notices: z.array(storeNoticeSchema).max(MAX_NOTICES),
});
type NoticesFile = z.infer<typeof noticesFileSchema>;

/** The single `verification.json` of earlier versions (migrated once, at open). */
export const legacyVerificationDocumentSchema = z.object({
  schemaVersion: z.literal(LEGACY_VERIFICATION_SCHEMA_VERSION),
  // Counted before any entry is validated: each bad entry would add issues of its own.
  addresses: z
    .record(z.string(), z.unknown())
    .refine((addresses) => Object.keys(addresses).length <= MAX_ADDRESSES, `more than ${MAX_ADDRESSES} addresses`)
    .pipe(z.record(idSchema, entrySchema)),
  notices: z.array(storeNoticeSchema).max(MAX_NOTICES).default([]),
});
export type LegacyVerificationDocument = z.infer<typeof legacyVerificationDocumentSchema>;

export interface VerificationStore {
  /** The folder of the per-address files. */
  readonly path: string;
  /** The file of one address (it may not exist yet). */
  pathOf(addressId: string): string;
  get(addressId: string): VerificationEntry | undefined;
  ids(): readonly string[];
  /** Read-modify-write of one address; `update` gets undefined when it has no entry yet. */
  update(addressId: string, update: (entry: VerificationEntry | undefined) => VerificationEntry): VerificationEntry;
  /** Store a run's outcome: the new state, the run appended (history bounded). */
  record(addressId: string, state: AddressVerificationState, run: RunRecord): VerificationEntry;
  /**
   * `record` whose file write does not block the process (a fleet run records 200 runs
   * while other re-checks wait on their servers): same lock, atomic replace and fsyncs,
   * with the write and fsyncs off the event loop. Resolves once the run is on disk.
   */
  recordAsync(addressId: string, state: AddressVerificationState, run: RunRecord): Promise<VerificationEntry>;
  /** Deletes the address's file. */
  remove(addressId: string): boolean;
  notices(): readonly StoreNotice[];
  dismissNotice(id: string): boolean;
  /** Called (debounced) with the addresses whose history another process changed. */
  watch(listener: (addressIds: readonly string[]) => void): () => void;
}

export interface OpenVerificationStoreDeps {
  readonly directory: string;
  readonly clock?: () => Date;
  readonly historyLimit?: number;
  readonly lock?: LockOptions;
  readonly watch?: FolderWatchOptions;
  /** Called after each write of a file (tests and benchmarks count them). */
  readonly onWrite?: (path: string) => void;
  /** Reads and writes each file once document-file has checked it: conf by default, electron-store in Electron. */
  readonly engine?: DocumentEngineFactory;
}

/** The addresses of a damaged legacy document that still validate on their own. */
function salvage(raw: unknown): { readonly addresses: Record<string, VerificationEntry>; readonly kept: number; readonly total: number } {
  const kept: Record<string, VerificationEntry> = {};
  const addresses = typeof raw === 'object' && raw !== null ? (raw as { addresses?: unknown }).addresses : undefined;
  if (typeof addresses !== 'object' || addresses === null || Array.isArray(addresses)) return { addresses: kept, kept: 0, total: 0 };
  const entries = Object.entries(addresses);
  // The settings keep at most MAX_ADDRESSES addresses; entries past that have no address to belong to.
  for (const [id, value] of entries.slice(0, MAX_ADDRESSES)) {
    const entry = entrySchema.safeParse(value);
    if (idSchema.safeParse(id).success && entry.success) kept[id] = entry.data;
  }
  return { addresses: kept, kept: Object.keys(kept).length, total: entries.length };
}

function rawOf(damage: Damage): unknown {
  return damage.kind === 'invalid-content' || damage.kind === 'future-version' ? damage.raw : undefined;
}

const ADDRESS_FILE = /^([a-z0-9][a-z0-9-]{0,63})\.json$/u;

export function openVerificationStore(deps: OpenVerificationStoreDeps): VerificationStore {
  const clock = deps.clock ?? (() => new Date());
  const limit = deps.historyLimit ?? HISTORY_LIMIT;
  const dataDirectory = resolve(deps.directory);
  const directory = join(dataDirectory, VERIFICATION_DIRECTORY);
  const legacyPath = join(dataDirectory, `${VERIFICATION_CONFIG_NAME}.json`);
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StoreUnavailableError(`Relayproof could not create its verification history folder ${directory} (${errorText(error)}).`);
  }
  const shared = {
    clock,
    engine: deps.engine ?? confEngine,
    ...(deps.lock !== undefined ? { lock: deps.lock } : {}),
    ...(deps.watch !== undefined ? { watch: deps.watch } : {}),
    ...(deps.onWrite !== undefined ? { onWrite: deps.onWrite } : {}),
  };

  const validId = (addressId: string) => idSchema.safeParse(addressId).success;
  const pathOf = (addressId: string) => {
    if (!validId(addressId)) throw new Error(`Not an address id: ${JSON.stringify(addressId)}`);
    return join(directory, `${addressId}.json`);
  };

  const notice = (kind: StoreNotice['kind'], message: string, backupPath: string): StoreNotice => ({ id: randomId('n-'), at: clock().toISOString(), kind, message, backupPath });

  // ---- notices (verification/_notices.json)
  const noticesFile = openDocument<NoticesFile>({
    ...shared,
    path: join(directory, `${NOTICES_NAME}.json`),
    title: 'list of verification history notices',
    noun: 'verification notices',
    schema: noticesFileSchema,
    version: VERIFICATION_SCHEMA_VERSION,
    maxBytes: NOTICES_MAX_BYTES,
    recover: ({ damage, backupPath }) => ({
      schemaVersion: VERIFICATION_SCHEMA_VERSION,
      notices: [
        notice(
          damage.kind,
          `The list of Relayproof's verification history notices could not be used (${describeDamage(damage)}). It was moved to ${backupPath}; earlier notices may be missing. The verification history itself, settings and passwords were not affected.`,
          backupPath,
        ),
      ],
    }),
  });
  function addNotices(added: readonly StoreNotice[]): void {
    if (added.length === 0) return;
    noticesFile.update((current) => ({ schemaVersion: VERIFICATION_SCHEMA_VERSION, notices: [...(current?.notices ?? []), ...added].slice(-MAX_NOTICES) }));
  }

  // ---- per-address files, each its own document (and lock): one address never waits for another
  const files = new Map<string, DocumentFile<VerificationFile>>();
  function fileOf(addressId: string): DocumentFile<VerificationFile> {
    let file = files.get(addressId);
    if (file === undefined) {
      file = openDocument<VerificationFile>({
        ...shared,
        path: pathOf(addressId),
        title: `verification history of address ${addressId}`,
        noun: 'verification history',
        // Another address's content under this name is damage too: it would be shown as this one's.
        schema: verificationFileSchema.refine((document) => document.addressId === addressId, {
          path: ['addressId'],
          error: (issue) => `the file is named ${addressId} but holds ${String((issue.input as { addressId?: unknown } | undefined)?.addressId)}`,
        }),
        version: VERIFICATION_SCHEMA_VERSION,
        maxBytes: HISTORY_MAX_BYTES,
        // A run is recorded every few minutes per address and the history is up to 3 MB: parse it only when it changed.
        cache: true,
        recover: ({ damage, backupPath }) => {
          // A damaged file of one address never touches the others: only this one starts over.
          addNotices([
            notice(
              damage.kind,
              `Relayproof's verification history of address ${addressId} could not be used (${describeDamage(damage)}). It was moved to ${backupPath}, and that address started with an empty verification history; it is checked again on the next run. The other addresses' history, settings and passwords were not affected.`,
              backupPath,
            ),
          ]);
          return undefined;
        },
      });
      files.set(addressId, file);
    }
    return file;
  }

  function load(addressId: string): VerificationEntry | undefined {
    if (!validId(addressId)) return undefined;
    const found = fileOf(addressId).read();
    return found === undefined ? undefined : { state: found.state, history: found.history };
  }

  const asFile =
    (addressId: string, update: (entry: VerificationEntry | undefined) => VerificationEntry) =>
    (current: VerificationFile | undefined): VerificationFile => {
      const entry = update(current === undefined ? undefined : { state: current.state, history: current.history });
      return { schemaVersion: VERIFICATION_SCHEMA_VERSION, addressId, state: entry.state, history: entry.history };
    };

  function writeEntry(addressId: string, update: (entry: VerificationEntry | undefined) => VerificationEntry, validated: boolean): VerificationEntry {
    const written = fileOf(addressId).update(asFile(addressId, update), { validated });
    return { state: written.state, history: written.history };
  }

  function listIds(): string[] {
    let names: string[];
    try {
      names = readdirSync(directory);
    } catch (error) {
      throw new StoreUnavailableError(`Relayproof could not read its verification history folder ${directory} (${errorText(error)}).`);
    }
    return names.flatMap((name) => ADDRESS_FILE.exec(name)?.[1] ?? []).sort();
  }

  // ---- one-time migration of the single verification.json of earlier versions
  function migrateLegacy(): void {
    if (!existsSync(legacyPath)) return;
    // Locked: two processes starting at once must split it once, not twice.
    withFileLock(legacyPath, 'verification history', () => {
      const found = inspectFile(legacyPath, { schema: legacyVerificationDocumentSchema, version: LEGACY_VERIFICATION_SCHEMA_VERSION, maxBytes: LEGACY_MAX_BYTES, maxEntries: LEGACY_MAX_ENTRIES, noun: 'verification history' });
      if (found.state === 'missing') return;
      const raw = found.state === 'damaged' ? rawOf(found.damage) : undefined;
      const salvaged = found.state === 'ok' ? null : raw === undefined ? { addresses: {}, kept: 0, total: 0 } : salvage(raw);
      const addresses = found.state === 'ok' ? found.value.addresses : (salvaged?.addresses ?? {});
      // Written first: if anything stops half-way, verification.json is still there and the next start does it again.
      for (const [addressId, entry] of Object.entries(addresses)) {
        writeEntry(addressId, () => ({ state: entry.state, history: { ...entry.history, runs: entry.history.runs.slice(-limit) } }), false);
      }
      const why = found.state === 'ok' ? 'it is being upgraded' : found.damage.kind;
      const backup = moveAside(legacyPath, `before-migration-v${LEGACY_VERIFICATION_SCHEMA_VERSION}`, clock, 'verification history', why);
      if (found.state === 'ok') {
        addNotices(found.value.notices);
        return;
      }
      const startedWith = salvaged === null || salvaged.total === 0 ? 'an empty verification history' : `the history of ${salvaged.kept} of ${salvaged.total} addresses it could read`;
      addNotices([
        notice(
          found.damage.kind,
          `Relayproof's verification history could not be used (${describeDamage(found.damage)}). It was moved to ${backup}, and Relayproof started with ${startedWith}; every address is checked again on the next run. Settings, addresses and passwords were not affected.`,
          backup,
        ),
      ]);
    });
  }

  migrateLegacy();
  noticesFile.read();
  // Every file is checked at open, so a damaged one is reported right away (About, doctor).
  for (const addressId of listIds()) load(addressId);

  function bounded(entry: VerificationEntry): VerificationEntry {
    return entry.history.runs.length > limit ? { ...entry, history: { ...entry.history, runs: entry.history.runs.slice(-limit) } } : entry;
  }

  /** A run's outcome as a change of the address's entry. Only what is new is validated: the history read back from the file already was. */
  function appending(addressId: string, state: AddressVerificationState, run: RunRecord): (current: VerificationEntry | undefined) => VerificationEntry {
    pathOf(addressId);
    const checkedState = addressVerificationStateSchema.parse(state);
    const checkedRun = runRecordSchema.parse(run);
    return (current) => {
      const history = appendRun(current?.history ?? emptyHistory(addressId), checkedRun, limit);
      if (history.addressId !== addressId) throw new Error(`The history of ${history.addressId} cannot be stored as ${addressId}.`);
      return { state: checkedState, history };
    };
  }

  const listeners = new Set<(addressIds: readonly string[]) => void>();
  let stopWatching: (() => void) | undefined;
  function changedElsewhere(names: ReadonlySet<string>): string[] {
    const candidates = names.has(ANY_ENTRY) ? [...new Set([...listIds(), ...files.keys()])] : [...names].flatMap((name) => ADDRESS_FILE.exec(name)?.[1] ?? []);
    // A file this process never opened changed elsewhere by definition; opening it now notes its state.
    return candidates.filter((addressId) => validId(addressId) && (files.has(addressId) ? fileOf(addressId).takeOutsideChange() : (fileOf(addressId), true))).sort();
  }

  const store: VerificationStore = {
    path: directory,
    pathOf,
    get: (addressId) => load(addressId),
    ids: () => listIds().filter((addressId) => load(addressId) !== undefined),
    update(addressId, update) {
      pathOf(addressId);
      return writeEntry(addressId, (current) => bounded(update(current)), false);
    },
    record(addressId, state, run) {
      return writeEntry(addressId, appending(addressId, state, run), true);
    },
    async recordAsync(addressId, state, run) {
      const written = await fileOf(addressId).updateAsync(asFile(addressId, appending(addressId, state, run)), { validated: true });
      return { state: written.state, history: written.history };
    },
    remove(addressId) {
      if (!validId(addressId)) return false;
      return fileOf(addressId).remove();
    },
    notices: () => noticesFile.read()?.notices ?? [],
    dismissNotice(id) {
      if (!(noticesFile.read()?.notices ?? []).some((n) => n.id === id)) return false;
      let dismissed = false;
      noticesFile.update((current) => {
        if (current === undefined) return { schemaVersion: VERIFICATION_SCHEMA_VERSION, notices: [] };
        const notices = current.notices.filter((n) => n.id !== id);
        dismissed = notices.length !== current.notices.length;
        return dismissed ? { ...current, notices } : current;
      });
      return dismissed;
    },
    watch(listener) {
      listeners.add(listener);
      stopWatching ??= watchFolder(
        directory,
        (names) => {
          const changed = changedElsewhere(names);
          if (changed.length === 0) return;
          for (const each of [...listeners]) each(changed);
        },
        deps.watch,
      );
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && stopWatching !== undefined) {
          stopWatching();
          stopWatching = undefined;
        }
      };
    },
  };
  return store;
}

/** The history of an address as stored (empty when it has none). */
export function historyOf(entry: VerificationEntry | undefined, addressId: string): History {
  return entry?.history ?? emptyHistory(addressId);
}

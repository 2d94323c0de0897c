/**
 * Verification status and run history: one file per address,
 * `<dataDir>/verification/<addressId>.json` (conf in Node, electron-store in Electron:
 * atomic writes), beside the settings, so recording a run rewrites and validates only
 * that address's history (at most 500 runs), never the other addresses' and never the
 * settings file.
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
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { idSchema, storeNoticeSchema, type StoreNotice } from '../../src-preload/contract';
import { randomId, StoreUnavailableError, type StoreBackend } from '../store/store';
import { appendRun, emptyHistory } from './history';
import {
  HISTORY_LIMIT,
  addressVerificationStateSchema,
  historySchema,
  runRecordSchema,
  type AddressVerificationState,
  type History,
  type RunRecord,
} from './schemas';

/** The file of earlier versions (`verification.json`) and the folder of per-address files. */
export const VERIFICATION_CONFIG_NAME = 'verification';
export const VERIFICATION_DIRECTORY = 'verification';
/** Format of a per-address file (1 was the single `verification.json`). */
export const VERIFICATION_SCHEMA_VERSION = 2;
export const LEGACY_VERIFICATION_SCHEMA_VERSION = 1;
const NOTICES_NAME = '_notices'; // never an address id: ids have no underscore
const MAX_NOTICES = 20;

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
  addresses: z.record(idSchema, entrySchema),
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
  /** Deletes the address's file. */
  remove(addressId: string): boolean;
  notices(): readonly StoreNotice[];
  dismissNotice(id: string): boolean;
}

export interface OpenVerificationStoreDeps {
  readonly directory: string;
  readonly backend: (options: { cwd: string; configName: string }) => StoreBackend;
  readonly clock?: () => Date;
  readonly historyLimit?: number;
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === undefined ? error.message : `${code}: ${error.message}`;
  }
  return String(error);
}

function sidePath(path: string, label: string, clock: () => Date): string {
  const stem = basename(path).replace(/\.json$/u, '');
  const base = join(dirname(path), `${stem}.${label}-${clock().toISOString().replace(/:/gu, '-')}`);
  let candidate = `${base}.json`;
  for (let n = 2; existsSync(candidate); n++) candidate = `${base}-${n}.json`;
  return candidate;
}

type Problem = { readonly kind: StoreNotice['kind']; readonly reason: string; readonly raw?: unknown };
type Inspected<T> = { readonly value: T } | { readonly missing: true } | Problem;

/** Read and validate a file ourselves (conf throws on bad JSON; electron-store may reset it). */
function inspect<T>(path: string, schema: z.ZodType<T>, version: number): Inspected<T> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
    return { kind: 'unreadable', reason: errorText(error) };
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  if (text.trim() === '') return { kind: 'empty', reason: 'the file is empty' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { kind: 'corrupt-json', reason: error instanceof Error ? error.message : String(error) };
  }
  const found = typeof raw === 'object' && raw !== null ? (raw as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (typeof found === 'number' && found > version) return { kind: 'future-version', reason: `format ${found}`, raw };
  const checked = schema.safeParse(raw);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return { kind: 'invalid-content', reason: `${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'not valid'}`, raw };
  }
  return { value: checked.data };
}

/** The addresses of a damaged legacy document that still validate on their own. */
function salvage(raw: unknown): { readonly addresses: Record<string, VerificationEntry>; readonly kept: number; readonly total: number } {
  const kept: Record<string, VerificationEntry> = {};
  const addresses = typeof raw === 'object' && raw !== null ? (raw as { addresses?: unknown }).addresses : undefined;
  if (typeof addresses !== 'object' || addresses === null || Array.isArray(addresses)) return { addresses: kept, kept: 0, total: 0 };
  const entries = Object.entries(addresses);
  for (const [id, value] of entries) {
    const entry = entrySchema.safeParse(value);
    if (idSchema.safeParse(id).success && entry.success) kept[id] = entry.data;
  }
  return { addresses: kept, kept: Object.keys(kept).length, total: entries.length };
}

const ADDRESS_FILE = /^([a-z0-9][a-z0-9-]{0,63})\.json$/u;

export function openVerificationStore(deps: OpenVerificationStoreDeps): VerificationStore {
  const clock = deps.clock ?? (() => new Date());
  const limit = deps.historyLimit ?? HISTORY_LIMIT;
  const dataDirectory = resolve(deps.directory);
  const directory = join(dataDirectory, VERIFICATION_DIRECTORY);
  const legacyPath = join(dataDirectory, `${VERIFICATION_CONFIG_NAME}.json`);
  const noticesPath = join(directory, `${NOTICES_NAME}.json`);
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StoreUnavailableError(`Relayproof could not create its verification history folder ${directory} (${errorText(error)}).`);
  }

  const validId = (addressId: string) => idSchema.safeParse(addressId).success;
  const pathOf = (addressId: string) => {
    if (!validId(addressId)) throw new Error(`Not an address id: ${JSON.stringify(addressId)}`);
    return join(directory, `${addressId}.json`);
  };

  const backends = new Map<string, StoreBackend>();
  function backendOf(configName: string): StoreBackend {
    let backend = backends.get(configName);
    if (backend === undefined) {
      try {
        backend = deps.backend({ cwd: directory, configName });
      } catch (error) {
        throw new StoreUnavailableError(`Relayproof could not open its verification history ${join(directory, `${configName}.json`)} (${errorText(error)}).`);
      }
      backends.set(configName, backend);
    }
    return backend;
  }

  // Every file is parsed and validated again only when it changed (another process wrote it).
  const stampOf = (path: string) => {
    try {
      const s = statSync(path);
      return `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch {
      return 'missing';
    }
  };

  function save(configName: string, path: string, document: Record<string, unknown>, what: string): string {
    try {
      backendOf(configName).write(document);
    } catch (error) {
      throw new StoreUnavailableError(`Relayproof could not save ${what} ${path} (${errorText(error)}).`);
    }
    return stampOf(path);
  }

  /** Moves a damaged file aside; throws when that is impossible (the file is left as it is). */
  function moveAside(path: string, label: string, problem: string): string {
    const backup = sidePath(path, label, clock);
    try {
      renameSync(path, backup);
    } catch (error) {
      throw new StoreUnavailableError(
        `Relayproof's verification history ${path} cannot be used (${problem}), and moving it aside to ${backup} failed (${errorText(error)}). Relayproof did not change it. Move or repair the file, then start Relayproof again.`,
      );
    }
    return backup;
  }

  const notice = (kind: StoreNotice['kind'], message: string, backupPath: string): StoreNotice => ({ id: randomId('n-'), at: clock().toISOString(), kind, message, backupPath });

  // ---- notices (verification/_notices.json)
  let noticesCache: { readonly stamp: string; readonly file: NoticesFile } | null = null;
  const noNotices = (): NoticesFile => ({ schemaVersion: VERIFICATION_SCHEMA_VERSION, notices: [] });
  function writeNotices(file: NoticesFile): NoticesFile {
    const checked = noticesFileSchema.parse(file);
    noticesCache = { stamp: save(NOTICES_NAME, noticesPath, { ...checked }, 'the notices of its verification history'), file: checked };
    return checked;
  }
  function loadNotices(): NoticesFile {
    const stamp = stampOf(noticesPath);
    if (noticesCache !== null && noticesCache.stamp === stamp) return noticesCache.file;
    const found = inspect(noticesPath, noticesFileSchema, VERIFICATION_SCHEMA_VERSION);
    if ('value' in found) {
      noticesCache = { stamp, file: found.value };
      return found.value;
    }
    if ('missing' in found) return noNotices();
    const backup = moveAside(noticesPath, 'corrupt', found.kind);
    return writeNotices({
      ...noNotices(),
      notices: [
        notice(
          found.kind,
          `The list of Relayproof's verification history notices could not be used (${found.kind}: ${found.reason}). It was moved to ${backup}; earlier notices may be missing. The verification history itself, settings and passwords were not affected.`,
          backup,
        ),
      ],
    });
  }
  function addNotices(added: readonly StoreNotice[]): void {
    if (added.length === 0) return;
    const current = loadNotices();
    writeNotices({ ...current, notices: [...current.notices, ...added].slice(-MAX_NOTICES) });
  }

  // ---- per-address files
  const cache = new Map<string, { readonly stamp: string; readonly entry: VerificationEntry }>();

  function writeEntry(addressId: string, entry: VerificationEntry, validated: boolean): VerificationEntry {
    const path = pathOf(addressId);
    const document: VerificationFile = { schemaVersion: VERIFICATION_SCHEMA_VERSION, addressId, state: entry.state, history: entry.history };
    const checked = validated ? document : verificationFileSchema.parse(document);
    const stored: VerificationEntry = { state: checked.state, history: checked.history };
    cache.set(addressId, { stamp: save(addressId, path, { ...checked }, `the verification history of ${addressId} in`), entry: stored });
    return stored;
  }

  function load(addressId: string): VerificationEntry | undefined {
    if (!validId(addressId)) return undefined;
    const path = pathOf(addressId);
    const stamp = stampOf(path);
    const cached = cache.get(addressId);
    if (cached !== undefined && cached.stamp === stamp) return cached.entry;
    cache.delete(addressId);
    if (stamp === 'missing') return undefined;
    const found = inspect(path, verificationFileSchema, VERIFICATION_SCHEMA_VERSION);
    if ('value' in found) {
      if (found.value.addressId === addressId) {
        const entry = { state: found.value.state, history: found.value.history };
        cache.set(addressId, { stamp, entry });
        return entry;
      }
    } else if ('missing' in found) return undefined;
    const problem: Problem = 'value' in found ? { kind: 'invalid-content', reason: `addressId: the file is named ${addressId} but holds ${found.value.addressId}` } : found;
    // A damaged file of one address never touches the others: only this one starts over.
    const backup = moveAside(path, 'corrupt', problem.kind);
    addNotices([
      notice(
        problem.kind,
        `Relayproof's verification history of address ${addressId} could not be used (${problem.kind}: ${problem.reason}). It was moved to ${backup}, and that address started with an empty verification history; it is checked again on the next run. The other addresses' history, settings and passwords were not affected.`,
        backup,
      ),
    ]);
    return undefined;
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
    const found = inspect(legacyPath, legacyVerificationDocumentSchema, LEGACY_VERIFICATION_SCHEMA_VERSION);
    if ('missing' in found) return;
    const salvaged = 'value' in found ? null : found.raw === undefined ? { addresses: {}, kept: 0, total: 0 } : salvage(found.raw);
    const addresses = 'value' in found ? found.value.addresses : (salvaged?.addresses ?? {});
    // Written first: if anything stops half-way, verification.json is still there and the next start does it again.
    for (const [addressId, entry] of Object.entries(addresses)) writeEntry(addressId, { state: entry.state, history: { ...entry.history, runs: entry.history.runs.slice(-limit) } }, false);
    const backup = moveAside(legacyPath, `before-migration-v${LEGACY_VERIFICATION_SCHEMA_VERSION}`, 'value' in found ? 'it is being upgraded' : found.kind);
    if ('value' in found) {
      addNotices(found.value.notices);
      return;
    }
    const startedWith = salvaged === null || salvaged.total === 0 ? 'an empty verification history' : `the history of ${salvaged.kept} of ${salvaged.total} addresses it could read`;
    addNotices([
      notice(
        found.kind,
        `Relayproof's verification history could not be used (${found.kind}: ${found.reason}). It was moved to ${backup}, and Relayproof started with ${startedWith}; every address is checked again on the next run. Settings, addresses and passwords were not affected.`,
        backup,
      ),
    ]);
  }

  migrateLegacy();
  loadNotices();
  // Every file is checked at open, so a damaged one is reported right away (About, doctor).
  for (const addressId of listIds()) load(addressId);

  function bounded(entry: VerificationEntry): VerificationEntry {
    return entry.history.runs.length > limit ? { ...entry, history: { ...entry.history, runs: entry.history.runs.slice(-limit) } } : entry;
  }

  const store: VerificationStore = {
    path: directory,
    pathOf,
    get: (addressId) => load(addressId),
    ids: () => listIds().filter((addressId) => load(addressId) !== undefined),
    update(addressId, update) {
      pathOf(addressId);
      return writeEntry(addressId, bounded(update(load(addressId))), false);
    },
    record(addressId, state, run) {
      pathOf(addressId);
      // Only what is new is validated: the history read back from the file already was.
      const checkedState = addressVerificationStateSchema.parse(state);
      const checkedRun = runRecordSchema.parse(run);
      const history = appendRun(load(addressId)?.history ?? emptyHistory(addressId), checkedRun, limit);
      if (history.addressId !== addressId) throw new Error(`The history of ${history.addressId} cannot be stored as ${addressId}.`);
      return writeEntry(addressId, { state: checkedState, history }, true);
    },
    remove(addressId) {
      if (!validId(addressId)) return false;
      const path = pathOf(addressId);
      cache.delete(addressId);
      backends.delete(addressId);
      try {
        unlinkSync(path);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw new StoreUnavailableError(`Relayproof could not delete the verification history ${path} (${errorText(error)}).`);
      }
    },
    notices: () => loadNotices().notices,
    dismissNotice(id) {
      const current = loadNotices();
      const notices = current.notices.filter((n) => n.id !== id);
      if (notices.length === current.notices.length) return false;
      writeNotices({ ...current, notices });
      return true;
    },
  };
  return store;
}

/** The history of an address as stored (empty when it has none). */
export function historyOf(entry: VerificationEntry | undefined, addressId: string): History {
  return entry?.history ?? emptyHistory(addressId);
}

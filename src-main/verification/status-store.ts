/**
 * Verification status and run history, in their own file `verification.json` beside the
 * settings (conf in Node, electron-store in Electron: atomic writes), so a history of
 * 500 runs per address never slows down or endangers the settings file.
 *
 * Stored per address: the item states (`AddressVerificationState`) and the bounded run
 * history. The overall status is derived (statusView), never stored; no secret is ever
 * in it (observations carry evidence from DNS, SMTP replies and message headers only).
 *
 * A file that cannot be used is moved aside to `verification.corrupt-<time>.json`,
 * never silently reset: the addresses it could read are kept, and a notice names the
 * backup until the admin dismisses it (shown with the settings notices in About and
 * `relayproof doctor`).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { idSchema, storeNoticeSchema, type StoreNotice } from '../../src-preload/contract';
import { randomId, StoreUnavailableError, type StoreBackend } from '../store/store';
import { appendRun, emptyHistory } from './history';
import { HISTORY_LIMIT, addressVerificationStateSchema, historySchema, type AddressVerificationState, type History, type RunRecord } from './schemas';

export const VERIFICATION_CONFIG_NAME = 'verification';
export const VERIFICATION_SCHEMA_VERSION = 1;
const MAX_NOTICES = 20;

const entrySchema = z.object({ state: addressVerificationStateSchema, history: historySchema });
export type VerificationEntry = z.infer<typeof entrySchema>;

export const verificationDocumentSchema = z.object({
  schemaVersion: z.literal(VERIFICATION_SCHEMA_VERSION),
  addresses: z.record(idSchema, entrySchema),
  notices: z.array(storeNoticeSchema).max(MAX_NOTICES).default([]),
});
export type VerificationDocument = z.infer<typeof verificationDocumentSchema>;

export interface VerificationStore {
  readonly path: string;
  get(addressId: string): VerificationEntry | undefined;
  ids(): readonly string[];
  /** Read-modify-write of one address; `update` gets undefined when it has no entry yet. */
  update(addressId: string, update: (entry: VerificationEntry | undefined) => VerificationEntry): VerificationEntry;
  /** Store a run's outcome: the new state, the run appended (history bounded). */
  record(addressId: string, state: AddressVerificationState, run: RunRecord): VerificationEntry;
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

const empty = (): VerificationDocument => ({ schemaVersion: VERIFICATION_SCHEMA_VERSION, addresses: {}, notices: [] });

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === undefined ? error.message : `${code}: ${error.message}`;
  }
  return String(error);
}

function sidePath(path: string, clock: () => Date): string {
  const stem = basename(path).replace(/\.json$/u, '');
  const base = join(dirname(path), `${stem}.corrupt-${clock().toISOString().replace(/:/gu, '-')}`);
  let candidate = `${base}.json`;
  for (let n = 2; existsSync(candidate); n++) candidate = `${base}-${n}.json`;
  return candidate;
}

type Problem = { readonly kind: StoreNotice['kind']; readonly reason: string; readonly raw?: unknown };

/** Check the file before the backend sees it (conf throws on bad JSON; electron-store may reset it). */
function inspect(path: string): { readonly document: VerificationDocument; readonly mustWrite: boolean } | Problem {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { document: empty(), mustWrite: true };
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
  const version = typeof raw === 'object' && raw !== null ? (raw as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (typeof version === 'number' && version > VERIFICATION_SCHEMA_VERSION) return { kind: 'future-version', reason: `format ${version}`, raw };
  const checked = verificationDocumentSchema.safeParse(raw);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return { kind: 'invalid-content', reason: `${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'not valid'}`, raw };
  }
  return { document: checked.data, mustWrite: false };
}

/** The addresses of a damaged document that still validate on their own. */
function salvage(raw: unknown): { readonly document: VerificationDocument; readonly kept: number; readonly total: number } {
  const document = empty();
  const addresses = typeof raw === 'object' && raw !== null ? (raw as { addresses?: unknown }).addresses : undefined;
  if (typeof addresses !== 'object' || addresses === null || Array.isArray(addresses)) return { document, kept: 0, total: 0 };
  const entries = Object.entries(addresses);
  for (const [id, value] of entries) {
    const entry = entrySchema.safeParse(value);
    if (idSchema.safeParse(id).success && entry.success) document.addresses[id] = entry.data;
  }
  return { document, kept: Object.keys(document.addresses).length, total: entries.length };
}

export function openVerificationStore(deps: OpenVerificationStoreDeps): VerificationStore {
  const clock = deps.clock ?? (() => new Date());
  const limit = deps.historyLimit ?? HISTORY_LIMIT;
  const directory = resolve(deps.directory);
  const path = join(directory, `${VERIFICATION_CONFIG_NAME}.json`);
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StoreUnavailableError(`Relayproof could not create its data folder ${directory} (${errorText(error)}).`);
  }

  function recover(): { readonly document: VerificationDocument; readonly mustWrite: boolean } {
    const found = inspect(path);
    if ('document' in found) return found;
    const backup = sidePath(path, clock);
    try {
      renameSync(path, backup);
    } catch (error) {
      throw new StoreUnavailableError(
        `Relayproof's verification history ${path} cannot be used (${found.kind}), and moving it aside to ${backup} failed (${errorText(error)}). Relayproof did not change it. Move or repair the file, then start Relayproof again.`,
      );
    }
    const kept = found.raw === undefined ? { document: empty(), kept: 0, total: 0 } : salvage(found.raw);
    const startedWith = kept.total === 0 ? 'an empty verification history' : `the history of ${kept.kept} of ${kept.total} addresses it could read`;
    const notice: StoreNotice = {
      id: randomId('n-'),
      at: clock().toISOString(),
      kind: found.kind,
      message: `Relayproof's verification history could not be used (${found.kind}: ${found.reason}). It was moved to ${backup}, and Relayproof started with ${startedWith}; every address is checked again on the next run. Settings, addresses and passwords were not affected.`,
      backupPath: backup,
    };
    return { document: { ...kept.document, notices: [notice] }, mustWrite: true };
  }

  const initial = recover();
  let backend: StoreBackend;
  try {
    backend = deps.backend({ cwd: directory, configName: VERIFICATION_CONFIG_NAME });
  } catch (error) {
    throw new StoreUnavailableError(`Relayproof could not open its verification history ${path} (${errorText(error)}).`);
  }

  // conf re-reads the whole file on every access; a history of thousands of runs is
  // parsed and validated again only when the file changed (another process wrote it).
  let cache: { readonly stamp: string; readonly document: VerificationDocument } | null = null;
  const stampOf = () => {
    try {
      const s = statSync(path);
      return `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch {
      return 'missing';
    }
  };

  function write(document: VerificationDocument): VerificationDocument {
    const checked = verificationDocumentSchema.parse(document);
    try {
      backend.write({ ...checked });
    } catch (error) {
      throw new StoreUnavailableError(`Relayproof could not save its verification history ${path} (${errorText(error)}).`);
    }
    cache = { stamp: stampOf(), document: checked };
    return checked;
  }

  function load(): VerificationDocument {
    const stamp = stampOf();
    if (cache !== null && cache.stamp === stamp) return cache.document;
    let raw: unknown;
    try {
      raw = backend.read();
    } catch {
      raw = undefined;
    }
    const checked = verificationDocumentSchema.safeParse(raw);
    if (checked.success) {
      cache = { stamp, document: checked.data };
      return checked.data;
    }
    // Changed under us (hand edit, deleted): recover exactly as at open.
    const recovered = recover();
    return recovered.mustWrite ? write(recovered.document) : recovered.document;
  }

  function change(mutate: (document: VerificationDocument) => VerificationDocument): VerificationDocument {
    const before = load();
    const after = mutate(before);
    return after === before ? before : write(after);
  }

  if (initial.mustWrite) write(initial.document);

  function bounded(entry: VerificationEntry): VerificationEntry {
    return entry.history.runs.length > limit ? { ...entry, history: { ...entry.history, runs: entry.history.runs.slice(-limit) } } : entry;
  }

  const store: VerificationStore = {
    path,
    get: (addressId) => load().addresses[addressId],
    ids: () => Object.keys(load().addresses),
    update(addressId, update) {
      let result: VerificationEntry | undefined;
      change((document) => {
        result = bounded(update(document.addresses[addressId]));
        return { ...document, addresses: { ...document.addresses, [addressId]: result } };
      });
      return result as VerificationEntry;
    },
    record(addressId, state, run) {
      return store.update(addressId, (entry) => ({ state, history: appendRun(entry?.history ?? emptyHistory(addressId), run, limit) }));
    },
    remove(addressId) {
      let removed = false;
      change((document) => {
        if (!Object.hasOwn(document.addresses, addressId)) return document;
        removed = true;
        const { [addressId]: _gone, ...addresses } = document.addresses;
        return { ...document, addresses };
      });
      return removed;
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
  return store;
}

/** The history of an address as stored (empty when it has none). */
export function historyOf(entry: VerificationEntry | undefined, addressId: string): History {
  return entry?.history ?? emptyHistory(addressId);
}

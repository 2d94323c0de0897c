/**
 * One stored JSON document in the data folder — the settings and addresses, one
 * address's verification history, the history's notices, the Microsoft 365 app
 * registrations — shared by every Relayproof process on this machine (the app, `serve`
 * and any number of CLI commands). Every document goes through here, so each gets the
 * same protections:
 *
 * - Reading never trusts the file. It is looked at (lstat) before it is opened: a link is
 *   not followed, a folder or special file is not opened, a file larger than the
 *   document's limit is never read into memory; then it is opened without following links
 *   and read no further than the limit.
 * - A damaged file (any of those, bad JSON, invalid content, a newer format, a format it
 *   cannot upgrade) is moved aside to `<name>.corrupt-<time>.json`, never overwritten or
 *   deleted, and the document's owner reports it (`recover`). Never a silent reset.
 * - `schemaVersion` and migrations: an older format is upgraded in memory, and the
 *   original is copied to `<name>.before-migration-v<n>-<time>.json` before the first
 *   write in the new format.
 * - Every read-modify-write (`update`) holds `<name>.lock` across processes, reads the
 *   file again inside it, validates the whole result and replaces the file atomically:
 *   temporary file, fsync, rename over the original, fsync of the folder. Two processes
 *   changing one document at once never lose each other's change.
 * - `watch` tells a running process that another process changed the file.
 *
 * The settings and the verification history (with its notices) are read and written by
 * their engine — `conf` in Node, `electron-store` in Electron (document-engine.ts) — which
 * on its own reads a file whatever its size (readFileSync, when constructed and on every
 * read and write), writes through a link to wherever it points (its atomic writer
 * resolves the real path) and takes no lock. So the engine only ever sees files checked
 * here, and is built on first use after a check passed:
 *
 * - Read: the checks and the bounded read above first (its bytes also tell a byte order
 *   mark, an empty file, and where bad JSON breaks); then the engine reads the path; what
 *   it read is used only if the path still holds the checked file (same device, inode,
 *   size, mtime, ctime), else all of it is tried again. The engine's own open is by path,
 *   so a file swapped in between the check and that open (microseconds; something racing
 *   Relayproof in the data folder) is read by it — never used, but read: that open, not
 *   the check, is then what blocks on a named pipe or reads an oversized file. The same
 *   window lies between the write's fresh lstat below and the engine's own look at the path.
 * - Write: inside the lock, a fresh lstat right before the engine is called (missing, or a
 *   regular file within the limit; a link, folder, special or oversized file is refused),
 *   the lease confirmed, the engine's atomic write (temporary file, fsync, rename), then
 *   the folder fsynced here (the engine does not) and the lease confirmed again. The
 *   rename happens inside the engine, so "the holder still owns the lock" is checked just
 *   before its temporary file is written rather than just before its rename, and a
 *   takeover during that write is reported afterwards instead of prevented. (Inside a
 *   Snap package, where `SNAP` is set, conf writes the file in place instead: a crash
 *   mid-write then leaves a damaged file, which is moved aside and reported.)
 * - Deleting a file, moving a damaged one aside and copying one before a migration are
 *   done here: the engines have no operation for them.
 *
 * Documents opened without an engine (`m365-apps.json`) are read and written here
 * directly, in the same format (tab-indented JSON, mode 0600), with the lease confirmed
 * between the fsync and the rename.
 *
 * Synchronous on purpose: the lock is held only inside one synchronous call, so it can
 * never be left held across an `await`, and calls in one process never interleave. The
 * one exception is `updateAsync`, for a process that writes many files while it waits on
 * the network (a fleet re-check records a run per address): its write and fsyncs run off
 * the event loop with the lock held, its calls are queued one after another in the
 * process, and a synchronous change of the same file meanwhile is refused, not waited for.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import type { DocumentEngine, DocumentEngineFactory } from './document-engine';
import { holdFileLock, withFileLock, type Lease, type LockOptions } from './file-lock';
import { ANY_ENTRY, watchFolder, type FolderWatchOptions } from './folder-watch';
import { StoreUnavailableError, errorText } from './store-errors';

export { StoreUnavailableError } from './store-errors';

// ---------------------------------------------------------------------------
// Formats and migrations

/** One step of a document's format. The runner sets `schemaVersion` to `to` afterwards. */
export interface Migration {
  readonly from: number;
  readonly to: number;
  migrate(document: Readonly<Record<string, unknown>>): Record<string, unknown>;
}

/** A wrong migration list is a programmer error: throw at startup, before touching the file. */
export function checkMigrations(migrations: ReadonlyArray<Migration>, target: number): void {
  const froms = new Set<number>();
  for (const m of migrations) {
    if (!Number.isInteger(m.from) || m.from < 0 || m.to !== m.from + 1) throw new Error(`Migration ${m.from}→${m.to} must go from n to n+1.`);
    if (m.to > target) throw new Error(`Migration ${m.from}→${m.to} goes beyond schema version ${target}.`);
    if (froms.has(m.from)) throw new Error(`Two migrations start at version ${m.from}.`);
    froms.add(m.from);
  }
}

export type MigrationOutcome =
  | { readonly ok: true; readonly document: Record<string, unknown>; readonly applied: readonly number[] }
  | { readonly ok: false; readonly reason: string };

/** Apply from → from+1 → ... → target, in order. `applied` lists the `to` of each step. `noun` names the format in reasons. */
export function runMigrations(document: Readonly<Record<string, unknown>>, from: number, migrations: ReadonlyArray<Migration>, target: number, noun: string): MigrationOutcome {
  let current: Record<string, unknown> = { ...document };
  const applied: number[] = [];
  for (let version = from; version < target; version++) {
    const step = migrations.find((m) => m.from === version);
    if (step === undefined) return { ok: false, reason: `this Relayproof cannot upgrade ${noun} format ${version}` };
    try {
      current = { ...step.migrate(current), schemaVersion: step.to };
    } catch (error) {
      return { ok: false, reason: `upgrading it from format ${version} failed (${error instanceof Error ? error.message : String(error)})` };
    }
    applied.push(step.to);
  }
  return { ok: true, document: current, applied };
}

/** What a document's file must look like. */
export interface DocumentFormat<T> {
  /** The whole current document, `schemaVersion` included: the single source of its type. */
  readonly schema: z.ZodType<T>;
  /** The current `schemaVersion`. */
  readonly version: number;
  /** Upgrades from older formats; one from 0 makes a file without `schemaVersion` format 0. */
  readonly migrations?: ReadonlyArray<Migration>;
  /** Larger files are never read: moved aside as damaged. */
  readonly maxBytes: number;
  /**
   * Files with more JSON entries (list items and object members, counted in the text before
   * it is parsed) are moved aside unparsed. Default DEFAULT_MAX_ENTRIES.
   */
  readonly maxEntries?: number;
  /** The format in reasons: "settings" → "this Relayproof cannot upgrade settings format 1". */
  readonly noun: string;
}

// ---------------------------------------------------------------------------
// Damage

export type Damage =
  | { readonly kind: 'unreadable'; readonly reason: string }
  | { readonly kind: 'empty'; readonly size: number }
  | { readonly kind: 'corrupt-json'; readonly reason: string }
  /** `raw` is undefined when the file was judged without being parsed (too many entries). */
  | { readonly kind: 'invalid-content'; readonly reason: string; readonly raw: unknown }
  | { readonly kind: 'future-version'; readonly version: number; readonly raw: unknown }
  | { readonly kind: 'too-large'; readonly size: number; readonly limit: number }
  | { readonly kind: 'symlink'; readonly target: string | null };

/** A damaged file, moved aside. */
export interface Quarantined {
  readonly damage: Damage;
  readonly backupPath: string;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : Number(value.toFixed(1))} ${units[unit]}`;
}

/** What is wrong, in a few words for a notice: "corrupt-json: cut off at byte 200 …". */
export function describeDamage(damage: Damage): string {
  switch (damage.kind) {
    case 'unreadable':
    case 'corrupt-json':
    case 'invalid-content':
      return `${damage.kind}: ${damage.reason}`;
    case 'empty':
      return `empty: the file is empty (${damage.size} bytes)`;
    case 'future-version':
      return `future-version: format ${damage.version}, written by a newer Relayproof`;
    case 'too-large':
      return `too-large: it is ${formatBytes(damage.size)}, more than the ${formatBytes(damage.limit)} this file can be, so it was not read`;
    case 'symlink':
      return `symlink: it is a link${damage.target === null ? '' : ` to ${damage.target}`}, which Relayproof does not follow`;
  }
}

// ---------------------------------------------------------------------------
// Reading

/** Identity of the file's current content without reading it: changes with every write. */
export function fileStamp(path: string): string {
  try {
    return stampOf(lstatSync(path));
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `error:${(error as NodeJS.ErrnoException).code ?? 'unknown'}`;
  }
}

function stampOf(stats: Stats): string {
  // The inode changes with every atomic replace; ctime also moves on rename, so a reused inode number is told apart.
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

function specialKind(stats: Stats): string {
  if (stats.isFIFO()) return 'named pipe';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'device';
  return 'special file';
}

function linkTarget(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

type RawRead = { readonly state: 'missing' } | { readonly state: 'damaged'; readonly damage: Damage } | { readonly state: 'read'; readonly bytes: Buffer; readonly stamp: string };

// Not on Windows: there the lstat check above them has to do.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
// A named pipe swapped in after the lstat would block the open forever.
const NON_BLOCK = constants.O_NONBLOCK ?? 0;
const CHUNK = 64 * 1024;

/** The file's bytes, if it is a regular file (not a link) no larger than `maxBytes`. */
function readBounded(path: string, maxBytes: number): RawRead {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    return { state: 'damaged', damage: { kind: 'unreadable', reason: errorText(error) } };
  }
  if (stats.isSymbolicLink()) return { state: 'damaged', damage: { kind: 'symlink', target: linkTarget(path) } };
  if (stats.isDirectory()) return { state: 'damaged', damage: { kind: 'unreadable', reason: 'it is a folder, not a file' } };
  if (!stats.isFile()) return { state: 'damaged', damage: { kind: 'unreadable', reason: `it is a ${specialKind(stats)}, not a file` } };
  if (stats.size > maxBytes) return { state: 'damaged', damage: { kind: 'too-large', size: stats.size, limit: maxBytes } };

  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NO_FOLLOW | NON_BLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: 'missing' };
    if (code === 'ELOOP') return { state: 'damaged', damage: { kind: 'symlink', target: linkTarget(path) } };
    return { state: 'damaged', damage: { kind: 'unreadable', reason: errorText(error) } };
  }
  try {
    // Swapped between the look and the open: judge what was opened.
    const opened = fstatSync(fd);
    if (!opened.isFile()) return { state: 'damaged', damage: { kind: 'unreadable', reason: `it is a ${specialKind(opened)}, not a file` } };
    if (opened.size > maxBytes) return { state: 'damaged', damage: { kind: 'too-large', size: opened.size, limit: maxBytes } };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const n = readSync(fd, chunk, 0, CHUNK, null);
      if (n === 0) break;
      total += n;
      // Growing while it is read: still never more than the limit in memory.
      if (total > maxBytes) return { state: 'damaged', damage: { kind: 'too-large', size: total, limit: maxBytes } };
      chunks.push(chunk.subarray(0, n));
    }
    return { state: 'read', bytes: Buffer.concat(chunks, total), stamp: stampOf(opened) };
  } catch (error) {
    return { state: 'damaged', damage: { kind: 'unreadable', reason: errorText(error) } };
  } finally {
    closeSync(fd);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where JSON.parse gave up, in bytes of the file, and whether the data simply stops there. */
function describeJsonError(text: string, error: unknown, offset: number): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = /at position (\d+)/u.exec(message);
  const position = at?.[1] === undefined ? undefined : Number(at[1]);
  const cutOff = /Unexpected end of JSON input|Unterminated string/u.test(message) || (position !== undefined && position >= text.trimEnd().length);
  const bytes = (chars: number) => offset + Buffer.byteLength(text.slice(0, chars), 'utf8');
  if (cutOff) return `cut off at byte ${bytes(text.length)}: the data stops in the middle, as after a crash or a full disk`;
  // V8 quotes the start of the input in some messages; the position says enough.
  const reason = message.replace(/, ".*" is not valid JSON$/su, '').replace(/ in JSON at position \d+$/u, '');
  return position === undefined ? reason : `${reason} at byte ${bytes(position)}`;
}

export type Inspection<T> =
  | { readonly state: 'missing' }
  | { readonly state: 'damaged'; readonly damage: Damage }
  | {
      readonly state: 'ok';
      readonly value: T;
      readonly stamp: string;
      /** The bytes are already what writing `value` gives (no BOM, nothing migrated or defaulted). */
      readonly canonical: boolean;
      /** The format it was upgraded from, in memory only so far. */
      readonly migratedFrom: number | null;
    };

const BOM = '\uFEFF';

/**
 * A read through the engine that found the file replaced afterwards is tried again: a
 * lock-free read can meet another process's rename (each write holds the lock for
 * milliseconds), so 20 in a row means something outside Relayproof keeps rewriting it.
 */
const ENGINE_READ_ATTEMPTS = 20;
const REPLACED = Symbol('replaced while the engine read it');

/**
 * Reads, classifies and validates one file. Never writes or moves anything. With an
 * `engine` (built on first use), the content is read through it, but only after the file
 * passed the checks of readBounded, and only if the path still holds that same file when
 * the engine is done.
 */
/**
 * A size limit alone does not bound memory: 31 MB of `{},` parses into ten million objects
 * (about 1 GB), and validating them collects an issue each. No Relayproof file comes near a
 * million entries (5,000 addresses of about 60 entries each are 300,000), and parsing a
 * million stays near 150 MB.
 */
export const DEFAULT_MAX_ENTRIES = 1_000_000;

/**
 * How many entries the JSON text holds: each list or object opened, plus each comma between
 * items, outside strings. Counted without parsing, and stopped as soon as `limit` is passed,
 * so the count of a hostile file costs one pass over the bytes and no memory.
 */
export function countJsonEntries(text: string, limit: number = Number.POSITIVE_INFINITY): number {
  let count = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x2c || c === 0x7b || c === 0x5b) {
      if (++count > limit) return count;
    }
  }
  return count;
}

export function inspectFile<T>(path: string, format: DocumentFormat<T>, engine?: () => DocumentEngine): Inspection<T> {
  for (let attempt = 1; ; attempt++) {
    const found = inspectOnce(path, format, engine);
    if (found !== REPLACED) return found;
    if (attempt >= ENGINE_READ_ATTEMPTS) {
      throw new StoreUnavailableError(`Relayproof could not read ${path}: it was replaced ${ENGINE_READ_ATTEMPTS} times while Relayproof read it, so something keeps rewriting it. Close the program that does, then try again.`);
    }
  }
}

function inspectOnce<T>(path: string, format: DocumentFormat<T>, engine: (() => DocumentEngine) | undefined): Inspection<T> | typeof REPLACED {
  // The checks: lstat (no link, no folder or special file, within the limit), then an
  // O_NOFOLLOW, non-blocking open judged by fstat, read no further than the limit.
  const read = readBounded(path, format.maxBytes);
  if (read.state !== 'read') return read;
  const { bytes, stamp } = read;

  let text = bytes.toString('utf8');
  // Notepad adds a byte order mark; the content is fine, and the next write drops it.
  const hadBom = text.startsWith(BOM);
  if (hadBom) text = text.slice(BOM.length);
  if (text.trim() === '') return { state: 'damaged', damage: { kind: 'empty', size: bytes.length } };

  // Before any parse (the engine's included): a file of millions of tiny entries fits under
  // the byte limit and would still exhaust memory in JSON.parse and in validation.
  const maxEntries = format.maxEntries ?? DEFAULT_MAX_ENTRIES;
  if (countJsonEntries(text, maxEntries) > maxEntries) {
    return {
      state: 'damaged',
      damage: { kind: 'invalid-content', reason: `it holds more than ${maxEntries.toLocaleString('en-US')} entries, far more than any ${format.noun} file Relayproof writes, so it was not read`, raw: undefined },
    };
  }

  const corrupt = (error: unknown): Inspection<T> => ({ state: 'damaged', damage: { kind: 'corrupt-json', reason: describeJsonError(text, error, hadBom ? 3 : 0) } });
  let raw: unknown;
  if (engine !== undefined && !hadBom) {
    // The engine opens the path again (readFileSync: it follows links and reads whatever
    // size it finds). What it read counts only if the path still holds the file checked
    // above: same device, inode, size, mtime and ctime. A file swapped in during those
    // microseconds has been read by then (the remaining window), but it is never used.
    let failure: { readonly error: unknown } | null = null;
    try {
      raw = engine().read();
    } catch (error) {
      failure = { error };
    }
    if (fileStamp(path) !== stamp) return REPLACED;
    if (failure !== null) {
      // The same bytes, parsed here, say where the JSON breaks.
      try {
        JSON.parse(text);
      } catch (error) {
        return corrupt(error);
      }
      return { state: 'damaged', damage: { kind: 'unreadable', reason: errorText(failure.error) } };
    }
  } else {
    // Without an engine, or with a byte order mark (which conf cannot parse): the checked bytes.
    try {
      raw = JSON.parse(text);
    } catch (error) {
      return corrupt(error);
    }
  }
  const invalid = (reason: string): Inspection<T> => ({ state: 'damaged', damage: { kind: 'invalid-content', reason, raw } });
  if (!isRecord(raw)) return invalid(`it is not a ${format.noun} object`);

  const migrations = format.migrations ?? [];
  let version: number;
  if (Object.hasOwn(raw, 'schemaVersion')) {
    const v = raw['schemaVersion'];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return invalid(`schemaVersion is ${JSON.stringify(v)}, not a format number`);
    version = v;
  } else if (migrations.some((m) => m.from === 0)) {
    // A file from before versioning, and a migration that knows that layout.
    version = 0;
  } else {
    return invalid('it has no schemaVersion');
  }
  if (version > format.version) return { state: 'damaged', damage: { kind: 'future-version', version, raw } };

  let current: Record<string, unknown> = raw;
  let migratedFrom: number | null = null;
  if (version < format.version) {
    const outcome = runMigrations(raw, version, migrations, format.version, format.noun);
    if (!outcome.ok) return invalid(outcome.reason);
    current = outcome.document;
    migratedFrom = version;
  }

  const checked = format.schema.safeParse(current);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.map(String).join('.')}: `;
    return invalid(`${where}${issue?.message ?? 'not valid'}`);
  }
  const canonical = !hadBom && migratedFrom === null && JSON.stringify(checked.data) === JSON.stringify(raw);
  return { state: 'ok', value: checked.data, stamp, canonical, migratedFrom };
}

// ---------------------------------------------------------------------------
// Writing and moving aside

function timeStamp(clock: () => Date): string {
  // ":" is not allowed in Windows file names.
  return clock().toISOString().replace(/:/gu, '-');
}

/** `<stem>.<label>-<time>.json` beside the original; never an existing name. */
export function sidePath(path: string, label: string, clock: () => Date): string {
  const stem = basename(path).replace(/\.json$/u, '');
  const base = join(dirname(path), `${stem}.${label}-${timeStamp(clock)}`);
  let candidate = `${base}.json`;
  for (let n = 2; existsSync(candidate); n++) candidate = `${base}-${n}.json`;
  return candidate;
}

/**
 * Renames the file (or folder, or link: the link itself, never what it points to) aside.
 * A rename keeps the original bytes exactly and never reads them. Throws
 * StoreUnavailableError when that is impossible; the file is then left as it is.
 */
export function moveAside(path: string, label: string, clock: () => Date, title: string, why: string): string {
  const backup = sidePath(path, label, clock);
  try {
    renameSync(path, backup);
  } catch (error) {
    throw new StoreUnavailableError(
      `Relayproof's ${title} ${path} cannot be used (${why}), and moving it aside to ${backup} failed (${errorText(error)}). Relayproof did not change it. Move or repair the file, then start Relayproof again.`,
    );
  }
  return backup;
}

function fsyncFolder(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open or fsync a folder; its rename is already durable once it returns.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Replaces `path` with `text`, atomically and durably: a reader sees the old file or the
 * new one, never a mix, and after a crash or power cut the new one is complete.
 * `beforeReplace` runs between the fsync and the rename (the lock holder confirms its lease).
 */
export function writeFileAtomically(path: string, text: string, beforeReplace: () => void = () => undefined): void {
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      const data = Buffer.from(text, 'utf8');
      for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset, data.length - offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    beforeReplace();
    // rename replaces a link at `path` itself; it never writes through it.
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  fsyncFolder(dirname(path));
}

async function fsyncFolderAsync(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open or fsync a folder; its rename is already durable once it returns.
  }
}

/**
 * writeFileAtomically with the writes and both fsyncs on libuv's thread pool: the same
 * temporary file, fsync, rename and folder fsync, in the same order, so the same promise
 * (old file or new one, never a mix; complete after a power cut), while the process goes
 * on with other work during the tens of milliseconds an fsync takes on a busy disk.
 */
export async function writeFileAtomicallyAsync(path: string, text: string, beforeReplace: () => void = () => undefined, afterReplace: () => void = () => undefined): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    beforeReplace();
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  // Before the folder's fsync is awaited: the file already is the new one for every reader.
  afterReplace();
  await fsyncFolderAsync(dirname(path));
}

/**
 * Why an engine must not replace `path` now, or null when it may (no file yet, or a
 * regular file within `maxBytes`). The engine's atomic writer resolves a link and writes
 * to its target, and conf reads the file it replaces whole first (readFileSync), so a
 * link, a folder, a named pipe (which would block that read) or an oversized file is
 * never handed to it.
 */
function unsafeToReplace(path: string, maxBytes: number): string | null {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : `could not be looked at (${errorText(error)})`;
  }
  if (stats.isSymbolicLink()) {
    const target = linkTarget(path);
    return `became a link${target === null ? '' : ` to ${target}`}`;
  }
  if (stats.isDirectory()) return 'became a folder';
  if (!stats.isFile()) return `became a ${specialKind(stats)}`;
  if (stats.size > maxBytes) return `grew to ${formatBytes(stats.size)}, more than the ${formatBytes(maxBytes)} it can be`;
  return null;
}

/** The bytes conf and electron-store write for a document. */
export function serializeDocument(value: unknown): string {
  return JSON.stringify(value, undefined, '\t');
}

// ---------------------------------------------------------------------------
// The document

export interface DocumentOptions<T> extends DocumentFormat<T> {
  readonly path: string;
  /** The file in the admin's words, for messages: "settings file", "verification history of address a-x". */
  readonly title: string;
  /**
   * A damaged file was moved aside (this runs inside the lock): report it, and return
   * the document to continue with (written at once), or undefined to continue without one.
   */
  readonly recover: (quarantined: Quarantined) => T | undefined;
  readonly clock?: () => Date;
  readonly lock?: LockOptions;
  readonly watch?: FolderWatchOptions;
  /**
   * Keep the parsed document while the file is unchanged (large documents read often).
   * The value returned is then shared: callers must not change it.
   */
  readonly cache?: boolean;
  /**
   * With `cache`: the kept document is frozen (deeply), so a caller that changes what it
   * was given fails at once instead of changing what every later read returns.
   */
  readonly freeze?: boolean;
  /** Called after each write of the file (tests and benchmarks count them). */
  readonly onWrite?: (path: string) => void;
  /**
   * The library that reads and writes the file (conf, electron-store), built on first use
   * after the file passed the checks. `path` must then be `<folder>/<name>.json`. Without
   * one, the file is read and written here directly (the Microsoft 365 registrations).
   */
  readonly engine?: DocumentEngineFactory;
}

export interface UpdateOptions {
  /**
   * The caller validated what it changed and the rest was validated when it was read:
   * skip validating the whole document again (a 3 MB history with one new run).
   */
  readonly validated?: boolean;
}

export interface DocumentFile<T> {
  readonly path: string;
  /** The current document; undefined when there is no file. Damage is recovered first. */
  read(): T | undefined;
  /**
   * Lock, read the file again, `mutate`, validate, write atomically, unlock. Returning the
   * document it was given unchanged writes nothing (unless the file still needs its
   * upgrade or normal form written). Throws (and writes nothing) when the result does not
   * validate: a programmer error must never reach the file.
   */
  update(mutate: (current: T | undefined) => T, options?: UpdateOptions): T;
  /**
   * `update` whose write does not block the process: the lock is taken and the file read,
   * changed and validated as in `update`, then the write and its fsyncs run off the event
   * loop while the lock stays held, and the lock is released once the file is replaced.
   * The same guarantees (atomic, durable, no lost update across processes). Calls in this
   * process run one after another; a synchronous change of this file while one is being
   * written is refused (StoreUnavailableError), never waited for. A document read through
   * an engine is written here in the engine's own format (tab-indented JSON, mode 0600).
   */
  updateAsync(mutate: (current: T | undefined) => T, options?: UpdateOptions): Promise<T>;
  /** Deletes the file (under the lock); false when there was none. */
  remove(): boolean;
  /** True once for each change of the file that this DocumentFile did not make itself. */
  takeOutsideChange(): boolean;
  /** Called (debounced) when another process, or another DocumentFile, changed the file. */
  watch(listener: () => void): () => void;
}

/** Freezes `value` and everything reachable from it (JSON data: objects and arrays). */
function deepFreeze<V>(value: V): V {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

interface Current<T> {
  readonly value: T | undefined;
  /** Writing is needed even if nothing changes (upgrade, BOM, defaults filled in). */
  readonly dirty: boolean;
  readonly migratedFrom: number | null;
}

export function openDocument<T>(options: DocumentOptions<T>): DocumentFile<T> {
  const { path, title, schema } = options;
  const clock = options.clock ?? (() => new Date());
  checkMigrations(options.migrations ?? [], options.version);
  if (options.engine !== undefined && !path.endsWith('.json')) throw new Error(`A document read through an engine must be a .json file: ${path}`);
  let cached: { readonly stamp: string; readonly inspection: Inspection<T> & { readonly state: 'ok' } } | null = null;
  // The last state of the file this DocumentFile knows of (its own writes included).
  let known = fileStamp(path);
  const listeners = new Set<() => void>();
  let stopWatching: (() => void) | undefined;

  let engine: DocumentEngine | undefined;
  /** Called only once a check passed: constructing conf already reads the file. */
  function engineNow(): DocumentEngine {
    if (engine !== undefined) return engine;
    if (options.engine === undefined) throw new Error(`${title} has no engine.`);
    const made = options.engine({ cwd: dirname(path), configName: basename(path, '.json') });
    if (resolve(made.path) !== resolve(path)) throw new Error(`The engine of ${path} would read ${made.path}.`);
    engine = made;
    return made;
  }

  const kept = <V>(value: V): V => (options.freeze === true ? deepFreeze(value) : value);

  function inspect(): Inspection<T> {
    if (options.cache === true && cached !== null && fileStamp(path) === cached.stamp) return cached.inspection;
    const found = inspectFile(path, options, options.engine === undefined ? undefined : engineNow);
    if (options.cache === true && found.state === 'ok') {
      const inspection = { ...found, value: kept(found.value) };
      cached = { stamp: found.stamp, inspection };
      return inspection;
    }
    cached = null;
    return found;
  }

  function validate(value: T): T {
    const checked = schema.safeParse(value);
    if (!checked.success) {
      throw new Error(`Refusing to write an invalid ${title}: ${checked.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ')}`);
    }
    return checked.data;
  }

  function writeThroughEngine(value: Readonly<Record<string, unknown>>, lease: Lease): void {
    // Inside the lock no Relayproof process changes the file, but it was read a moment ago:
    // look again right before the engine follows, reads and replaces the path.
    const problem = unsafeToReplace(path, options.maxBytes);
    if (problem !== null) {
      throw new StoreUnavailableError(
        `Relayproof did not save this change: its ${title} ${path} ${problem} after Relayproof had read it, and Relayproof never writes through a link or over a file it has not checked. Try again; the file is then moved aside and reported.`,
      );
    }
    // The rename is inside the engine (its atomic writer: temporary file, fsync, rename), so
    // the lease is confirmed before the engine starts instead of between its fsync and its
    // rename: the window in which a takeover goes unnoticed grows from the rename alone to
    // writing and flushing the temporary file (milliseconds; a takeover needs the lock to
    // have been held 30 s, or its holder to look dead). A takeover during it is still found
    // right after, and reported instead of passing for a clean save.
    lease.confirm();
    engineNow().write(value);
    // The engine flushes the file but not the folder: without this, a power cut could lose the rename.
    fsyncFolder(dirname(path));
    try {
      lease.confirm();
    } catch {
      throw new StoreUnavailableError(
        `Relayproof held the lock on its ${title} for so long that another Relayproof process took it over while this change was being saved, so the change may have been overwritten. Check it and try again.`,
      );
    }
  }

  function write(value: T, lease: Lease): T {
    if (options.engine !== undefined && !isRecord(value)) throw new Error(`Refusing to write ${title}: a document read through an engine must be a JSON object.`);
    try {
      if (options.engine !== undefined && isRecord(value)) writeThroughEngine(value, lease);
      else writeFileAtomically(path, serializeDocument(value), () => lease.confirm());
    } catch (error) {
      throw saveError(error);
    }
    return written(value);
  }

  function saveError(error: unknown): StoreUnavailableError {
    return error instanceof StoreUnavailableError ? error : new StoreUnavailableError(`Relayproof could not save its ${title} ${path} (${errorText(error)}).`);
  }

  /** After this DocumentFile replaced the file: its own write is no outside change, and is what later reads get. */
  function replacedBy(value: T): void {
    known = fileStamp(path);
    cached = options.cache === true ? { stamp: known, inspection: { state: 'ok', value: kept(value), stamp: known, canonical: true, migratedFrom: null } } : null;
  }

  function written(value: T): T {
    replacedBy(value);
    options.onWrite?.(path);
    return value;
  }

  async function writeAsync(value: T, lease: Lease): Promise<T> {
    if (options.engine !== undefined) {
      if (!isRecord(value)) throw new Error(`Refusing to write ${title}: a document read through an engine must be a JSON object.`);
      // The engine is not called, but the path is checked as before its writes: never replaced if it became a link or something else.
      const problem = unsafeToReplace(path, options.maxBytes);
      if (problem !== null) {
        throw new StoreUnavailableError(
          `Relayproof did not save this change: its ${title} ${path} ${problem} after Relayproof had read it, and Relayproof never writes through a link or over a file it has not checked. Try again; the file is then moved aside and reported.`,
        );
      }
    }
    try {
      // Noted as its own write at the rename, not after the folder's fsync: a watcher looking meanwhile must not take it for another process's.
      await writeFileAtomicallyAsync(
        path,
        serializeDocument(value),
        () => lease.confirm(),
        () => replacedBy(value),
      );
    } catch (error) {
      throw saveError(error);
    }
    options.onWrite?.(path);
    return value;
  }

  /** Before the first write in a new format: the old file is kept, readable by an older Relayproof. */
  function copyBeforeMigration(migratedFrom: number): void {
    const copy = sidePath(path, `before-migration-v${migratedFrom}`, clock);
    try {
      copyFileSync(path, copy, constants.COPYFILE_EXCL);
    } catch (error) {
      throw new StoreUnavailableError(`Relayproof could not copy its ${title} ${path} to ${copy} before upgrading it (${errorText(error)}), so it did not change it.`);
    }
  }

  // The last updateAsync of this process, and how many are queued or under way: the next one starts once the last is done.
  let asyncTail: Promise<unknown> = Promise.resolve();
  let asyncWrites = 0;

  /** Inside the lock: the file as it is now, recovered when damaged. */
  function readLocked(lease: Lease): Current<T> {
    const found = inspect();
    switch (found.state) {
      case 'missing':
        return { value: undefined, dirty: false, migratedFrom: null };
      case 'ok':
        return { value: found.value, dirty: !found.canonical, migratedFrom: found.migratedFrom };
      case 'damaged': {
        const backupPath = moveAside(path, 'corrupt', clock, title, found.damage.kind);
        cached = null;
        known = fileStamp(path);
        const replacement = options.recover({ damage: found.damage, backupPath });
        if (replacement === undefined) return { value: undefined, dirty: false, migratedFrom: null };
        return { value: write(validate(replacement), lease), dirty: false, migratedFrom: null };
      }
    }
  }

  const locked = <R>(work: (lease: Lease) => R): R => withFileLock(path, title, work, options.lock);

  function takeOutsideChange(): boolean {
    const now = fileStamp(path);
    if (now === known) return false;
    known = now;
    return true;
  }

  return {
    path,

    read() {
      const found = inspect();
      if (found.state === 'ok') return found.value;
      if (found.state === 'missing') return undefined;
      // Moving aside happens inside the lock, after a second look: another process may
      // have recovered it already, and its fresh file must not be moved aside as well.
      return locked((lease) => readLocked(lease).value);
    },

    update(mutate, updateOptions) {
      return locked((lease) => {
        const current = readLocked(lease);
        const next = mutate(current.value);
        if (next === current.value && !current.dirty) return next;
        const checked = updateOptions?.validated === true ? next : validate(next);
        // The old format stays readable by an older Relayproof, and nothing is lost if the upgrade was wrong.
        if (current.migratedFrom !== null) copyBeforeMigration(current.migratedFrom);
        return write(checked, lease);
      });
    },

    updateAsync(mutate, updateOptions) {
      const run = async (): Promise<T> => {
        const held = await holdFileLock(path, title, options.lock);
        try {
          const current = readLocked(held.lease);
          const next = mutate(current.value);
          if (next === current.value && !current.dirty) return next;
          const checked = updateOptions?.validated === true ? next : validate(next);
          if (current.migratedFrom !== null) copyBeforeMigration(current.migratedFrom);
          return await writeAsync(checked, held.lease);
        } finally {
          held.release();
        }
      };
      // One at a time in this process: a second one waits here, not on a lock its own process
      // holds. With none under way it starts now, so the lock is taken before this returns.
      const result = asyncWrites === 0 ? run() : asyncTail.then(run, run);
      asyncWrites += 1;
      const settled = result.then(
        () => undefined,
        () => undefined,
      );
      asyncTail = settled;
      void settled.then(() => (asyncWrites -= 1));
      return result;
    },

    remove() {
      return locked(() => {
        cached = null;
        try {
          unlinkSync(path);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
          throw new StoreUnavailableError(`Relayproof could not delete its ${title} ${path} (${errorText(error)}).`);
        } finally {
          known = fileStamp(path);
        }
        return true;
      });
    },

    takeOutsideChange,

    watch(listener) {
      listeners.add(listener);
      stopWatching ??= watchFolder(
        dirname(path),
        (names) => {
          if (!names.has(basename(path)) && !names.has(ANY_ENTRY)) return;
          if (!takeOutsideChange()) return;
          for (const each of [...listeners]) each();
        },
        options.watch,
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
}

/**
 * A lock file beside a stored document (`<file>.lock`), held across Relayproof processes
 * (the app, `serve`, any number of CLI commands) for one read-modify-write.
 *
 * The lock is created with O_EXCL, so exactly one process gets it; it records the pid,
 * host name and time of its holder, so a waiter can tell a live holder from the leftover
 * of a process that crashed or was killed. Waiting is a bounded synchronous sleep: every
 * store call is synchronous and holds the lock only inside that call (milliseconds), so a
 * lock can never stay held across an `await` — except holdFileLock's, taken for one durable
 * write whose fsync runs off the event loop and released in a `finally` when it is done.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, lstatSync, openSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { StoreUnavailableError, errorText } from './store-errors';

export interface LockOptions {
  /** How long to wait for another process's lock before giving up with StoreUnavailableError. */
  readonly timeoutMs?: number;
  /** A lock older than this is taken over even when its holder looks alive (hung, or on another machine). */
  readonly staleMs?: number;
}

/**
 * A write holds the lock for a few milliseconds (a 32 MiB settings file with two fsyncs
 * takes well under a second on a slow disk), so 10 s of waiting means something is wrong;
 * 30 s without a release means the holder is hung or gone.
 */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
export const DEFAULT_STALE_LOCK_MS = 30_000;

/** Lets the holder check, right before it replaces the file, that nobody took the lock over. */
export interface Lease {
  /** Throws StoreUnavailableError when the lock file is no longer this holder's. */
  confirm(): void;
}

interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  readonly since: string;
  readonly token: string;
}

interface Holder {
  /** null: unreadable content (being written right now, or damaged). */
  readonly owner: LockOwner | null;
  readonly ino: number;
  readonly mtimeMs: number;
}

/**
 * Lock files this process holds. Locks belong to processes, so this bookkeeping is
 * per process by nature: it turns a nested read-modify-write of one file (a programmer
 * error that would otherwise wait for its own lock until the deadline) into an error.
 */
const heldHere = new Set<string>();

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

export function lockPathOf(target: string): string {
  return `${target}.lock`;
}

/** Runs `work` while holding `<target>.lock`. `title` names the file in messages ("settings file"). */
export function withFileLock<T>(target: string, title: string, work: (lease: Lease) => T, options: LockOptions = {}): T {
  const lockPath = lockPathOf(target);
  if (heldHere.has(lockPath)) throw new Error(`A change of ${target} started inside another change of the same file.`);
  // Waiting here would block the very event loop the holder needs to finish: say so at once.
  if (heldAcrossAwait.has(lockPath)) throw new StoreUnavailableError(`Relayproof is saving its ${title} right now, so this change was not made. Try again in a moment.`);
  const token = acquire(lockPath, title, options);
  heldHere.add(lockPath);
  try {
    return work(leaseOf(lockPath, title, token));
  } finally {
    heldHere.delete(lockPath);
    release(lockPath, token);
  }
}

/**
 * Lock files this process holds across an `await` (holdFileLock): only while a durable
 * write's fsync runs off the event loop, a few milliseconds.
 */
const heldAcrossAwait = new Set<string>();

/** A lock held across an `await`; `release` exactly once, in a `finally`. */
export interface HeldLock {
  readonly lease: Lease;
  release(): void;
}

/**
 * Takes `<target>.lock` like withFileLock, for a write whose fsync is awaited instead of
 * blocking the process (document-file's updateAsync). The caller serializes its own
 * holds of one file; a synchronous change of the same file in this process meanwhile is
 * refused (StoreUnavailableError) rather than waited for, since that wait would stop the
 * event loop the holder needs to release it.
 */
export function holdFileLock(target: string, title: string, options: LockOptions = {}): Promise<HeldLock> {
  const lockPath = lockPathOf(target);
  if (heldHere.has(lockPath) || heldAcrossAwait.has(lockPath)) throw new Error(`A change of ${target} started inside another change of the same file.`);
  // Marked now, before any await: a synchronous change of this file in this process is
  // refused from the moment this write starts, and a free lock is taken right here.
  heldAcrossAwait.add(lockPath);
  // A busy lock is waited for with timers, never by blocking: this process may hold
  // another file's lock across an await, and another process waiting for that one while
  // it holds this one would otherwise stop both until the timeout.
  return acquireWithoutBlocking(lockPath, title, options).then(
    (token) => {
      let released = false;
      return {
        lease: leaseOf(lockPath, title, token),
        release() {
          if (released) return;
          released = true;
          heldAcrossAwait.delete(lockPath);
          release(lockPath, token);
        },
      };
    },
    (error: unknown) => {
      heldAcrossAwait.delete(lockPath);
      throw error;
    },
  );
}

function leaseOf(lockPath: string, title: string, token: string): Lease {
  return {
    confirm() {
      if (readHolder(lockPath)?.owner?.token !== token) {
        throw new StoreUnavailableError(`Relayproof held the lock on its ${title} for so long that another Relayproof process took it over, so this change was not saved. Try again.`);
      }
    },
  };
}

function newOwner(): LockOwner {
  return { pid: process.pid, hostname: hostname(), since: new Date().toISOString(), token: randomBytes(12).toString('hex') };
}

/** One try: null when the lock is now ours (a dead or stale holder taken over), else who holds it. */
function attempt(lockPath: string, owner: LockOwner, title: string, staleMs: number): Holder | null {
  for (;;) {
    if (tryCreate(lockPath, owner, title)) return null;
    const holder = readHolder(lockPath);
    // Released between our attempt and the look: try again at once.
    if (holder === null) continue;
    if (isStale(holder, staleMs)) {
      takeOver(lockPath, holder, title);
      continue;
    }
    return holder;
  }
}

/**
 * The tries at the lock, for a waiter to drive: yields how long to pause before the next
 * one, returns the token once the lock is ours, throws when the deadline passes.
 */
function* tries(lockPath: string, title: string, options: LockOptions): Generator<number, string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_STALE_LOCK_MS;
  const owner = newOwner();
  const started = Date.now();
  let pause = 1;
  for (;;) {
    const holder = attempt(lockPath, owner, title, staleMs);
    if (holder === null) return owner.token;
    if (Date.now() - started >= timeoutMs) throw new StoreUnavailableError(busyMessage(lockPath, title, holder));
    // Jitter keeps 16 waiters from retrying in lockstep.
    yield pause + Math.random() * pause;
    pause = Math.min(pause * 2, 50);
  }
}

/** Waits by blocking the process (withFileLock: held for a synchronous change only). */
function acquire(lockPath: string, title: string, options: LockOptions): string {
  const steps = tries(lockPath, title, options);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done === true) return step.value;
    sleep(step.value);
  }
}

/** Waits with timers; the first try happens before the first await. */
async function acquireWithoutBlocking(lockPath: string, title: string, options: LockOptions): Promise<string> {
  const steps = tries(lockPath, title, options);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done === true) return step.value;
    const pause = step.value;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

function tryCreate(lockPath: string, owner: LockOwner, title: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StoreUnavailableError(`Relayproof could not lock its ${title} (${errorText(error)}), so it did not change it. Check that you may write to ${lockPath}'s folder.`);
  }
  try {
    writeSync(fd, JSON.stringify(owner));
  } catch (error) {
    closeSync(fd);
    rmSync(lockPath, { force: true });
    throw new StoreUnavailableError(`Relayproof could not lock its ${title} (${errorText(error)}), so it did not change it.`);
  }
  closeSync(fd);
  return true;
}

function readHolder(lockPath: string): Holder | null {
  let text: string;
  let ino: number;
  let mtimeMs: number;
  try {
    const stats = lstatSync(lockPath);
    ino = stats.ino;
    mtimeMs = stats.mtimeMs;
    // A lock is a few dozen bytes; anything bigger is not ours and is not read.
    text = stats.isFile() && stats.size <= 4096 ? readFileSync(lockPath, 'utf8') : '';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { owner: null, ino: 0, mtimeMs: 0 };
  }
  return { owner: parseOwner(text), ino, mtimeMs };
}

function parseOwner(text: string): LockOwner | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return null;
    const { pid, hostname: host, since, token } = value as Record<string, unknown>;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || typeof host !== 'string' || typeof since !== 'string' || typeof token !== 'string') return null;
    return { pid, hostname: host, since, token };
  } catch {
    return null;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(holder: Holder, staleMs: number): boolean {
  const owner = holder.owner;
  if (owner !== null && owner.hostname === hostname()) {
    // Our own pid, but this process does not hold it (heldHere and heldAcrossAwait were checked): the leftover of
    // an earlier process that had the same pid (containers reuse small pids after a restart).
    if (owner.pid === process.pid) return true;
    if (!processAlive(owner.pid)) return true;
  }
  // Another machine sharing the folder, a live pid, or a lock still being written: only age tells.
  return Date.now() - holder.mtimeMs > staleMs;
}

/**
 * Moves the stale lock aside instead of deleting it: if it was released and retaken by a
 * live process between our look and now, the renamed file is not the one we judged stale,
 * and it is put back. (Two processes taking over the same stale lock in the same
 * microseconds remain a theoretical race; the holder's `confirm()` before writing catches it.)
 */
function takeOver(lockPath: string, seen: Holder, title: string): void {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new StoreUnavailableError(`Relayproof could not remove the abandoned lock ${lockPath} on its ${title} (${errorText(error)}). Delete that file, then try again.`);
  }
  const moved = readHolder(aside);
  const same = moved !== null && moved.ino === seen.ino && (seen.owner === null ? moved.mtimeMs === seen.mtimeMs : moved.owner?.token === seen.owner.token);
  if (!same) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // Someone else holds a new lock by now; the displaced holder's confirm() fails and it writes nothing.
    }
  }
  rmSync(aside, { force: true });
}

function release(lockPath: string, token: string): void {
  // Taken over (we were too slow): the lock is someone else's now, leave it.
  if (readHolder(lockPath)?.owner?.token !== token) return;
  try {
    unlinkSync(lockPath);
  } catch {
    // The work is done; a lock we could not delete is taken over once this process exits.
  }
}

function busyMessage(lockPath: string, title: string, holder: Holder): string {
  const since = holder.owner?.since ?? (holder.mtimeMs > 0 ? new Date(holder.mtimeMs).toISOString() : 'an unknown time');
  const who = holder.owner === null ? 'Another Relayproof process' : `Another Relayproof process (pid ${holder.owner.pid}${holder.owner.hostname === hostname() ? '' : ` on ${holder.owner.hostname}`})`;
  return `${who} has held the lock on Relayproof's ${title} since ${since}, so this change was not made. Try again in a moment; if no other Relayproof is running (the app, \`relayproof serve\`, a script), delete ${lockPath} and try again.`;
}

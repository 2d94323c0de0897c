/**
 * Which entries of a folder changed, from any process: how a running app or `serve`
 * learns that a CLI command (or another window) wrote a stored document.
 *
 * fs.watch on the folder, not on the file: every write replaces the file by a rename, and
 * a watch on the old file would stop at the first one. Events are collected for a short
 * while (a write is a temporary file, a rename and a lock file: several events) and
 * delivered as one set of names. Where fs.watch is unavailable or fails (some network
 * folders, the inotify limit), the folder is polled instead and every call says "any".
 */
import { watch, type FSWatcher } from 'node:fs';

/** In the set of names: something changed, which entry is unknown. */
export const ANY_ENTRY = '*';

export interface FolderWatchOptions {
  readonly debounceMs?: number;
  readonly pollMs?: number;
}

const DEFAULT_DEBOUNCE_MS = 100;
const DEFAULT_POLL_MS = 2_000;

/** Never keeps the process alive; returns the function that stops watching. */
export function watchFolder(directory: string, onChange: (names: ReadonlySet<string>) => void, options: FolderWatchOptions = {}): () => void {
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  let closed = false;

  const flush = () => {
    timer = undefined;
    if (closed) return;
    const names = new Set(pending);
    pending.clear();
    try {
      onChange(names);
    } catch {
      // A notification is a hint to read again, never the data itself: a folder that went
      // away or could not be listed must not crash the app from a timer.
    }
  };
  const noteChange = (name: string) => {
    pending.add(name);
    if (timer === undefined) {
      timer = setTimeout(flush, debounceMs);
      timer.unref();
    }
  };
  const startPolling = () => {
    if (closed || poll !== undefined) return;
    poll = setInterval(() => noteChange(ANY_ENTRY), options.pollMs ?? DEFAULT_POLL_MS);
    poll.unref();
  };

  try {
    watcher = watch(directory, { persistent: false }, (_event, filename) => noteChange(filename === null ? ANY_ENTRY : String(filename)));
    // The folder was deleted, or the watch broke: keep answering by polling.
    watcher.on('error', () => {
      watcher?.close();
      watcher = undefined;
      startPolling();
    });
  } catch {
    startPolling();
  }

  return () => {
    closed = true;
    watcher?.close();
    if (timer !== undefined) clearTimeout(timer);
    if (poll !== undefined) clearInterval(poll);
  };
}

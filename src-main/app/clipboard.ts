/**
 * Copying a secret to the system clipboard, inside main: the secret goes from the
 * keychain to the clipboard without ever reaching the renderer, and after
 * CLIPBOARD_CLEAR_SECONDS the clipboard is cleared if it still holds that secret (an
 * admin who copied something else meanwhile keeps it). Only a SHA-256 of the copied
 * secret is kept for that comparison.
 *
 * Backends: Electron's clipboard (src-main/electron/clipboard.ts, injected from
 * index.ts), and for browser mode and the CLI the maintained `clipboardy` package:
 * pbcopy/pbpaste on macOS, its bundled clipboard tool on Windows, wl-copy/wl-paste on
 * Wayland and xsel on X11 (the system's, else the copy clipboardy ships). It hands the
 * text to those tools on their standard input, never in their arguments, which every
 * user of the machine can read (`ps`, /proc/<pid>/cmdline).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { accessSync, constants as fsConstants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
// clipboardy is loaded on the first copy, not with the services (CLI start, browser mode start).
import { CLIPBOARD_CLEAR_SECONDS, type ClipboardState } from '../../src-preload/contract/vault';

export interface ClipboardBackend {
  /** Name for logs and messages (`electron`, `clipboardy`). */
  readonly name: string;
  write(text: string): Promise<void>;
  read(): Promise<string>;
  /** Whether a copy can work here, without trying one; absent = always (Electron's clipboard). */
  access?(): ClipboardAccess;
}

export const NO_CLIPBOARD_MESSAGE =
  'Relayproof cannot reach a clipboard here: this session has no desktop display (neither DISPLAY nor WAYLAND_DISPLAY is set), so nothing could paste what it copies. Copy the password from your password manager instead, or run Relayproof inside your desktop session.';

export class ClipboardUnavailableError extends Error {
  constructor(message = NO_CLIPBOARD_MESSAGE) {
    super(message);
    this.name = 'ClipboardUnavailableError';
  }
}

export type ClipboardAccess = ClipboardState;

/** The clipboard tools this process could run; injected by tests. */
export interface ClipboardTools {
  /** Whether an executable of this name is on PATH. */
  has(name: string): boolean;
  /** Whether clipboardy's own xsel copy (an x86-64 Linux binary) exists and can run here. */
  readonly bundledXsel: boolean;
}

function onPath(name: string, env: NodeJS.ProcessEnv): boolean {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), fsConstants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

function bundledXselExists(): boolean {
  if (process.arch !== 'x64') return false;
  try {
    const entry = createRequire(import.meta.url).resolve('clipboardy');
    accessSync(join(dirname(entry), 'fallbacks', 'linux', 'xsel'), fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The tools of this machine, looked up on the PATH of `env` (no process is started). */
export function systemClipboardTools(env: NodeJS.ProcessEnv = process.env): ClipboardTools {
  return { has: (name) => onPath(name, env), bundledXsel: bundledXselExists() };
}

const PASSWORD_MANAGER = 'Until then, copy the password from your password manager.';

/**
 * Whether this process can reach a clipboard at all, decided before anything is
 * spawned: macOS and Windows always have one; elsewhere the clipboard belongs to a
 * desktop session (X11 or Wayland), except under WSL, where clipboardy uses Windows'.
 * In a desktop session clipboardy needs wl-copy (Wayland) or xsel (X11, the system's or
 * its own copy); without them every copy would fail, so the missing package is named.
 */
export function clipboardAccess(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  tools: ClipboardTools = systemClipboardTools(env),
): ClipboardAccess {
  if (platform === 'darwin' || platform === 'win32') return { available: true };
  if ((env['WSL_DISTRO_NAME'] ?? '') !== '' || (env['WSL_INTEROP'] ?? '') !== '') return { available: true };
  const wayland = (env['WAYLAND_DISPLAY'] ?? '') !== '';
  const x11 = (env['DISPLAY'] ?? '') !== '';
  if (!wayland && !x11) return { available: false, reason: NO_CLIPBOARD_MESSAGE, install: null };
  // clipboardy tries wl-copy in a Wayland session and falls back to xsel through XWayland.
  if (wayland && tools.has('wl-copy')) return { available: true };
  if (x11 && (tools.has('xsel') || tools.bundledXsel)) return { available: true };
  if (!x11) {
    return {
      available: false,
      reason: `Relayproof copies through wl-copy in a Wayland session, and it is not installed here. Install the wl-clipboard package (on Debian or Ubuntu: sudo apt install wl-clipboard), then try again. ${PASSWORD_MANAGER}`,
      install: 'wl-clipboard',
    };
  }
  return {
    available: false,
    reason: `Relayproof copies through xsel in an X11 session, and it is not installed here. Install the xsel package (on Debian or Ubuntu: sudo apt install xsel), then try again. ${PASSWORD_MANAGER}`,
    install: 'xsel',
  };
}

/** What clipboardy (or a test's stand-in for the system) offers. */
export interface SystemClipboard {
  write(text: string): Promise<void>;
  read(): Promise<string>;
}

const TOOL_TIMEOUT_MS = 5_000;
const OWNERSHIP_POLLS = 40;
const OWNERSHIP_POLL_MS = 50;

/** The first line of a tool's error, short: enough to act on, never the text copied (that went to stdin). */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n', 1)[0]?.trim() ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

async function withDeadline<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ClipboardUnavailableError(`The clipboard did not answer within ${TOOL_TIMEOUT_MS / 1000} s (${what}). Copy the password from your password manager instead.`)), TOOL_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, late]);
  } catch (error) {
    if (error instanceof ClipboardUnavailableError) throw error;
    throw new ClipboardUnavailableError(`Relayproof could not use the clipboard (${what}: ${reasonOf(error)}). Copy the password from your password manager instead.`);
  } finally {
    clearTimeout(timer);
  }
}

export interface NodeClipboardOptions {
  /** Default: `clipboardAccess()` of this process. */
  readonly access?: () => ClipboardAccess;
  /** Default: clipboardy. */
  readonly system?: SystemClipboard;
}

/** The Node clipboard (browser mode, CLI), through clipboardy. */
export function nodeClipboard(options: NodeClipboardOptions = {}): ClipboardBackend {
  const access = options.access ?? (() => clipboardAccess());
  const system: SystemClipboard = options.system ?? {
    write: async (text) => (await import('clipboardy')).default.write(text),
    read: async () => (await import('clipboardy')).default.read(),
  };
  const ensureAccess = () => {
    const found = access();
    if (!found.available) throw new ClipboardUnavailableError(found.reason);
  };
  return {
    name: 'clipboardy',
    access,
    async write(text) {
      ensureAccess();
      await withDeadline(system.write(text), 'copy');
      // On X11 the tool hands the selection to a background copy of itself: wait until
      // the clipboard really holds the text, so a read (or the clear check) right after
      // sees it and not what was there before.
      for (let attempt = 0; attempt < OWNERSHIP_POLLS; attempt++) {
        if ((await withDeadline(system.read(), 'paste')) === text) return;
        await new Promise((resolve) => setTimeout(resolve, OWNERSHIP_POLL_MS));
      }
      throw new ClipboardUnavailableError(
        `The clipboard did not take the text within ${(OWNERSHIP_POLLS * OWNERSHIP_POLL_MS) / 1000} s (another program may own it). Copy the password from your password manager instead.`,
      );
    },
    async read() {
      ensureAccess();
      return withDeadline(system.read(), 'paste');
    },
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export interface SecretClipboard {
  /** Copy, and arrange the clear; resolves once the clipboard holds the text. */
  copy(secret: string): Promise<{ readonly clearsAfterSeconds: number }>;
  /** Whether a copy can work here (app:get-info), asked of the backend without copying. */
  access(): ClipboardAccess;
  /** Clears still pending (tests; shutdown). */
  pending(): number;
  /**
   * Shutdown: runs every pending clear now instead of when its timer fires (the timers
   * die with the process), so quitting within 30 s of a copy never leaves the secret on
   * the clipboard. Clears only what still holds a copied secret; resolves when done.
   */
  clearPending(): Promise<void>;
}

export interface SecretClipboardOptions {
  readonly backend: () => ClipboardBackend;
  /** Default CLIPBOARD_CLEAR_SECONDS × 1000; tests inject a short one. */
  readonly clearAfterMs?: number;
  readonly setTimer?: (run: () => void, ms: number) => unknown;
  /** Cancels a timer setTimer returned (default clearTimeout). */
  readonly cancelTimer?: (timer: unknown) => void;
  /** Told when a clear ran (cleared = it still held the secret) or failed; never the secret. */
  readonly onClear?: (outcome: { cleared: boolean; error?: string }) => void;
}

interface PendingClear {
  readonly backend: ClipboardBackend;
  readonly copied: Buffer;
  timer: unknown;
}

export function createSecretClipboard(options: SecretClipboardOptions): SecretClipboard {
  const clearAfterMs = options.clearAfterMs ?? CLIPBOARD_CLEAR_SECONDS * 1000;
  const setTimer = options.setTimer ?? ((run: () => void, ms: number) => setTimeout(run, ms));
  const cancelTimer = options.cancelTimer ?? ((timer: unknown) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  const pending = new Set<PendingClear>();

  /** Clears the clipboard if it still holds this entry's secret (never anything else). */
  async function clear(entry: PendingClear): Promise<void> {
    if (!pending.delete(entry)) return;
    try {
      const now = await entry.backend.read();
      const same = timingSafeEqual(digest(now), entry.copied);
      if (same) await entry.backend.write('');
      options.onClear?.({ cleared: same });
    } catch (error) {
      options.onClear?.({ cleared: false, error: error instanceof Error ? error.message : String(error) });
    }
  }

  return {
    async copy(secret) {
      const backend = options.backend();
      await backend.write(secret);
      const entry: PendingClear = { backend, copied: digest(secret), timer: undefined };
      pending.add(entry);
      entry.timer = setTimer(() => void clear(entry), clearAfterMs);
      return { clearsAfterSeconds: Math.max(1, Math.ceil(clearAfterMs / 1000)) };
    },
    access: () => options.backend().access?.() ?? { available: true },
    pending: () => pending.size,
    async clearPending() {
      // Newest first: the clipboard holds at most the last copy, so one clear suffices,
      // and the older entries then find something else there and leave it.
      for (const entry of [...pending].reverse()) {
        cancelTimer(entry.timer);
        await clear(entry);
      }
    },
  };
}

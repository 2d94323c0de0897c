/**
 * Copying a secret to the system clipboard, inside main: the secret goes from the
 * keychain to the clipboard without ever reaching the renderer, and after
 * CLIPBOARD_CLEAR_SECONDS the clipboard is cleared if it still holds that secret (an
 * admin who copied something else meanwhile keeps it). Only a SHA-256 of the copied
 * secret is kept for that comparison.
 *
 * Backends: Electron's clipboard (src-main/electron/clipboard.ts, injected from
 * index.ts), and for browser mode and the CLI the system's own tools found on PATH —
 * wl-copy/wl-paste (Wayland), xclip or xsel (X11) — spawned with argument arrays, the
 * secret written to their standard input, never in their arguments.
 */
import { spawn } from 'node:child_process';
import { createHash, timingSafeEqual } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CLIPBOARD_CLEAR_SECONDS } from '../../src-preload/channels/addresses';

export interface ClipboardBackend {
  /** Name for logs and messages (`electron`, `xclip` ...). */
  readonly name: string;
  write(text: string): Promise<void>;
  read(): Promise<string>;
}

export const NO_CLIPBOARD_MESSAGE =
  'Relayproof cannot reach a clipboard on this machine: install xclip, or copy the password from your password manager.';

export class ClipboardUnavailableError extends Error {
  constructor(message = NO_CLIPBOARD_MESSAGE) {
    super(message);
    this.name = 'ClipboardUnavailableError';
  }
}

interface Tool {
  readonly name: string;
  readonly copy: readonly [string, ...string[]];
  readonly paste: readonly [string, ...string[]];
}

const WAYLAND: Tool = { name: 'wl-clipboard', copy: ['wl-copy'], paste: ['wl-paste', '--no-newline'] };
const XCLIP: Tool = { name: 'xclip', copy: ['xclip', '-selection', 'clipboard', '-in'], paste: ['xclip', '-selection', 'clipboard', '-out'] };
const XSEL: Tool = { name: 'xsel', copy: ['xsel', '--clipboard', '--input'], paste: ['xsel', '--clipboard', '--output'] };

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

/** The clipboard tool this session can use, or null. */
export function findClipboardTool(env: NodeJS.ProcessEnv = process.env): Tool | null {
  const candidates: Tool[] = [];
  if ((env['WAYLAND_DISPLAY'] ?? '') !== '') candidates.push(WAYLAND);
  if ((env['DISPLAY'] ?? '') !== '') candidates.push(XCLIP, XSEL);
  return candidates.find((tool) => onPath(tool.copy[0], env) && onPath(tool.paste[0], env)) ?? null;
}

const TOOL_TIMEOUT_MS = 5_000;
const OWNERSHIP_POLLS = 40;
const OWNERSHIP_POLL_MS = 50;

function runTool(argv: readonly [string, ...string[]], env: NodeJS.ProcessEnv, input: string | null): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const [command, ...args] = argv;
    // xclip and xsel fork a child that keeps serving the selection: never wait for our
    // pipes to close (that child holds them), wait for the exit of the process we started.
    const child = spawn(command, args, { env, stdio: [input === null ? 'ignore' : 'pipe', input === null ? 'pipe' : 'ignore', 'ignore'] });
    let stdout = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      stdout += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new ClipboardUnavailableError(`The clipboard tool ${command} did not answer within ${TOOL_TIMEOUT_MS / 1000} s.`));
    }, TOOL_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new ClipboardUnavailableError(`${NO_CLIPBOARD_MESSAGE} (${command}: ${error.message})`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      // A reader's output can arrive after 'exit': let the stream finish first.
      if (child.stdout === null || child.stdout.readableEnded) resolve({ code, stdout });
      else child.stdout.once('end', () => resolve({ code, stdout }));
    });
    if (input !== null && child.stdin !== null) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
  });
}

/** The Node clipboard (browser mode, CLI): the first of wl-copy, xclip, xsel that this session can use. */
export function nodeClipboard(options: { readonly env?: NodeJS.ProcessEnv } = {}): ClipboardBackend {
  const env = options.env ?? process.env;
  const tool = () => {
    const found = findClipboardTool(env);
    if (found === null) throw new ClipboardUnavailableError();
    return found;
  };
  return {
    get name() {
      return findClipboardTool(env)?.name ?? 'none';
    },
    async write(text) {
      const t = tool();
      const { code } = await runTool(t.copy, env, text);
      if (code !== 0) throw new ClipboardUnavailableError(`${NO_CLIPBOARD_MESSAGE} (${t.name} exited with status ${code ?? 'unknown'})`);
      // xclip and xsel return before their forked child owns the selection: wait until
      // the clipboard really holds the text, so a read (or the clear check) right after
      // sees it and not what was there before.
      for (let attempt = 0; attempt < OWNERSHIP_POLLS; attempt++) {
        const { code: readCode, stdout } = await runTool(t.paste, env, null);
        if ((readCode === 0 ? stdout : '') === text) return;
        await new Promise((resolve) => setTimeout(resolve, OWNERSHIP_POLL_MS));
      }
      throw new ClipboardUnavailableError(`${NO_CLIPBOARD_MESSAGE} (${t.name} did not take the clipboard within ${(OWNERSHIP_POLLS * OWNERSHIP_POLL_MS) / 1000} s)`);
    },
    async read() {
      const t = tool();
      const { code, stdout } = await runTool(t.paste, env, null);
      // An empty clipboard (or one holding no text) makes the readers exit non-zero.
      return code === 0 ? stdout : '';
    },
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export interface SecretClipboard {
  /** Copy, and arrange the clear; resolves once the clipboard holds the text. */
  copy(secret: string): Promise<{ readonly clearsAfterSeconds: number }>;
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

/**
 * The launch file: how `relayproof serve` opens the browser without putting anything
 * redeemable on a command line. Every local user can read any process's argv
 * (`/proc/<pid>/cmdline`, `ps`), so `xdg-open http://127.0.0.1:PORT/?launch=CODE` would
 * let them redeem the code first and receive the page with the key. Instead the code
 * goes into a small HTML file only this user can read (0600, in a 0700 directory) that
 * sends the browser on to the launch URL; the opener is given the file's path, which is
 * worthless to anyone who cannot read the file. Notebook servers open their browser the
 * same way.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdtemp, open, rm, rmdir } from 'node:fs/promises';
import { tmpdir as osTmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Result } from '../../src-preload/contract/result';
import { fail, ok } from '../../src-preload/contract/result-values';

export interface LaunchFile {
  /** Absolute path of the HTML file. */
  readonly path: string;
  /** `file://` URL of that file: the only thing handed to the browser opener. */
  readonly url: string;
  /**
   * Deletes the file (and the directory made for it). Safe to call more than once and
   * never rejects: a file that cannot be deleted holds a code that dies within 60 s.
   */
  remove(): Promise<void>;
}

export interface LaunchFileOptions {
  /** `http://127.0.0.1:<port>/?launch=<code>`: written into the file, nowhere else. */
  readonly launchUrl: string;
  /** Where `XDG_RUNTIME_DIR` is read from. */
  readonly env: NodeJS.ProcessEnv;
  /** Parent of the fallback directory; `os.tmpdir()` unless a test says otherwise. */
  readonly tmpdir?: string;
}

export async function writeLaunchFile(options: LaunchFileOptions): Promise<Result<LaunchFile>> {
  let made: string | undefined;
  try {
    let dir = await privateRuntimeDir(options.env);
    if (dir === undefined) {
      // mkdtemp creates the directory 0700 with an unpredictable name.
      made = await mkdtemp(join(options.tmpdir ?? osTmpdir(), 'relayproof-open-'));
      dir = made;
    }
    const path = join(dir, `relayproof-open-${randomBytes(16).toString('hex')}.html`);
    // 'wx' = O_CREAT|O_EXCL: never follows or reuses something already at that name.
    const handle = await open(path, 'wx', 0o600);
    try {
      // The mode passed to open() is narrowed by the umask, never widened; say it once more
      // in case a platform creates first and applies the mode later.
      await handle.chmod(0o600);
      await handle.writeFile(launchPage(options.launchUrl), 'utf8');
    } finally {
      await handle.close();
    }
    const createdDir = made;
    // One removal, however many callers: each of them awaits the same one to finish.
    let removal: Promise<void> | undefined;
    const removeOnce = async () => {
      await rm(path, { force: true }).catch(() => undefined);
      if (createdDir !== undefined) await rmdir(createdDir).catch(() => undefined);
    };
    return ok({
      path,
      url: pathToFileURL(path).href,
      remove: () => (removal ??= removeOnce()),
    });
  } catch (error) {
    if (made !== undefined) await rm(made, { recursive: true, force: true }).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.name : 'unknown');
    return fail('internal', `Relayproof could not write the file that opens your browser (${code}).`, {
      hint: 'Open the link printed above in your browser on this machine.',
    });
  }
}

/**
 * `$XDG_RUNTIME_DIR` when it is what the XDG spec promises (an absolute directory owned
 * by this user, mode 0700, not a symlink); otherwise undefined and the caller makes its
 * own 0700 directory. A looser runtime dir would let others list or swap our file.
 */
async function privateRuntimeDir(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const dir = env['XDG_RUNTIME_DIR'];
  if (dir === undefined || dir === '' || !isAbsolute(dir)) return undefined;
  try {
    const info = await lstat(dir);
    const uid = process.getuid?.();
    if (!info.isDirectory() || (info.mode & 0o077) !== 0) return undefined;
    if (uid !== undefined && info.uid !== uid) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/**
 * A page that goes straight on to the launch URL: meta refresh for browsers with
 * scripts off, `location.replace` so the file does not stay in the tab's history, and a
 * link for anything that does neither. The browser's request from a `file://` page is a
 * cross-site top-level navigation, which the bridge admits for `/?launch=` only.
 */
export function launchPage(launchUrl: string): string {
  const href = escapeHtml(launchUrl);
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="referrer" content="no-referrer">',
    `<meta http-equiv="refresh" content="0;url=${href}">`,
    '<title>Opening Relayproof…</title>',
    // JSON.stringify of a URL is a valid JS string; `<` is escaped so it cannot end the script.
    `<script>location.replace(${JSON.stringify(launchUrl).replace(/</gu, '\\u003c')});</script>`,
    '</head><body>',
    `<p>Opening Relayproof… If nothing happens, <a href="${href}">continue to Relayproof</a>.</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/"/gu, '&quot;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
}

/**
 * The Node clipboard backend for real: clipboardy (which runs xsel on X11) against an
 * Xvfb this file starts for itself, so the tests never touch the clipboard of the
 * admin's desktop and two test runs at once never share one. xclip reads the X
 * clipboard independently, as the admin's next paste would. Skipped, with the reason
 * printed, when Xvfb or xclip is missing (`npm test` installs both).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as ClipboardModule from './clipboard';

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

const skipReason =
  process.platform !== 'linux'
    ? `the X clipboard tests run on Linux (this is ${process.platform})`
    : !hasCommand('Xvfb')
      ? 'Xvfb is not installed (apt-get install xvfb)'
      : !hasCommand('xclip')
        ? 'xclip is not installed (apt-get install xclip)'
        : undefined;
if (skipReason !== undefined) console.warn(`[clipboard.test] SKIPPING the X clipboard tests: ${skipReason}`);

let xvfb: ChildProcess | undefined;
let display = '';
let clip: typeof ClipboardModule;

beforeAll(async () => {
  // clipboardy chooses Wayland or X11 when it is loaded: load it only once this process
  // points at the private X server and at no Wayland session.
  delete process.env['WAYLAND_DISPLAY'];
  delete process.env['XDG_SESSION_TYPE'];
  delete process.env['XAUTHORITY'];
  if (skipReason === undefined) {
    // Xvfb picks a free display itself and writes its number on fd 3.
    const child = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '640x480x24'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    xvfb = child;
    display = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdio[3]?.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve(`:${text.trim()}`);
      });
      child.on('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
    });
    process.env['DISPLAY'] = display;
  } else {
    delete process.env['DISPLAY'];
  }
  clip = await import('./clipboard');
});

afterAll(() => {
  xvfb?.kill();
});

/** The X clipboard as another program (the admin's next paste) sees it. */
function xclipRead(): string {
  const read = spawnSync('xclip', ['-selection', 'clipboard', '-out'], { encoding: 'utf8', timeout: 5_000, env: { PATH: process.env['PATH'] ?? '', DISPLAY: display } });
  // xclip exits non-zero when the clipboard holds no text.
  return read.status === 0 ? read.stdout : '';
}

function xclipWrite(text: string): void {
  // xclip's background copy keeps its pipes: give it none to hold.
  const written = spawnSync('sh', ['-c', 'printf %s "$1" | xclip -selection clipboard -in >/dev/null 2>&1', 'sh', text], { timeout: 5_000, env: { PATH: process.env['PATH'] ?? '', DISPLAY: display } });
  if (written.status !== 0) throw new Error('xclip could not write');
}

/** Every process's command line on this machine, to prove a secret is in none of them. */
function allCommandLines(): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/u.test(name))) {
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\u0000', ' '));
    } catch {
      // the process ended meanwhile
    }
  }
  return lines;
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(skipReason !== undefined)('Node clipboard (clipboardy) on an X server', () => {
  it('copies so that another program pastes exactly the text, and clears it', async () => {
    const board = clip.nodeClipboard();
    expect(board.name).toBe('clipboardy');
    await board.write('first value ✓ with spaces\tand a tab');
    expect(xclipRead()).toBe('first value ✓ with spaces\tand a tab');
    expect(await board.read()).toBe('first value ✓ with spaces\tand a tab');
    await board.write('');
    expect(xclipRead()).toBe('');
  });

  it('reads what another program copied', async () => {
    xclipWrite('ticket #4710');
    expect(await clip.nodeClipboard().read()).toBe('ticket #4710');
  });

  it('never puts the secret on a command line, while the tool keeps serving the clipboard', async () => {
    const secret = `s3cret-argv-${process.pid}-${Date.now()}`;
    await clip.nodeClipboard().write(secret);
    expect(xclipRead()).toBe(secret);
    // xsel stays in the background holding the selection: its arguments are readable
    // by every user of the machine, so the secret must not be among them.
    expect(allCommandLines().filter((line) => line.includes(secret))).toEqual([]);
    await clip.nodeClipboard().write('');
  });

  it('clears the copied secret after the delay', async () => {
    const board = clip.nodeClipboard();
    const outcomes: Array<{ cleared: boolean; error?: string }> = [];
    const secrets = clip.createSecretClipboard({ backend: () => board, clearAfterMs: 300, onClear: (o) => outcomes.push(o) });
    const result = await secrets.copy('s3cret-Clip!');
    expect(result).toEqual({ clearsAfterSeconds: 1 });
    expect(xclipRead()).toBe('s3cret-Clip!');
    await waitFor(() => outcomes.length === 1);
    expect(outcomes).toEqual([{ cleared: true }]);
    expect(xclipRead()).toBe('');
    expect(secrets.pending()).toBe(0);
  });

  it('does not clear when the admin copied something else meanwhile', async () => {
    const board = clip.nodeClipboard();
    const outcomes: Array<{ cleared: boolean; error?: string }> = [];
    const secrets = clip.createSecretClipboard({ backend: () => board, clearAfterMs: 400, onClear: (o) => outcomes.push(o) });
    await secrets.copy('s3cret-Other!');
    xclipWrite('ticket #4711');
    await waitFor(() => outcomes.length === 1);
    expect(outcomes).toEqual([{ cleared: false }]);
    expect(xclipRead()).toBe('ticket #4711');
  });
});

describe.skipIf(skipReason !== undefined)('on shutdown (serve stopped, app quitting)', () => {
  it('clears a secret still on the clipboard at once, not after the delay', async () => {
    const board = clip.nodeClipboard();
    const outcomes: Array<{ cleared: boolean; error?: string }> = [];
    const secrets = clip.createSecretClipboard({ backend: () => board, clearAfterMs: 60_000, onClear: (o) => outcomes.push(o) });
    await secrets.copy('s3cret-Quit!');
    expect(secrets.pending()).toBe(1);
    await secrets.clearPending();
    expect(xclipRead()).toBe('');
    expect(outcomes).toEqual([{ cleared: true }]);
    expect(secrets.pending()).toBe(0);
  });

  it('leaves what the admin copied afterwards, and clears each entry once', async () => {
    const board = clip.nodeClipboard();
    const outcomes: Array<{ cleared: boolean; error?: string }> = [];
    const secrets = clip.createSecretClipboard({ backend: () => board, clearAfterMs: 60_000, onClear: (o) => outcomes.push(o) });
    await secrets.copy('s3cret-One!');
    await secrets.copy('s3cret-Two!');
    xclipWrite('ticket #4712');
    await secrets.clearPending();
    await secrets.clearPending();
    expect(xclipRead()).toBe('ticket #4712');
    expect(outcomes).toEqual([{ cleared: false }, { cleared: false }]);
  });
});

describe.skipIf(skipReason !== undefined)('a display that cannot be opened', () => {
  it('is a clipboard problem in the admin’s words, not a crash', async () => {
    const saved = process.env['DISPLAY'];
    // A display name X cannot parse: fails at once, without any network.
    process.env['DISPLAY'] = ':';
    try {
      const error = await clip.nodeClipboard().write('x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(clip.ClipboardUnavailableError);
      expect((error as Error).message).toMatch(/^Relayproof could not use the clipboard \(copy: .+\)\. Copy the password from your password manager instead\.$/u);
    } finally {
      process.env['DISPLAY'] = saved;
    }
  });
});

describe('no clipboard on this machine', () => {
  const tools = (names: string[], bundledXsel = false) => ({ has: (name: string) => names.includes(name), bundledXsel });
  const all = tools(['xsel', 'wl-copy']);

  it('knows up front, from the session, whether a clipboard can exist', () => {
    expect(clip.clipboardAccess({}, 'linux', all)).toEqual({ available: false, reason: clip.NO_CLIPBOARD_MESSAGE, install: null });
    expect(clip.clipboardAccess({ DISPLAY: '' }, 'linux', all).available).toBe(false);
    expect(clip.clipboardAccess({ DISPLAY: ':0' }, 'linux', all).available).toBe(true);
    expect(clip.clipboardAccess({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux', all).available).toBe(true);
    expect(clip.clipboardAccess({ WSL_DISTRO_NAME: 'Debian' }, 'linux', tools([])).available).toBe(true);
    expect(clip.clipboardAccess({}, 'darwin', tools([])).available).toBe(true);
    expect(clip.clipboardAccess({}, 'win32', tools([])).available).toBe(true);
  });

  it('names the package to install when the session has no clipboard tool', () => {
    const x11 = clip.clipboardAccess({ DISPLAY: ':0' }, 'linux', tools(['xclip']));
    expect(x11).toMatchObject({ available: false, install: 'xsel' });
    expect(x11.available ? '' : x11.reason).toMatch(/xsel.*sudo apt install xsel.*password manager/u);
    const wayland = clip.clipboardAccess({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux', tools(['xsel']));
    expect(wayland).toMatchObject({ available: false, install: 'wl-clipboard' });
    expect(wayland.available ? '' : wayland.reason).toMatch(/sudo apt install wl-clipboard/u);
    // Each reason says what to do once: no sentence is repeated.
    for (const state of [x11, wayland, clip.clipboardAccess({}, 'linux', all)]) {
      const sentences = state.available ? [] : state.reason.split(/(?<=\.) /u);
      expect(new Set(sentences).size).toBe(sentences.length);
    }
  });

  it('counts what clipboardy would really use: its own xsel on X11, XWayland when wl-copy is missing', () => {
    expect(clip.clipboardAccess({ DISPLAY: ':0' }, 'linux', tools([], true)).available).toBe(true);
    expect(clip.clipboardAccess({ WAYLAND_DISPLAY: 'w', DISPLAY: ':0' }, 'linux', tools(['xsel'])).available).toBe(true);
    expect(clip.clipboardAccess({ WAYLAND_DISPLAY: 'w' }, 'linux', tools([], true)).available).toBe(false);
  });

  it('finds the tools on the PATH it is given', () => {
    expect(clip.systemClipboardTools({ PATH: '/nonexistent-relayproof' }).has('sh')).toBe(false);
    expect(clip.systemClipboardTools({ PATH: `/nonexistent-relayproof:${process.env['PATH'] ?? ''}` }).has('sh')).toBe(true);
  });

  it('is asked of the backend without copying (app:get-info)', async () => {
    let touched = 0;
    const system = {
      write: async () => {
        touched += 1;
      },
      read: async () => {
        touched += 1;
        return '';
      },
    };
    const missing = clip.clipboardAccess({ DISPLAY: ':0' }, 'linux', tools([]));
    const secrets = clip.createSecretClipboard({ backend: () => clip.nodeClipboard({ access: () => missing, system }) });
    expect(secrets.access()).toEqual(missing);
    await expect(secrets.copy('x')).rejects.toThrow(/sudo apt install xsel/u);
    expect(touched).toBe(0);
    // A backend that does not say (Electron's clipboard) always has one.
    expect(clip.createSecretClipboard({ backend: () => ({ name: 'electron', write: async () => undefined, read: async () => '' }) }).access()).toEqual({ available: true });
  });

  it('says so in the admin’s words and starts no tool', async () => {
    let touched = 0;
    const system = {
      write: async () => {
        touched += 1;
      },
      read: async () => {
        touched += 1;
        return '';
      },
    };
    const board = clip.nodeClipboard({ access: () => clip.clipboardAccess({}, 'linux', all), system });
    const error = await board.write('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(clip.ClipboardUnavailableError);
    expect((error as Error).message).toBe(clip.NO_CLIPBOARD_MESSAGE);
    expect(clip.NO_CLIPBOARD_MESSAGE).toMatch(/^Relayproof cannot reach a clipboard here: .*Copy the password from your password manager instead/u);
    await expect(board.read()).rejects.toBeInstanceOf(clip.ClipboardUnavailableError);
    expect(touched).toBe(0);
  });
});

/**
 * The Node clipboard backend for real: xclip against an X server (the session's, or an
 * Xvfb this file starts), and the clear-after timer with a short injected delay.
 * Skipped, with the reason printed, when there is no X server to start or no xclip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClipboardUnavailableError, createSecretClipboard, findClipboardTool, NO_CLIPBOARD_MESSAGE, nodeClipboard } from './clipboard';

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

const skipReason = !hasCommand('xclip')
  ? 'xclip is not installed (apt-get install xclip)'
  : (process.env['DISPLAY'] ?? '') === '' && !hasCommand('Xvfb')
    ? 'no X server: DISPLAY is unset and Xvfb is not installed (apt-get install xvfb)'
    : undefined;
if (skipReason !== undefined) console.warn(`[clipboard.test] SKIPPING the X clipboard tests: ${skipReason}`);

let xvfb: ChildProcess | undefined;
let env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '' };

beforeAll(async () => {
  if (skipReason !== undefined) return;
  if ((process.env['DISPLAY'] ?? '') !== '') {
    env = { ...env, DISPLAY: process.env['DISPLAY'], ...(process.env['XAUTHORITY'] ? { XAUTHORITY: process.env['XAUTHORITY'] } : {}) };
    return;
  }
  // Xvfb picks a free display itself and writes its number on fd 3.
  const child = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '640x480x24'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  xvfb = child;
  const display = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(`:${text.trim()}`);
    });
    child.on('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
  });
  env = { ...env, DISPLAY: display };
});

afterAll(() => {
  xvfb?.kill();
});

describe.skipIf(skipReason !== undefined)('Node clipboard through xclip on an X server', () => {
  it('finds xclip, writes through stdin and reads back', async () => {
    expect(findClipboardTool(env)?.name).toBe('xclip');
    const board = nodeClipboard({ env });
    await board.write('first value ✓');
    expect(await board.read()).toBe('first value ✓');
    await board.write('');
    expect(await board.read()).toBe('');
  });

  it('clears the copied secret after the delay', async () => {
    const board = nodeClipboard({ env });
    const outcomes: Array<{ cleared: boolean; error?: string }> = [];
    const clip = createSecretClipboard({ backend: () => board, clearAfterMs: 300, onClear: (o) => outcomes.push(o) });
    const result = await clip.copy('s3cret-Clip!');
    expect(result).toEqual({ clearsAfterSeconds: 1 });
    expect(await board.read()).toBe('s3cret-Clip!');
    await waitFor(() => outcomes.length === 1);
    expect(outcomes).toEqual([{ cleared: true }]);
    expect(await board.read()).toBe('');
    expect(clip.pending()).toBe(0);
  });

  it('does not clear when the admin copied something else meanwhile', async () => {
    const board = nodeClipboard({ env });
    const outcomes: Array<{ cleared: boolean; error?: string }> = [];
    const clip = createSecretClipboard({ backend: () => board, clearAfterMs: 400, onClear: (o) => outcomes.push(o) });
    await clip.copy('s3cret-Other!');
    await board.write('ticket #4711');
    await waitFor(() => outcomes.length === 1);
    expect(outcomes).toEqual([{ cleared: false }]);
    expect(await board.read()).toBe('ticket #4711');
  });
});

describe.skipIf(skipReason !== undefined)('on shutdown (serve stopped, app quitting)', () => {
  it('clears a secret still on the clipboard at once, not after the delay', async () => {
    const board = nodeClipboard({ env });
    const outcomes: Array<{ cleared: boolean; error?: string }> = [];
    const clip = createSecretClipboard({ backend: () => board, clearAfterMs: 60_000, onClear: (o) => outcomes.push(o) });
    await clip.copy('s3cret-Quit!');
    expect(clip.pending()).toBe(1);
    await clip.clearPending();
    expect(await board.read()).toBe('');
    expect(outcomes).toEqual([{ cleared: true }]);
    expect(clip.pending()).toBe(0);
  });

  it('leaves what the admin copied afterwards, and clears each entry once', async () => {
    const board = nodeClipboard({ env });
    const outcomes: Array<{ cleared: boolean; error?: string }> = [];
    const clip = createSecretClipboard({ backend: () => board, clearAfterMs: 60_000, onClear: (o) => outcomes.push(o) });
    await clip.copy('s3cret-One!');
    await clip.copy('s3cret-Two!');
    await board.write('ticket #4712');
    await clip.clearPending();
    await clip.clearPending();
    expect(await board.read()).toBe('ticket #4712');
    expect(outcomes).toEqual([{ cleared: false }, { cleared: false }]);
  });
});

describe('no clipboard on this machine', () => {
  it('says so in the admin’s words when no tool or display is there', async () => {
    const board = nodeClipboard({ env: { PATH: '/nonexistent' } });
    expect(findClipboardTool({ PATH: '/nonexistent', DISPLAY: ':0' })).toBeNull();
    const error = await board.write('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClipboardUnavailableError);
    expect((error as Error).message).toBe(NO_CLIPBOARD_MESSAGE);
    expect(NO_CLIPBOARD_MESSAGE).toBe('Relayproof cannot reach a clipboard on this machine: install xclip, or copy the password from your password manager.');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

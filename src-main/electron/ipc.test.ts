import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames } from '../../src-preload/contract';
import { createIpcStandIn, createTestServices, makeTempDir, recordingLogger, type TempDir } from '../testing/transport-support';
import { silentLogger } from '../log/logger';
import { createDispatcher, type Dispatcher, type Handlers } from '../rpc/dispatch';
import type { Services } from '../services';
import { allowRendererSenders, isRendererUrl, registerContract } from './ipc';

const RENDERER_FILE = 'file:///opt/Relayproof/resources/app.asar/out/renderer/index.html';

function senderEvent(url: string | null, options: { subframe?: boolean } = {}) {
  const sender = new EventEmitter();
  const frame = url === null ? null : { url, parent: options.subframe === true ? { url: RENDERER_FILE } : null };
  const event = { senderFrame: frame, sender, frameId: 1, processId: 1, type: 'frame' } as unknown as IpcMainInvokeEvent;
  return { event, sender };
}

const isAllowedSender = allowRendererSenders({ fileUrl: RENDERER_FILE });

let temp: TempDir;
let services: Services;

beforeAll(async () => {
  temp = await makeTempDir('ipc');
  services = createTestServices(join(temp.path, 'data'));
});

afterAll(async () => {
  await temp.remove();
});

describe('registerContract', () => {
  it('registers exactly the contract channels and removes them again', () => {
    const ipc = createIpcStandIn();
    const unregister = registerContract(ipc.ipcMain, services.createDispatcher(), { isAllowedSender, logger: silentLogger });
    expect([...ipc.listeners.keys()].sort()).toEqual([...channelNames].sort());
    unregister();
    expect(ipc.listeners.size).toBe(0);
    // Electron throws on a second handler: registering again after unregistering must work.
    registerContract(ipc.ipcMain, services.createDispatcher(), { isAllowedSender, logger: silentLogger })();
  });

  it('runs the real services for the app renderer', async () => {
    const ipc = createIpcStandIn();
    const unregister = registerContract(ipc.ipcMain, services.createDispatcher(), { isAllowedSender, logger: silentLogger });
    try {
      const { event } = senderEvent(`${RENDERER_FILE}#/addresses`);
      const created = await ipc.invoke(event, 'addresses:create', {
        fields: { address: 'ipc@example.com', platform: 'generic', environment: 'sandbox', provider: 'custom', host: 'smtp.example.com', port: 587, security: 'starttls', username: 'ipc@example.com', authKind: 'password' },
      });
      expect(created).toMatchObject({ ok: true, value: { address: 'ipc@example.com', selectors: [] } });
      const listed = await ipc.invoke(event, 'addresses:list', {});
      expect(listed.ok && (listed.value as Array<{ address: string }>).map((a) => a.address)).toContain('ipc@example.com');
      const updated = await ipc.invoke(event, 'settings:update', { patch: { theme: 'dark' } });
      expect(updated).toMatchObject({ ok: true, value: { theme: 'dark' } });
      expect(services.store.settings().theme).toBe('dark');
    } finally {
      unregister();
    }
  });

  it.each([
    ['a foreign web page', 'https://evil.test/'],
    ['another local file', 'file:///tmp/evil.html'],
    ['the renderer file with a query', `${RENDERER_FILE}?x=1`],
    ['a look-alike path', 'file:///opt/Relayproof/resources/app.asar/out/renderer/index.html.evil'],
    ['a data: URL', 'data:text/html,<script>1</script>'],
    ['a frame that is gone', null],
  ])('refuses %s with forbidden on every channel and changes nothing', async (_name, url) => {
    const ipc = createIpcStandIn();
    const { logger, text } = recordingLogger();
    const unregister = registerContract(ipc.ipcMain, services.createDispatcher(), { isAllowedSender, logger });
    const before = await readFile(services.store.path);
    try {
      const { event } = senderEvent(url);
      for (const channel of channelNames) {
        const result = await ipc.invoke(event, channel, channel === 'settings:update' ? { patch: { theme: 'light' } } : {});
        expect(result, channel).toEqual({ ok: false, error: { code: 'forbidden', message: 'This window is not allowed to use Relayproof.' } });
      }
      expect(await readFile(services.store.path)).toEqual(before);
      expect(text()).toContain('refused');
      if (url !== null) expect(text()).not.toContain(url);
    } finally {
      unregister();
    }
  });

  it('refuses a subframe of the renderer and a sender check that throws', async () => {
    const ipc = createIpcStandIn();
    let unregister = registerContract(ipc.ipcMain, services.createDispatcher(), { isAllowedSender, logger: silentLogger });
    expect(await ipc.invoke(senderEvent(RENDERER_FILE, { subframe: true }).event, 'settings:get', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    unregister();
    unregister = registerContract(ipc.ipcMain, services.createDispatcher(), {
      isAllowedSender: () => {
        throw new Error('frame disposed');
      },
      logger: silentLogger,
    });
    expect(await ipc.invoke(senderEvent(RENDERER_FILE).event, 'settings:get', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    unregister();
  });

  it('answers bad input and a wrong argument count with invalid-input', async () => {
    const ipc = createIpcStandIn();
    const unregister = registerContract(ipc.ipcMain, services.createDispatcher(), { isAllowedSender, logger: silentLogger });
    try {
      const { event } = senderEvent(RENDERER_FILE);
      expect(await ipc.invoke(event, 'settings:update', { patch: { theme: 'neon' } })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      expect(await ipc.invoke(event, 'settings:get')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      expect(await ipc.invoke(event, 'settings:get', {}, {})).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    } finally {
      unregister();
    }
  });

  it('cancels the running call when the renderer goes away', async () => {
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const handlers: Handlers = {
      ...services.handlers,
      'addresses:list': (_input, ctx) => {
        started();
        return new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
      },
    };
    const ipc = createIpcStandIn();
    const unregister = registerContract(ipc.ipcMain, createDispatcher({ handlers, logger: silentLogger, validateOutput: true }), { isAllowedSender, logger: silentLogger });
    try {
      const { event, sender } = senderEvent(RENDERER_FILE);
      const call = ipc.invoke(event, 'addresses:list', {});
      await running;
      sender.emit('destroyed');
      expect(await call).toEqual({ ok: false, error: { code: 'cancelled', message: 'The operation was cancelled.' } });
      // One listener per window however many calls it makes.
      expect(sender.listenerCount('destroyed')).toBe(0);
      const { event: again, sender: other } = senderEvent(RENDERER_FILE);
      await Promise.all(Array.from({ length: 20 }, () => ipc.invoke(again, 'settings:get', {})));
      expect(other.listenerCount('destroyed')).toBe(1);
    } finally {
      unregister();
    }
  });

  it('turns a dispatcher that throws into internal, without the error text', async () => {
    const broken: Dispatcher = {
      dispatch: () => Promise.reject(new Error('secret-bearing failure text')),
      cancel: () => false,
    };
    const ipc = createIpcStandIn();
    const { logger, text } = recordingLogger();
    const unregister = registerContract(ipc.ipcMain, broken, { isAllowedSender, logger });
    const result = await ipc.invoke(senderEvent(RENDERER_FILE).event, 'settings:get', {});
    unregister();
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('secret-bearing');
    expect(text()).not.toContain('secret-bearing');
  });
});

describe('allowRendererSenders', () => {
  const file = new URL(RENDERER_FILE);
  it.each([
    [RENDERER_FILE, true],
    [`${RENDERER_FILE}#/wizard/step-2`, true],
    [`${RENDERER_FILE}?token=1`, false],
    ['file://evil-host/opt/Relayproof/resources/app.asar/out/renderer/index.html', false],
    ['file:///opt/Relayproof/resources/app.asar/out/renderer/other.html', false],
    ['http://localhost:5173/', false],
    ['not a url', false],
  ])('file renderer: %s → %s', (url, expected) => {
    expect(isRendererUrl(url, file, undefined)).toBe(expected);
  });

  it.each([
    ['http://localhost:5173/', true],
    ['http://localhost:5173/#/settings', true],
    ['http://localhost:5174/', false],
    ['http://127.0.0.1:5173/', false],
    ['https://localhost:5173/', false],
    ['file:///index.html', false],
  ])('dev server: %s → %s', (url, expected) => {
    expect(isRendererUrl(url, undefined, 'http://localhost:5173')).toBe(expected);
  });

  it('never lets a null origin match', () => {
    expect(isRendererUrl('data:text/html,x', undefined, 'null')).toBe(false);
  });
});

import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, makeTempDir, sendHttp, writeRendererFixture, type TempDir } from '../testing/transport-support';
import type { CliIo } from './io';
import { runServe, type ServeOptions } from './serve';

let temp: TempDir;
let rendererDir: string;

beforeEach(async () => {
  temp = await makeTempDir('serve');
  ({ rendererDir } = await writeRendererFixture(temp.path));
});
afterEach(async () => {
  await temp.remove();
});

interface Served {
  readonly stdout: () => string;
  readonly opened: readonly string[];
  stop(): Promise<void>;
}

/** Runs `serve` with a recording opener until `stop()`; resolves once it has printed. */
async function serve(options: ServeOptions, env: NodeJS.ProcessEnv = { DISPLAY: ':99' }): Promise<Served> {
  const out = new PassThrough();
  let stdout = '';
  const printed = new Promise<void>((resolve) => out.on('data', (chunk: Buffer) => ((stdout += chunk.toString('utf8')), resolve())));
  const io: CliIo = { stdout: out, stderr: new PassThrough(), stdin: Readable.from([]), env };
  const opened: string[] = [];
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const running = runServe(createTestServices(join(temp.path, 'data')), io, options, { openUrl: (url) => opened.push(url), stopped, rendererDir });
  await printed;
  return {
    stdout: () => stdout,
    opened,
    async stop() {
      stop();
      expect(await running).toBe(0);
    },
  };
}

describe('relayproof serve', () => {
  it('opens a single-use launch URL in the browser, never the token, and prints the token URL on its own stdout', async () => {
    const served = await serve({ port: 0, open: true, json: true });
    try {
      const info = JSON.parse(served.stdout()) as { url: string; port: number; token: string; dataDirectory: string };
      expect(info.url).toBe(`http://127.0.0.1:${info.port}/?token=${info.token}`);
      expect(info.token).toMatch(/^[0-9a-f]{64}$/u);
      expect(info.dataDirectory).toBe(join(temp.path, 'data'));

      expect(served.opened).toHaveLength(1);
      const launch = served.opened[0] ?? '';
      expect(launch).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${info.port}/\\?launch=[0-9a-f]{64}$`, 'u'));
      expect(launch).not.toContain(info.token);

      const path = launch.slice(`http://127.0.0.1:${info.port}`.length);
      const first = await sendHttp({ port: info.port, path });
      expect(first.status).toBe(200);
      expect(first.body).toContain(`<meta name="relayproof-token" content="${info.token}">`);
      expect((await sendHttp({ port: info.port, path })).status).toBe(403);
    } finally {
      await served.stop();
    }
  });

  it('prints the token URL for people and opens only the launch URL', async () => {
    const served = await serve({ port: 0, open: true, json: false });
    try {
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}/u.exec(served.stdout())?.[0] ?? '';
      expect(url).not.toBe('');
      expect(served.opened).toHaveLength(1);
      expect(served.opened[0]).toContain('/?launch=');
      expect(served.opened[0]).not.toContain(new URL(url).searchParams.get('token') ?? 'missing');
    } finally {
      await served.stop();
    }
  });

  it('opens nothing with --no-open or without a display', async () => {
    for (const [options, env] of [
      [{ port: 0, open: false, json: true }, { DISPLAY: ':99' }],
      [{ port: 0, open: true, json: true }, {}],
    ] as const) {
      const served = await serve(options, env);
      await served.stop();
      expect(served.opened).toEqual([]);
    }
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger';
import type { Services } from '../services';
import { StoreUnavailableError } from '../store/store-errors';
import { createTestServices, makeTempDir, sendHttp, writeRendererFixture, type TempDir } from '../testing/transport-support';
import type { CliIo } from './io';
import { openerCommand, runServe, type ServeDependencies, type ServeOptions } from './serve';

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
  readonly stderr: () => string;
  readonly opened: readonly string[];
  /** What the opener was given, once it was called. */
  firstOpened(): Promise<string>;
  stop(): Promise<void>;
}

/** Runs `serve` with a recording opener until `stop()`; resolves once it has printed. */
async function serve(options: ServeOptions, env: NodeJS.ProcessEnv = { DISPLAY: ':99' }, deps: Pick<ServeDependencies, 'tmpdir'> = { tmpdir: temp.path }): Promise<Served> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  const printed = new Promise<void>((resolve) => out.on('data', (chunk: Buffer) => ((stdout += chunk.toString('utf8')), resolve())));
  err.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const io: CliIo = { stdout: out, stderr: err, stdin: Readable.from([]), env };
  const opened: string[] = [];
  let sawOpen: (url: string) => void = () => {};
  const firstOpen = new Promise<string>((resolve) => (sawOpen = resolve));
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const openUrl = (url: string) => {
    opened.push(url);
    sawOpen(url);
  };
  const running = runServe(createTestServices(join(temp.path, 'data')), io, options, { openUrl, stopped, rendererDir, ...deps });
  await printed;
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    opened,
    firstOpened: () => firstOpen,
    async stop() {
      stop();
      expect(await running).toBe(0);
    },
  };
}

/** The headers Chromium sends when a `file://` page sends it on to the bridge. */
const FROM_LAUNCH_FILE = { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' };
const TOKEN_META = (token: string) => `<meta name="relayproof-token" content="${token}">`;

interface ServeInfo {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly dataDirectory: string;
}

/** Polls `check` until it holds; fails the test after `limitMs`. */
async function waitUntil(check: () => boolean, limitMs = 5_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('relayproof serve', () => {
  it("gives the browser opener only a launch file's path; the file (0600, private directory) holds a single-use code, never the token", async () => {
    const served = await serve({ port: 0, open: true, json: true });
    try {
      const info = JSON.parse(served.stdout()) as ServeInfo;
      expect(info.url).toBe(`http://127.0.0.1:${info.port}/?token=${info.token}`);
      expect(info.token).toMatch(/^[0-9a-f]{64}$/u);
      expect(info.dataDirectory).toBe(join(temp.path, 'data'));

      const target = await served.firstOpened();
      expect(served.opened).toEqual([target]);
      expect(target).toMatch(/^file:\/\/\/.*\/relayproof-open-[0-9a-f]{32}\.html$/u);
      const path = fileURLToPath(target);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await stat(dirname(path))).mode & 0o077).toBe(0);

      const page = await readFile(path, 'utf8');
      const code = new RegExp(`http://127\\.0\\.0\\.1:${info.port}/\\?launch=([0-9a-f]{64})`, 'u').exec(page)?.[1] ?? '';
      expect(code).not.toBe('');
      expect(page).not.toContain(info.token);
      // The whole command line the opener is started with: nothing redeemable on it.
      const { command, args } = openerCommand(target, 'linux');
      expect(command).toBe('xdg-open');
      for (const arg of [command, ...args]) {
        expect(arg).not.toContain(code);
        expect(arg).not.toContain(info.token);
      }

      // The browser follows the file to the bridge: the page with the token, once.
      const first = await sendHttp({ port: info.port, path: `/?launch=${code}`, headers: FROM_LAUNCH_FILE });
      expect(first.status).toBe(200);
      expect(first.body).toContain(TOKEN_META(info.token));
      expect((await sendHttp({ port: info.port, path: `/?launch=${code}`, headers: FROM_LAUNCH_FILE })).status).toBe(403);
      // Used, so the file (and the directory made for it) is gone.
      await waitUntil(() => !existsSync(path) && !existsSync(dirname(path)));
    } finally {
      await served.stop();
    }
  });

  // The attack: any local user reads the opener's argv from
  // /proc/<pid>/cmdline and redeems what it finds before the browser does.
  it("a local user who reads the opener's command line cannot get the key from it", async () => {
    const served = await serve({ port: 0, open: true, json: true });
    try {
      const info = JSON.parse(served.stdout()) as ServeInfo;
      const { command, args } = openerCommand(await served.firstOpened());
      const argv = [command, ...args];
      const attempts: string[] = [];
      for (const arg of argv) {
        for (const candidate of arg.match(/[0-9a-f]{64}/gu) ?? []) attempts.push(`/?launch=${candidate}`, `/?token=${candidate}`);
        if (URL.canParse(arg)) {
          const url = new URL(arg);
          if (url.protocol === 'http:') attempts.push(`${url.pathname}${url.search}`);
        }
      }
      for (const path of attempts) {
        for (const headers of [{}, FROM_LAUNCH_FILE]) {
          const res = await sendHttp({ port: info.port, path, headers });
          expect(res.body).not.toContain(info.token);
        }
      }
      // The browser still gets in: the code was not used up by the attempts.
      const page = await readFile(fileURLToPath(args[0] ?? ''), 'utf8');
      const launch = /\/\?launch=[0-9a-f]{64}/u.exec(page)?.[0] ?? '';
      expect((await sendHttp({ port: info.port, path: launch, headers: FROM_LAUNCH_FILE })).body).toContain(TOKEN_META(info.token));
    } finally {
      await served.stop();
    }
  });

  it.runIf(process.getuid?.() === 0)('another user cannot read the launch file (checked as nobody, in the real temporary directory)', async () => {
    // No tmpdir override: the file goes where it would for the admin (XDG_RUNTIME_DIR unset → os.tmpdir()).
    const served = await serve({ port: 0, open: true, json: true }, { DISPLAY: ':99' }, {});
    try {
      const path = fileURLToPath(await served.firstOpened());
      const read = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("node:fs").readFileSync(process.argv[1], "utf8"))', path], { uid: 65534, gid: 65534, encoding: 'utf8' });
      expect(read.status).not.toBe(0);
      expect(read.stderr).toContain('EACCES');
      expect(read.stdout).not.toContain('launch=');
    } finally {
      await served.stop();
    }
  });

  it('deletes the unused launch file when serve stops', async () => {
    const served = await serve({ port: 0, open: true, json: true });
    const path = fileURLToPath(await served.firstOpened());
    expect(existsSync(path)).toBe(true);
    await served.stop();
    expect(existsSync(path)).toBe(false);
    expect(existsSync(dirname(path))).toBe(false);
  });

  it('uses a private XDG_RUNTIME_DIR for the launch file and leaves the directory itself in place', async () => {
    const runtime = join(temp.path, 'runtime');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(runtime, { mode: 0o700 });
    const served = await serve({ port: 0, open: true, json: true }, { DISPLAY: ':99', XDG_RUNTIME_DIR: runtime });
    const path = fileURLToPath(await served.firstOpened());
    expect(dirname(path)).toBe(runtime);
    await served.stop();
    expect(existsSync(path)).toBe(false);
    expect(existsSync(runtime)).toBe(true);
  });

  it('when the launch file cannot be written, opens nothing and points to the printed link', async () => {
    const served = await serve({ port: 0, open: true, json: false }, { DISPLAY: ':99' }, { tmpdir: join(temp.path, 'missing') });
    await served.stop();
    expect(served.opened).toEqual([]);
    expect(served.stderr()).toMatch(/could not write the file that opens your browser \(ENOENT\)\. Open the link printed above/u);
    expect(served.stdout()).toMatch(/http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}/u);
    expect(served.stdout()).not.toContain('launch file');
  });

  it('tells people that the browser is opening and what to do when it cannot read the launch file', async () => {
    const served = await serve({ port: 0, open: true, json: false });
    await served.firstOpened();
    await served.stop();
    expect(served.stdout()).toMatch(/http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}/u);
    expect(served.stdout()).toContain('If the browser says the file was not found (a Snap or Flatpak browser cannot read it), open the link above instead.');
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

  it('prints its link before the services are built; a call made meanwhile waits for them and gets their answer', async () => {
    const out = new PassThrough();
    let stdout = '';
    const printed = new Promise<void>((resolve) => out.on('data', (chunk: Buffer) => ((stdout += chunk.toString('utf8')), resolve())));
    const io: CliIo = { stdout: out, stderr: new PassThrough(), stdin: Readable.from([]), env: {} };
    let openCalls = 0;
    let release: (services: Services) => void = () => {};
    const services = new Promise<Services>((resolve) => (release = resolve));
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const dataDirectory = join(temp.path, 'data');
    const pending = {
      dataDirectory,
      logger: silentLogger,
      open: () => {
        openCalls += 1;
        return services;
      },
    };
    const running = runServe(pending, io, { port: 0, open: false, json: true }, { stopped, rendererDir });
    await printed;
    const info = JSON.parse(stdout) as ServeInfo;
    expect(info.dataDirectory).toBe(dataDirectory);
    // The page is served while the services are still to come.
    expect((await sendHttp({ port: info.port, path: '/' })).status).toBe(200);
    let answered = false;
    const call = sendHttp({
      port: info.port,
      method: 'POST',
      path: '/rpc/app:get-info',
      headers: { 'Content-Type': 'application/json', 'X-Relayproof-Token': info.token },
      body: '{}',
    }).then((res) => ((answered = true), res));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answered).toBe(false);
    expect(openCalls).toBe(1);
    release(createTestServices(dataDirectory));
    const res = await call;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, value: { mode: 'browser' } });
    stop();
    expect(await running).toBe(0);
  });

  it('when the services cannot start after the link was printed, stops serving and says why', async () => {
    const out = new PassThrough();
    let stdout = '';
    const printed = new Promise<void>((resolve) => out.on('data', (chunk: Buffer) => ((stdout += chunk.toString('utf8')), resolve())));
    const io: CliIo = { stdout: out, stderr: new PassThrough(), stdin: Readable.from([]), env: {} };
    let refuse: (error: Error) => void = () => {};
    const services = new Promise<Services>((_resolve, reject) => (refuse = reject));
    const running = runServe({ dataDirectory: temp.path, logger: silentLogger, open: () => services }, io, { port: 0, open: false, json: true }, { rendererDir });
    await printed;
    const info = JSON.parse(stdout) as ServeInfo;
    refuse(new StoreUnavailableError('The settings folder cannot be written.'));
    await expect(running).rejects.toThrow('The settings folder cannot be written.');
    // Nothing listens on the port any more.
    await expect(sendHttp({ port: info.port, path: '/' })).rejects.toThrow();
  });
});

/**
 * Real stand-ins for the transport tests (bridge, IPC, dispatcher): an in-memory
 * keychain behind the vault's own interface, services on a temporary data directory, a
 * built-renderer fixture, and an HTTP client that can send what browsers refuse to
 * (foreign Host, no Host, odd methods). Nothing here is imported by product code.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Result } from '../../src-preload/contract';
import type { IpcMainHandleApi, IpcMainInvokeEvent } from '../electron/ipc';
import { createLogger, type Logger } from '../log/logger';
import { createServices, type Services } from '../services';
import type { KeychainBackend } from '../vault/vault';

/** A keychain that keeps entries in a Map: the vault's contract without D-Bus. */
export function memoryKeychain(): KeychainBackend & { readonly entries: ReadonlyMap<string, string> } {
  const entries = new Map<string, string>();
  const key = (service: string, account: string) => `${service}\u0000${account}`;
  return {
    entries,
    async getPassword(service, account) {
      return entries.get(key(service, account)) ?? null;
    },
    async setPassword(service, account, password) {
      entries.set(key(service, account), password);
    },
    async deletePassword(service, account) {
      return entries.delete(key(service, account));
    },
    async findCredentials(service) {
      const prefix = `${service}\u0000`;
      return [...entries].filter(([k]) => k.startsWith(prefix)).map(([k, password]) => ({ account: k.slice(prefix.length), password }));
    },
  };
}

export interface TempDir {
  readonly path: string;
  remove(): Promise<void>;
}

export async function makeTempDir(prefix: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `relayproof-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A logger whose human lines are kept in memory (and JSON lines in `file`, if given). */
export function recordingLogger(file?: string): { logger: Logger; text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  const logger = createLogger({ stream, minLevel: 'debug', ...(file === undefined ? {} : { file }) });
  return { logger, text: () => text };
}

export function createTestServices(dataDirectory: string, logger?: Logger): Services {
  const keychain = memoryKeychain();
  return createServices({
    dataDirectory,
    mode: 'browser',
    keychain: async () => keychain,
    validateOutput: true,
    ...(logger === undefined ? {} : { logger }),
  });
}

export const FIXTURE_INDEX = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Relayproof</title></head><body><div id="root"></div><script type="module" src="/assets/app.js"></script></body></html>';

/**
 * `<root>/renderer` shaped like electron-vite's output, next to `<root>/outside/secret.txt`
 * that no request may reach (also linked from inside as `assets/leak.txt`).
 */
export async function writeRendererFixture(root: string): Promise<{ rendererDir: string; secretText: string }> {
  const rendererDir = join(root, 'renderer');
  const secretText = 'TOP-SECRET-OUTSIDE-RENDERER';
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await mkdir(join(root, 'outside'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), FIXTURE_INDEX);
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'document.getElementById("root").textContent = "ok";\n');
  await writeFile(join(rendererDir, 'assets', 'app.css'), 'body { margin: 0; }\n');
  await writeFile(join(rendererDir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(join(rendererDir, 'assets', 'font.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
  await writeFile(join(rendererDir, '.env'), secretText);
  await writeFile(join(root, 'outside', 'secret.txt'), secretText);
  await writeFile(join(root, 'renderer-other.txt'), secretText);
  await symlink(join(root, 'outside', 'secret.txt'), join(rendererDir, 'assets', 'leak.txt'));
  return { rendererDir, secretText };
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface HttpRequestOptions {
  readonly port: number;
  readonly method?: string;
  readonly path: string;
  /** Sent as given; `Host` defaults to `127.0.0.1:<port>` unless `setHost` is false. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly setHost?: boolean;
  readonly body?: string | Buffer;
  readonly agent?: Agent;
}

/** One HTTP request to 127.0.0.1 with full control over the head; resolves with the whole body. */
export function sendHttp(options: HttpRequestOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    const setHost = options.setHost ?? true;
    const has = (name: string) => Object.keys(headers).some((h) => h.toLowerCase() === name);
    if (setHost && !has('host')) headers.Host = `127.0.0.1:${options.port}`;
    // Node's client sends a DELETE/OPTIONS body without a length unless told; say it.
    if (options.body !== undefined && !has('transfer-encoding') && !has('content-length')) headers['Content-Length'] = String(Buffer.byteLength(options.body));
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: options.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers,
        setHost: false,
        ...(options.agent === undefined ? { agent: false } : { agent: options.agent }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Writes `head` verbatim on a fresh socket; resolves with everything the server sent. */
export function sendRaw(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    // A reset (e.g. over the connection cap) counts as "nothing came back".
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(error)));
    socket.setTimeout(5_000, () => socket.destroy());
  });
}

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

/**
 * In-process stand-in for Electron's ipcMain at the transport boundary: a Map of
 * channel → handler with Electron's rules (one handler per channel) and its structured
 * clone of arguments and results.
 */
export function createIpcStandIn() {
  const listeners = new Map<string, Listener>();
  const mainSide: IpcMainHandleApi = {
    handle(channel, listener) {
      if (listeners.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      listeners.set(channel, listener);
    },
    removeHandler(channel) {
      listeners.delete(channel);
    },
  };
  async function invoke(event: IpcMainInvokeEvent, channel: string, ...args: unknown[]): Promise<Result<unknown>> {
    const listener = listeners.get(channel);
    if (listener === undefined) throw new Error(`No handler registered for '${channel}'`);
    let cloned: unknown[];
    try {
      cloned = args.map((a) => structuredClone(a));
    } catch (error) {
      // Electron's renderer-side invoke fails in the renderer, before main sees anything.
      throw new UnsendableIpcArgumentError(error);
    }
    return structuredClone((await listener(event, ...cloned)) as Result<unknown>);
  }
  return { ipcMain: mainSide, listeners, invoke };
}

/** The argument could not be serialized (e.g. nested deeper than V8's serializer allows). */
export class UnsendableIpcArgumentError extends Error {
  constructor(cause: unknown) {
    super('An object could not be cloned.', { cause });
    this.name = 'UnsendableIpcArgumentError';
  }
}

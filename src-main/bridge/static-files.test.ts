import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger';
import { precompressFiles } from '../dev/precompress';
import { createTestServices, FIXTURE_INDEX, makeTempDir, type TempDir } from '../testing/transport-support';
import { startBridge, type Bridge } from './server';
import { acceptedCodings, isHashedAsset } from './static-files';

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Big and repetitive enough that both codings shrink it, like a real bundle. */
const BUNDLE = Array.from({ length: 400 }, (_, i) => `export const view${i % 7} = () => document.createElement("section");\n`).join('');
const SECRET = 'TOP-SECRET-OUTSIDE-RENDERER';

let temp: TempDir;
let rendererDir: string;
let bridge: Bridge;

interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** GET with the page's own Host and Origin; the body as the bytes on the wire (not decoded). */
function get(path: string, headers: Readonly<Record<string, string>> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: bridge.port, path, agent: false, headers: { Host: `127.0.0.1:${bridge.port}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  temp = await makeTempDir('static');
  rendererDir = join(temp.path, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await mkdir(join(temp.path, 'outside'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), FIXTURE_INDEX);
  await writeFile(join(rendererDir, 'assets', 'index-DqWJm6QD.js'), BUNDLE);
  await writeFile(join(rendererDir, 'assets', 'app.js'), BUNDLE);
  await writeFile(join(rendererDir, 'assets', 'font-AbCd12_-.woff2'), randomBytes(2048));
  await writeFile(join(rendererDir, 'assets', 'leaky-AbCd1234.js'), BUNDLE);
  await writeFile(join(temp.path, 'outside', 'secret.txt'), SECRET);
  // The real build step writes the variants, so the test serves what a build would.
  await precompressFiles(rendererDir, ['index.html', 'assets/index-DqWJm6QD.js', 'assets/app.js', 'assets/font-AbCd12_-.woff2']);
  // A variant that is a symlink out of the folder must not lend out the file behind it.
  await symlink(join(temp.path, 'outside', 'secret.txt'), join(rendererDir, 'assets', 'leaky-AbCd1234.js.br'));
  bridge = await startBridge({ services: createTestServices(join(temp.path, 'data')), rendererDir, logger: silentLogger });
});

afterAll(async () => {
  await bridge?.close();
  await temp?.remove();
});

describe('content encoding', () => {
  it('sends the brotli variant when the browser accepts br (what Chromium sends), with Vary', async () => {
    const res = await get('/assets/index-DqWJm6QD.js', { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(Buffer.byteLength(BUNDLE) / 4);
    expect(brotliDecompressSync(res.body).toString('utf8')).toBe(BUNDLE);
  });

  it.each([['gzip'], ['br;q=0, gzip'], ['deflate, gzip;q=0.5'], ['BR;Q=0, GZip']])('sends gzip for Accept-Encoding %j', async (accept) => {
    const res = await get('/assets/index-DqWJm6QD.js', { 'Accept-Encoding': accept });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(res.body).toString('utf8')).toBe(BUNDLE);
  });

  it.each([[undefined], ['identity'], ['deflate'], ['br;q=0, gzip;q=0'], ['*;q=0'], ['br;q=0.0, gzip;q=0.000']])('sends the file as built for Accept-Encoding %j', async (accept) => {
    const res = await get('/assets/index-DqWJm6QD.js', accept === undefined ? {} : { 'Accept-Encoding': accept });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    // The answer still depends on the header: a shared cache must not reuse it for a br client.
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.body.toString('utf8')).toBe(BUNDLE);
  });

  it('treats * as accepting br', async () => {
    const res = await get('/assets/app.js', { 'Accept-Encoding': '*' });
    expect(res.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(res.body).toString('utf8')).toBe(BUNDLE);
  });

  it('sends a file without variants (a font) as it is, whatever the browser accepts', async () => {
    const font = await readFile(join(rendererDir, 'assets', 'font-AbCd12_-.woff2'));
    const res = await get('/assets/font-AbCd12_-.woff2', { 'Accept-Encoding': 'gzip, br' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.equals(font)).toBe(true);
  });

  it('never compresses the page, which carries the token meta', async () => {
    const res = await get(`/?token=${bridge.token}`, { 'Accept-Encoding': 'gzip, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString('utf8')).toContain(`<meta name="relayproof-token" content="${bridge.token}">`);
  });
});

describe('caching', () => {
  it('lets the browser keep a content-hashed asset for good, in every coding', async () => {
    for (const accept of ['br', 'gzip', 'identity']) {
      const res = await get('/assets/index-DqWJm6QD.js', { 'Accept-Encoding': accept });
      expect(res.headers['cache-control'], accept).toBe(IMMUTABLE);
    }
    expect((await get('/assets/font-AbCd12_-.woff2')).headers['cache-control']).toBe(IMMUTABLE);
  });

  it('makes the browser revalidate the page and any asset not named by its hash', async () => {
    expect((await get('/')).headers['cache-control']).toBe('no-cache');
    expect((await get('/index.html')).headers['cache-control']).toBe('no-cache');
    expect((await get('/settings')).headers['cache-control']).toBe('no-cache');
    expect((await get('/assets/app.js', { 'Accept-Encoding': 'br' })).headers['cache-control']).toBe('no-cache');
  });

  it('never lets a cache store the page that carries the token, nor an error', async () => {
    expect((await get(`/?token=${bridge.token}`)).headers['cache-control']).toBe('no-store');
    expect((await get('/assets/missing-AbCd1234.js')).headers['cache-control']).toBe('no-store');
    expect((await get('/assets/../../outside/secret.txt')).headers['cache-control']).toBe('no-store');
  });
});

describe('paths stay inside the renderer folder', () => {
  it.each([
    ['/assets/../../outside/secret.txt'],
    ['/%2e%2e/outside/secret.txt'],
    ['/assets/%2e%2e/%2e%2e/outside/secret.txt'],
    ['/assets/..%2f..%2foutside%2fsecret.txt'],
    ['/.br'],
  ])('refuses %s with 403 whatever the browser accepts', async (path) => {
    for (const accept of ['br', 'gzip', 'identity']) {
      const res = await get(path, { 'Accept-Encoding': accept });
      expect(res.status, `${path} ${accept}`).toBe(403);
      expect(res.body.toString('utf8')).not.toContain(SECRET);
    }
  });

  it('does not serve a variant that is a symlink to a file outside the folder', async () => {
    const res = await get('/assets/leaky-AbCd1234.js', { 'Accept-Encoding': 'br' });
    expect(res.headers['content-encoding']).not.toBe('br');
    expect(res.body.toString('utf8')).not.toContain(SECRET);
    expect(res.body.toString('utf8')).toBe(BUNDLE);
  });
});

describe('acceptedCodings', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['gzip, deflate, br', ['br', 'gzip']],
    ['gzip;q=1.0, br;q=0.1', ['br', 'gzip']],
    ['br;q=0', []],
    ['identity', []],
    ['*', ['br', 'gzip']],
    ['*, br;q=0', ['gzip']],
    ['gzip;q=abc', []],
  ] as const)('%j → %j', (header, expected) => {
    expect(acceptedCodings(header)).toEqual(expected);
  });
});

describe('isHashedAsset', () => {
  it.each([
    [['assets', 'index-DqWJm6QD.js'], true],
    [['assets', 'rolldown-runtime-WkwZ5CU-.js'], true],
    [['assets', 'app.js'], false],
    [['assets', 'address-forms.js'], false],
    [['index.html'], false],
    [['index-DqWJm6QD.js'], false],
    [['assets', 'nested', 'index-DqWJm6QD.js'], false],
  ] as const)('%j → %s', (segments, expected) => {
    expect(isHashedAsset(segments)).toBe(expected);
  });
});

describe('precompressFiles (the build step)', () => {
  it('writes .br and .gz for text assets only, and only when they are smaller', async () => {
    const dir = join(temp.path, 'build');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'index.html'), FIXTURE_INDEX);
    await writeFile(join(dir, 'main.js'), BUNDLE);
    await writeFile(join(dir, 'noise.js'), randomBytes(4096));
    const written = await precompressFiles(dir, ['index.html', 'main.js', 'noise.js']);
    expect(written.map((f) => f.file).sort()).toEqual(['main.js', 'noise.js']);
    expect(brotliDecompressSync(await readFile(join(dir, 'main.js.br'))).toString('utf8')).toBe(BUNDLE);
    expect(gunzipSync(await readFile(join(dir, 'main.js.gz'))).toString('utf8')).toBe(BUNDLE);
    const exists = (name: string) => access(join(dir, name)).then(() => true, () => false);
    expect(await exists('index.html.br')).toBe(false);
    // Random bytes do not compress: a variant would only cost bytes.
    expect(await exists('noise.js.br')).toBe(false);
    expect(await exists('noise.js.gz')).toBe(false);
  });
});

import { request as httpRequest, Agent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contract, ok, operationIdSchema, type OperationEvent } from '../../src-preload/contract';
import { silentLogger } from '../log/logger';
import { createDispatcher, type HandlerContext, type Handlers } from '../rpc/dispatch';
import type { Services } from '../services';
import { CONTENT_SECURITY_POLICY, MAX_BODY_BYTES, startBridge, type Bridge } from './server';
import {
  createTestServices,
  makeTempDir,
  recordingLogger,
  sendHttp,
  sendRaw,
  writeRendererFixture,
  type HttpRequestOptions,
  type HttpResponse,
  type TempDir,
} from '../testing/transport-support';

let temp: TempDir;
let services: Services;
let rendererDir: string;
let secretText: string;
let bridge: Bridge;
/** Every response this file received, for the "never any CORS header" assertion. */
const seen: HttpResponse[] = [];

async function http(options: Omit<HttpRequestOptions, 'port'> & { port?: number }): Promise<HttpResponse> {
  const res = await sendHttp({ port: bridge.port, ...options });
  seen.push(res);
  return res;
}

function api(extra: Record<string, string> = {}): Record<string, string> {
  return { 'X-Relayproof-Token': bridge.token, 'Content-Type': 'application/json', Origin: bridge.origin, ...extra };
}

/** What a browser would send if a cookie named like the old session cookie existed: never a credential. */
function cookie(): Record<string, string> {
  return { Cookie: `relayproof_token=${bridge.token}` };
}

const TOKEN_META = (token: string) => `<meta name="relayproof-token" content="${token}">`;

function launchCodeOf(url: string): string {
  return new URL(url).searchParams.get('launch') ?? '';
}

beforeAll(async () => {
  temp = await makeTempDir('bridge');
  services = createTestServices(join(temp.path, 'data'));
  ({ rendererDir, secretText } = await writeRendererFixture(temp.path));
  bridge = await startBridge({ services, rendererDir, logger: silentLogger });
});

afterAll(async () => {
  await bridge.close();
  await temp.remove();
});

describe('listening', () => {
  it('binds 127.0.0.1 on a random port with a fresh 256-bit hex token per launch', async () => {
    expect(bridge.address).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
    expect(bridge.port).toBeGreaterThan(0);
    expect(bridge.token).toMatch(/^[0-9a-f]{64}$/u);
    expect(bridge.url).toBe(`http://127.0.0.1:${bridge.port}/?token=${bridge.token}`);
    const second = await startBridge({ services, rendererDir, logger: silentLogger });
    try {
      expect(second.token).not.toBe(bridge.token);
      expect(second.port).not.toBe(bridge.port);
    } finally {
      await second.close();
    }
  });

  it('refuses a token that is not 32 bytes of hex', async () => {
    await expect(startBridge({ services, rendererDir, logger: silentLogger, token: 'letmein' })).rejects.toThrow(/64 lowercase hex/u);
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i !== undefined && i.family === 'IPv4' && !i.internal)
    .map((i) => i?.address ?? '');
  if (external.length === 0) console.info('skipping the non-loopback reachability test: this machine has no non-loopback IPv4 address');
  it.skipIf(external.length === 0)('cannot be reached on any non-loopback IPv4 address of this machine', async () => {
    for (const address of external) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect(bridge.port, address);
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      expect(outcome, address).toBe('ECONNREFUSED');
    }
  });

  it('cannot be reached on the IPv6 loopback either', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect(bridge.port, '::1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(outcome).not.toBe('connected');
  });
});

describe('page and static files', () => {
  it('serves index.html on / without any credential and without the token', async () => {
    const res = await http({ path: '/' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<div id="root"></div>');
    expect(res.body).not.toContain('relayproof-token');
    expect(res.body).not.toContain(bridge.token);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('GET /?token= with the right token serves index.html with the token meta before </head>, no redirect, no cookie', async () => {
    const res = await http({ path: `/?token=${bridge.token}` });
    expect(res.status).toBe(200);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain(`${TOKEN_META(bridge.token)}</head>`);
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // The token is in this URL: no cache may keep the page, no Referer may carry the URL on.
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('never puts the token in a page for a header, a cookie, another path or another query', async () => {
    for (const request of [
      { path: '/index.html', headers: { 'X-Relayproof-Token': bridge.token } },
      { path: '/', headers: cookie() },
      { path: `/index.html?token=${bridge.token}` },
      { path: `/settings?token=${bridge.token}` },
      { path: '/?view=settings' },
    ]) {
      const res = await http(request);
      expect(res.status, request.path).toBe(200);
      expect(res.body, request.path).not.toContain('relayproof-token');
      expect(res.body, request.path).not.toContain(bridge.token);
    }
  });

  it.each([
    ['/assets/app.js', 'text/javascript; charset=utf-8'],
    ['/assets/app.css', 'text/css; charset=utf-8'],
    ['/assets/logo.svg', 'image/svg+xml'],
    ['/assets/font.woff2', 'font/woff2'],
  ])('serves %s as %s without any credential', async (path, type) => {
    const res = await http({ path, headers: { Origin: bridge.origin, 'Sec-Fetch-Site': 'same-origin' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body).not.toContain('relayproof-token');
  });

  it('answers a missing asset with 404 and a client-side route with the page (without token)', async () => {
    expect((await http({ path: '/assets/missing.js' })).status).toBe(404);
    const route = await http({ path: '/settings' });
    expect(route.status).toBe(200);
    expect(route.body).toContain('<div id="root"></div>');
    expect(route.body).not.toContain('relayproof-token');
  });
});

describe('launch codes', () => {
  it('launchUrl() gives a fresh 256-bit code each time, never the token', () => {
    const first = bridge.launchUrl();
    const second = bridge.launchUrl();
    expect(first).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${bridge.port}/\\?launch=[0-9a-f]{64}$`, 'u'));
    expect(second).not.toBe(first);
    expect(first).not.toContain(bridge.token);
  });

  it('GET /?launch= serves the page with the token exactly once, then 403', async () => {
    const code = launchCodeOf(bridge.launchUrl());
    const first = await http({ path: `/?launch=${code}` });
    expect(first.status).toBe(200);
    expect(first.body).toContain(`${TOKEN_META(bridge.token)}</head>`);
    expect(first.headers['set-cookie']).toBeUndefined();
    const again = await http({ path: `/?launch=${code}` });
    expect(again.status).toBe(403);
    expect(again.body).not.toContain(bridge.token);
  });

  it('codes are independent: using one leaves another live', async () => {
    const a = launchCodeOf(bridge.launchUrl());
    const b = launchCodeOf(bridge.launchUrl());
    expect((await http({ path: `/?launch=${b}` })).status).toBe(200);
    expect((await http({ path: `/?launch=${a}` })).status).toBe(200);
    expect((await http({ path: `/?launch=${a}` })).status).toBe(403);
  });

  it('a refused request (foreign Host, foreign Origin, POST) does not use up the code', async () => {
    const code = launchCodeOf(bridge.launchUrl());
    expect((await http({ path: `/?launch=${code}`, headers: { Host: `evil.test:${bridge.port}` } })).status).toBe(403);
    expect((await http({ path: `/?launch=${code}`, headers: { Origin: 'https://evil.test' } })).status).toBe(403);
    expect((await http({ method: 'POST', path: `/?launch=${code}`, headers: { 'Content-Type': 'application/json' }, body: '{}' })).status).toBe(403);
    const res = await http({ path: `/?launch=${code}` });
    expect(res.status).toBe(200);
    expect(res.body).toContain(TOKEN_META(bridge.token));
  });

  /** What Chromium sends when the launch file (a `file://` page) redirects to the bridge. */
  const fromLaunchFile = { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-User': '?1' };

  it("opens the page from the launch file's redirect (a cross-site top-level navigation), once", async () => {
    const code = launchCodeOf(bridge.launchUrl());
    const first = await http({ path: `/?launch=${code}`, headers: fromLaunchFile });
    expect(first.status).toBe(200);
    expect(first.body).toContain(TOKEN_META(bridge.token));
    expect((await http({ path: `/?launch=${code}`, headers: fromLaunchFile })).status).toBe(403);
  });

  it('admits cross-site requests for a launch code only as top-level navigations, and never for the token', async () => {
    const code = launchCodeOf(bridge.launchUrl());
    const refused: Array<Record<string, string>> = [
      { ...fromLaunchFile, 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'image' },
      { ...fromLaunchFile, 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Dest': 'empty' },
      { ...fromLaunchFile, 'Sec-Fetch-Dest': 'iframe' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { ...fromLaunchFile, Origin: 'https://evil.test' },
    ];
    for (const headers of refused) {
      const res = await http({ path: `/?launch=${code}`, headers });
      expect(res.status).toBe(403);
      expect(res.body).not.toContain(bridge.token);
    }
    expect((await http({ path: `/?token=${bridge.token}`, headers: fromLaunchFile })).status).toBe(403);
    expect((await http({ path: '/assets/app.js', headers: fromLaunchFile })).status).toBe(403);
    // None of the refusals used the code up.
    expect((await http({ path: `/?launch=${code}`, headers: fromLaunchFile })).status).toBe(200);
  });

  it('launch().ended says when a code died: used, expired, pushed out, or the bridge closed', async () => {
    let now = 1_000_000;
    const local = await startBridge({ services, rendererDir, logger: silentLogger, now: () => now });
    try {
      const used = local.launch();
      expect((await sendHttp({ port: local.port, path: `/?launch=${launchCodeOf(used.url)}` })).status).toBe(200);
      expect(await used.ended).toBe('redeemed');

      const late = local.launch();
      now += 60_000;
      expect((await sendHttp({ port: local.port, path: `/?launch=${launchCodeOf(late.url)}` })).status).toBe(403);
      expect(await late.ended).toBe('expired');

      const first = local.launch();
      for (let i = 0; i < 16; i++) local.launch();
      expect(await first.ended).toBe('replaced');

      const open = local.launch();
      await local.close();
      expect(await open.ended).toBe('closed');
    } finally {
      await local.close();
    }
  });

  it('a code is dead 60 s after it was issued', async () => {
    let now = 1_000_000;
    const local = await startBridge({ services, rendererDir, logger: silentLogger, now: () => now });
    try {
      const late = launchCodeOf(local.launchUrl());
      const inTime = launchCodeOf(local.launchUrl());
      now += 59_999;
      expect((await sendHttp({ port: local.port, path: `/?launch=${inTime}` })).status).toBe(200);
      now += 1;
      const res = await sendHttp({ port: local.port, path: `/?launch=${late}` });
      expect(res.status).toBe(403);
      expect(res.body).not.toContain(local.token);
    } finally {
      await local.close();
    }
  });
});

describe('hostile requests get 403 and nothing else', () => {
  const wrong = 'f'.repeat(64);
  const cases: Array<[string, () => Omit<HttpRequestOptions, 'port'>]> = [
    ['wrong token in the query', () => ({ path: `/?token=${wrong}` })],
    ['empty token in the query', () => ({ path: '/?token=' })],
    ['token twice in the query', () => ({ path: `/?token=${bridge.token}&token=${wrong}` })],
    ['token as a prefix in the query', () => ({ path: `/?token=${bridge.token.slice(0, 63)}` })],
    ['token in upper case in the query', () => ({ path: `/?token=${bridge.token.toUpperCase()}` })],
    ['unknown launch code', () => ({ path: `/?launch=${wrong}` })],
    ['empty launch code', () => ({ path: '/?launch=' })],
    ['the token as a launch code', () => ({ path: `/?launch=${bridge.token}` })],
    ['launch code twice', () => ({ path: `/?launch=${launchCodeOf(bridge.launchUrl())}&launch=${wrong}` })],
    ['launch code and token together', () => ({ path: `/?launch=${launchCodeOf(bridge.launchUrl())}&token=${bridge.token}` })],
    ['rpc with the token as a prefix', () => ({ method: 'POST', path: '/rpc/settings:get', headers: api({ 'X-Relayproof-Token': bridge.token.slice(0, 63) }), body: '{}' })],
    ['rpc with the cookie only (CSRF)', () => ({ method: 'POST', path: '/rpc/settings:get', headers: { ...cookie(), 'Content-Type': 'application/json', Origin: bridge.origin }, body: '{}' })],
    ['rpc with the token in the query', () => ({ method: 'POST', path: `/rpc/settings:get?token=${bridge.token}`, headers: { 'Content-Type': 'application/json' }, body: '{}' })],
    ['rpc with a launch code in the query', () => ({ method: 'POST', path: `/rpc/settings:get?launch=${launchCodeOf(bridge.launchUrl())}`, headers: { 'Content-Type': 'application/json' }, body: '{}' })],
    ['rpc with the token as a bearer', () => ({ method: 'POST', path: '/rpc/settings:get', headers: { Authorization: `Bearer ${bridge.token}`, 'Content-Type': 'application/json' }, body: '{}' })],
    ['rpc as a form post', () => ({ method: 'POST', path: '/rpc/settings:get', headers: api({ 'Content-Type': 'application/x-www-form-urlencoded' }), body: 'a=1' })],
    ['rpc as text/plain', () => ({ method: 'POST', path: '/rpc/settings:get', headers: api({ 'Content-Type': 'text/plain' }), body: '{}' })],
    ['rpc over GET', () => ({ path: '/rpc/settings:get', headers: api() })],
    ['events with the cookie only', () => ({ path: '/events', headers: cookie() })],
    ['events with the token in the query', () => ({ path: `/events?token=${bridge.token}` })],
    ['POST to a page', () => ({ method: 'POST', path: '/', headers: api(), body: '{}' })],
    ['POST to an asset', () => ({ method: 'POST', path: '/assets/app.js', headers: api(), body: '{}' })],
    ['Host localhost:PORT', () => ({ path: '/', headers: { ...api(), Host: `localhost:${bridge.port}` } })],
    ['Host 127.0.0.1.evil.test', () => ({ path: '/', headers: { ...api(), Host: `127.0.0.1.evil.test:${bridge.port}` } })],
    ['Host 127.0.0.1.evil.test without port', () => ({ path: '/', headers: { ...api(), Host: '127.0.0.1.evil.test' } })],
    ['DNS rebinding Host evil.test', () => ({ path: '/', headers: { ...api(), Host: `evil.test:${bridge.port}` } })],
    ['DNS rebinding Host for an asset', () => ({ path: '/assets/app.js', headers: { Host: `evil.test:${bridge.port}` } })],
    ['DNS rebinding Host with the right token in the query', () => ({ path: `/?token=${bridge.token}`, headers: { Host: `evil.test:${bridge.port}` } })],
    ['Host with another port', () => ({ path: '/', headers: { ...api(), Host: `127.0.0.1:${bridge.port + 1}` } })],
    ['Host without port', () => ({ path: '/', headers: { ...api(), Host: '127.0.0.1' } })],
    ['Host [::1]', () => ({ path: '/', headers: { ...api(), Host: `[::1]:${bridge.port}` } })],
    ['Host with a trailing dot', () => ({ path: '/', headers: { ...api(), Host: `127.0.0.1:${bridge.port}.` } })],
    ['missing Host', () => ({ path: '/', headers: api(), setHost: false })],
    ['missing Host for an asset', () => ({ path: '/assets/app.js', setHost: false })],
    ['foreign Origin', () => ({ method: 'POST', path: '/rpc/settings:get', headers: api({ Origin: 'https://evil.test' }), body: '{}' })],
    ['foreign Origin for an asset', () => ({ path: '/assets/app.js', headers: { Origin: 'https://evil.test' } })],
    ['foreign Origin for the page', () => ({ path: '/', headers: { Origin: 'https://evil.test' } })],
    ['Origin null', () => ({ method: 'POST', path: '/rpc/settings:get', headers: api({ Origin: 'null' }), body: '{}' })],
    ['Origin null for an asset', () => ({ path: '/assets/app.js', headers: { Origin: 'null' } })],
    ['Origin localhost', () => ({ method: 'POST', path: '/rpc/settings:get', headers: api({ Origin: `http://localhost:${bridge.port}` }), body: '{}' })],
    ['Origin on another port', () => ({ method: 'POST', path: '/rpc/settings:get', headers: api({ Origin: `http://127.0.0.1:${bridge.port + 1}` }), body: '{}' })],
    ['Origin on another port for an asset', () => ({ path: '/assets/app.js', headers: { Origin: `http://127.0.0.1:${bridge.port + 1}` } })],
    ['Origin https', () => ({ method: 'POST', path: '/rpc/settings:get', headers: api({ Origin: `https://127.0.0.1:${bridge.port}` }), body: '{}' })],
    ['cross-site fetch metadata', () => ({ path: '/assets/app.js', headers: { 'Sec-Fetch-Site': 'cross-site' } })],
    ['same-site fetch metadata (another port on 127.0.0.1)', () => ({ path: '/', headers: { 'Sec-Fetch-Site': 'same-site' } })],
    ['PUT', () => ({ method: 'PUT', path: '/rpc/settings:get', headers: api(), body: '{}' })],
    ['DELETE', () => ({ method: 'DELETE', path: '/rpc/addresses:delete', headers: api(), body: '{"id":"a"}' })],
    ['PATCH', () => ({ method: 'PATCH', path: '/rpc/settings:update', headers: api(), body: '{}' })],
    ['HEAD', () => ({ method: 'HEAD', path: '/', headers: api() })],
    ['HEAD of an asset', () => ({ method: 'HEAD', path: '/assets/app.js' })],
    ['OPTIONS preflight', () => ({ method: 'OPTIONS', path: '/rpc/settings:get', headers: { Origin: 'https://evil.test', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-relayproof-token' } })],
    ['OPTIONS with the token', () => ({ method: 'OPTIONS', path: '/rpc/settings:get', headers: api() })],
    ['TRACE', () => ({ method: 'TRACE', path: '/', headers: api() })],
    ['X-HTTP-Method-Override', () => ({ method: 'POST', path: '/rpc/addresses:delete', headers: api({ 'X-HTTP-Method-Override': 'DELETE' }), body: '{"id":"a"}' })],
    ['X-HTTP-Method', () => ({ method: 'POST', path: '/rpc/settings:get', headers: api({ 'X-HTTP-Method': 'PUT' }), body: '{}' })],
    ['X-Method-Override', () => ({ method: 'GET', path: '/', headers: { 'X-Method-Override': 'DELETE' } })],
    ['traversal ../', () => ({ path: '/../outside/secret.txt' })],
    ['traversal assets/../../', () => ({ path: '/assets/../../outside/secret.txt' })],
    ['traversal %2e%2e', () => ({ path: '/%2e%2e/outside/secret.txt' })],
    ['traversal %2e%2e%2f', () => ({ path: '/assets/%2e%2e%2f%2e%2e%2foutside%2fsecret.txt' })],
    ['traversal double-encoded', () => ({ path: '/%252e%252e/outside/secret.txt' })],
    ['traversal backslash', () => ({ path: '/..%5coutside%5csecret.txt' })],
    ['sibling prefix', () => ({ path: '/../renderer-other.txt' })],
    ['NUL in path', () => ({ path: '/index.html%00.js' })],
    ['dot-file', () => ({ path: '/.env' })],
    ['symlink out of the directory', () => ({ path: '/assets/leak.txt' })],
    ['network-path reference', () => ({ path: '//evil.test/index.html' })],
    ['absolute-form target', () => ({ path: `http://evil.test/index.html` })],
  ];

  it.each(cases)('%s', async (_name, make) => {
    const res = await http(make());
    expect(res.status).toBe(403);
    expect(['', 'Forbidden']).toContain(res.body);
    expect(res.body).not.toContain(secretText);
    expect(res.body).not.toContain(bridge.token);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('a duplicated Host header is refused even when the first one is right', async () => {
    const answer = await sendRaw(
      bridge.port,
      `GET /?token=${bridge.token} HTTP/1.1\r\nHost: 127.0.0.1:${bridge.port}\r\nHost: evil.test\r\nConnection: close\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 403 /u);
    expect(answer).not.toContain(bridge.token);
  });

  it('CONNECT and WebSocket upgrades are refused', async () => {
    const tunnel = await sendRaw(bridge.port, `CONNECT evil.test:443 HTTP/1.1\r\nHost: 127.0.0.1:${bridge.port}\r\n\r\n`);
    expect(tunnel).toMatch(/^HTTP\/1\.1 403 /u);
    const upgrade = await sendRaw(
      bridge.port,
      `GET /events HTTP/1.1\r\nHost: 127.0.0.1:${bridge.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nX-Relayproof-Token: ${bridge.token}\r\n\r\n`,
    );
    expect(upgrade).toMatch(/^HTTP\/1\.1 403 /u);
    expect(upgrade.toLowerCase()).not.toContain('access-control-');
  });

  it('a slow client that never finishes its headers is cut off', async () => {
    const slow = await startBridge({ services, rendererDir, logger: silentLogger, headersTimeoutMs: 300, requestTimeoutMs: 300 });
    try {
      const started = Date.now();
      const answer = await sendRaw(slow.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${slow.port}\r\nX-Slow: `);
      expect(answer).toMatch(/^(HTTP\/1\.1 408 |$)/u);
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      await slow.close();
    }
  });

  it('a socket cut off by the header timeout is destroyed, not left half-closed', async () => {
    const slow = await startBridge({ services, rendererDir, logger: silentLogger, headersTimeoutMs: 300, requestTimeoutMs: 300 });
    // A peer that ignores our FIN (allowHalfOpen) and never closes its side.
    const [socket] = await idleSockets(slow.port, 1);
    try {
      if (socket !== undefined) await hungUp(socket);
      await waitUntil(async () => (await slow.openConnections()) === 0);
    } finally {
      socket?.destroy();
      await slow.close();
    }
  });

  // The attack: sockets that send one byte and never finish a request
  // used to fill the 64-connection cap, and the page was refused for minutes.
  it.each([64, 500])('%i idle sockets do not lock the page out: a request with the token succeeds within 2 s', async (count) => {
    const flooded = await startBridge({ services, rendererDir, logger: silentLogger });
    const attackers = await idleSockets(flooded.port, count);
    try {
      const started = Date.now();
      const res = await sendHttp({ port: flooded.port, method: 'POST', path: '/rpc/settings:get', headers: { 'X-Relayproof-Token': flooded.token, 'Content-Type': 'application/json' }, body: '{}' });
      const elapsed = Date.now() - started;
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ ok: true });
      expect(elapsed).toBeLessThan(2_000);
      // The idle sockets were closed to make room, not kept: the bridge holds a bounded number.
      expect(await flooded.openConnections()).toBeLessThanOrEqual(33);
    } finally {
      for (const socket of attackers) socket.destroy();
      await flooded.close();
    }
  });

  it("the page's own keep-alive socket (it showed the token) stays open while anonymous ones make room", async () => {
    const small = await startBridge({ services, rendererDir, logger: silentLogger, maxAnonymousConnections: 2 });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const call = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port: small.port,
            method: 'POST',
            path: '/rpc/settings:get',
            agent,
            headers: { Host: `127.0.0.1:${small.port}`, 'X-Relayproof-Token': small.token, 'Content-Type': 'application/json', 'Content-Length': '2' },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
    const attackers: Socket[] = [];
    try {
      expect(await call()).toEqual({ status: 200, reused: false });
      attackers.push(...(await idleSockets(small.port, 6)));
      // The four oldest anonymous sockets went; the two newest are the budget.
      await Promise.all(attackers.slice(0, 4).map(hungUp));
      expect(attackers.slice(4).map((socket) => socket.readableEnded)).toEqual([false, false]);
      expect(await call()).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
      for (const socket of attackers) socket.destroy();
      await small.close();
    }
  });
});

/** Sockets that each send one byte of a request and then sit idle, ignoring our FIN. */
async function idleSockets(port: number, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i++) {
    sockets.push(
      await new Promise<Socket>((resolve, reject) => {
        const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => {
          socket.write('G', () => resolve(socket));
        });
        socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
        // Reads (and drops) whatever comes, so 'end' is seen when the server hangs up.
        socket.resume();
      }),
    );
  }
  // Let the server read the bytes before the caller goes on.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return sockets;
}

/** Resolves once the server has closed its side of `socket` (FIN seen). */
function hungUp(socket: Socket): Promise<void> {
  if (socket.readableEnded) return Promise.resolve();
  return new Promise((resolve) => socket.once('end', () => resolve()));
}

/** Polls `check` until it holds; gives up (failing the test) after `limitMs`. */
async function waitUntil(check: () => Promise<boolean>, limitMs = 5_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('rpc', () => {
  it('runs a re-sent POST (same request id) once and answers both with the first result', async () => {
    const body = JSON.stringify({
      fields: { address: 'resend@example.test', platform: 'generic', environment: 'sandbox', provider: 'custom', host: 'smtp.example.test', port: 587, security: 'starttls', username: 'resend', authKind: 'password' },
    });
    const headers = api({ 'X-Relayproof-Request-Id': 'req-0123456789abcdef' });
    const first = await http({ method: 'POST', path: '/rpc/addresses:create', headers, body });
    const again = await http({ method: 'POST', path: '/rpc/addresses:create', headers, body });
    expect(JSON.parse(first.body)).toMatchObject({ ok: true });
    expect(again.body).toBe(first.body);
    // A different id is a new request: this one is a real duplicate.
    const other = await http({ method: 'POST', path: '/rpc/addresses:create', headers: api({ 'X-Relayproof-Request-Id': 'req-fedcba9876543210' }), body });
    expect(JSON.parse(other.body)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const id = (JSON.parse(first.body) as { value: { id: string } }).value.id;
    await http({ method: 'POST', path: '/rpc/addresses:delete', headers: api(), body: JSON.stringify({ id }) });
  });

  it('refuses a reused request id with another body or channel as conflict, without running it', async () => {
    const fields = (address: string) => ({ fields: { address, platform: 'generic', environment: 'sandbox', provider: 'custom', host: 'smtp.example.test', port: 587, security: 'starttls', username: 'reuse', authKind: 'password' } });
    const headers = api({ 'X-Relayproof-Request-Id': 'req-reused-0123456789' });
    const first = await http({ method: 'POST', path: '/rpc/addresses:create', headers, body: JSON.stringify(fields('first@example.test')) });
    expect(JSON.parse(first.body)).toMatchObject({ ok: true, value: { address: 'first@example.test' } });

    const otherBody = await http({ method: 'POST', path: '/rpc/addresses:create', headers, body: JSON.stringify(fields('second@example.test')) });
    expect(otherBody.status).toBe(200);
    expect(JSON.parse(otherBody.body)).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/request id/u) as unknown } });
    expect(otherBody.body).not.toContain('first@example.test');

    const otherChannel = await http({ method: 'POST', path: '/rpc/addresses:list', headers, body: JSON.stringify(fields('first@example.test')) });
    expect(JSON.parse(otherChannel.body)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // Same JSON value, different bytes: not provably the same call either.
    const respaced = await http({ method: 'POST', path: '/rpc/addresses:create', headers, body: JSON.stringify(fields('first@example.test'), null, 1) });
    expect(JSON.parse(respaced.body)).toMatchObject({ ok: false, error: { code: 'conflict' } });

    // The true repeat still gets the first answer, and the conflicting call never ran.
    const repeat = await http({ method: 'POST', path: '/rpc/addresses:create', headers, body: JSON.stringify(fields('first@example.test')) });
    expect(repeat.body).toBe(first.body);
    const list = JSON.parse((await http({ method: 'POST', path: '/rpc/addresses:list', headers: api(), body: '{}' })).body) as { value: Array<{ id: string; address: string }> };
    expect(list.value.map((a) => a.address)).toContain('first@example.test');
    expect(list.value.map((a) => a.address)).not.toContain('second@example.test');
    const id = (JSON.parse(first.body) as { value: { id: string } }).value.id;
    await http({ method: 'POST', path: '/rpc/addresses:delete', headers: api(), body: JSON.stringify({ id }) });
  });

  it('answers a valid call with the dispatcher Result as JSON', async () => {
    const res = await http({ method: 'POST', path: '/rpc/app:get-info', headers: api(), body: '{}' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const result = contract['app:get-info'].output.parse((JSON.parse(res.body) as { value: unknown }).value);
    expect(result.mode).toBe('browser');
  });

  it('accepts a percent-encoded channel and a charset parameter', async () => {
    const res = await http({ method: 'POST', path: '/rpc/settings%3Aget', headers: api({ 'Content-Type': 'application/json; charset=utf-8' }), body: '{}' });
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, value: { theme: 'system' } });
  });

  it('works without an Origin header (non-browser clients) as long as the token header is there', async () => {
    const res = await http({ method: 'POST', path: '/rpc/settings:get', headers: { 'X-Relayproof-Token': bridge.token, 'Content-Type': 'application/json' }, body: '{}' });
    expect(JSON.parse(res.body)).toMatchObject({ ok: true });
  });

  it('reports an unparsable body as invalid-input with status 200', async () => {
    for (const body of ['{', '', 'undefined', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])]) {
      const res = await http({ method: 'POST', path: '/rpc/settings:get', headers: api(), body });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ ok: false, error: { code: 'invalid-input', message: 'The request body is not valid JSON.' } });
    }
  });

  it('reports an unknown channel as invalid-input', async () => {
    for (const channel of ['nope:nothing', 'constructor', '__proto__', 'toString', '']) {
      const res = await http({ method: 'POST', path: `/rpc/${encodeURIComponent(channel)}`, headers: api(), body: '{}' });
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'invalid-input', message: 'Unknown channel.' } });
    }
  });

  it('refuses a body over 1 MiB with 413 and an invalid-input Result', async () => {
    const body = JSON.stringify({ patch: { theme: 'x'.repeat(MAX_BODY_BYTES) } });
    const res = await http({ method: 'POST', path: '/rpc/settings:update', headers: api(), body });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const chunked = await http({ method: 'POST', path: '/rpc/settings:update', headers: api({ 'Transfer-Encoding': 'chunked' }), body });
    expect(chunked.status).toBe(413);
    expect((await http({ method: 'POST', path: '/rpc/settings:get', headers: api(), body: '{}' })).status).toBe(200);
  });

  it('lets a channel that carries a file raise its own limit (a 3 MB .eml reaches verify-eml), and only that channel', async () => {
    const raw = Buffer.from(`From: a@example.com\r\nSubject: big\r\n\r\n${'x'.repeat(3 * 1024 * 1024)}`).toString('base64');
    const body = JSON.stringify({ raw });
    expect(body.length).toBeGreaterThan(MAX_BODY_BYTES);
    const eml = await http({ method: 'POST', path: '/rpc/verification:verify-eml', headers: api(), body });
    expect(eml.status).toBe(200);
    expect(JSON.parse(eml.body)).toHaveProperty('ok');
    const other = await http({ method: 'POST', path: '/rpc/analyze:explain', headers: api(), body: JSON.stringify({ text: raw }) });
    expect(other.status).toBe(413);
  });

  it('answers a 1 MB body of nested arrays and a huge key without falling over', async () => {
    const nested = '['.repeat(500_000) + ']'.repeat(500_000);
    const deep = await http({ method: 'POST', path: '/rpc/settings:update', headers: api(), body: nested });
    expect(deep.status).toBe(200);
    expect(JSON.parse(deep.body)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const key = await http({ method: 'POST', path: '/rpc/settings:get', headers: api(), body: JSON.stringify({ ['k'.repeat(1_000_000)]: 1 }) });
    expect(JSON.parse(key.body)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect((await http({ method: 'POST', path: '/rpc/settings:get', headers: api(), body: '{}' })).status).toBe(200);
  });

  it('aborts the handler when the client goes away', async () => {
    let sawAbort: (reason: unknown) => void = () => {};
    const aborted = new Promise<unknown>((resolve) => (sawAbort = resolve));
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const handlers: Handlers = {
      ...services.handlers,
      'settings:get': (_input, ctx) => {
        started();
        return new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => (sawAbort(ctx.signal.reason), reject(ctx.signal.reason))));
      },
    };
    const local = await startBridge({
      services: { createDispatcher: (onEvent) => createDispatcher({ handlers, logger: silentLogger, validateOutput: true, onEvent }) },
      rendererDir,
      logger: silentLogger,
    });
    try {
      const { request } = await import('node:http');
      const req = request({ host: '127.0.0.1', port: local.port, method: 'POST', path: '/rpc/settings:get', headers: { 'X-Relayproof-Token': local.token, 'Content-Type': 'application/json' } });
      req.on('error', () => {});
      req.end('{}');
      await running;
      req.destroy();
      expect(String(await aborted)).toMatch(/went away/u);
    } finally {
      await local.close();
    }
  });
});

describe('events', () => {
  /** A long operation of the test's own: the contract has no event-emitting channel yet. */
  const longContract = {
    ...contract,
    'test:long': {
      input: z.strictObject({ operationId: operationIdSchema, steps: z.number().int().min(1).max(50) }),
      output: z.object({ done: z.number() }),
      event: z.object({ step: z.number(), note: z.string() }),
    },
  };

  async function longBridge(heartbeatMs?: number): Promise<Bridge> {
    const longHandler = async (input: unknown, ctx: HandlerContext) => {
      const { steps } = longContract['test:long'].input.parse(input);
      for (let step = 0; step < steps; step++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        ctx.emit({ step, note: step % 2 === 0 ? 'line\r\nbreak' : 'plain' });
      }
      return ok({ done: steps });
    };
    const handlers = { ...services.handlers, 'test:long': longHandler } as Handlers;
    return startBridge({
      services: { createDispatcher: (onEvent) => createDispatcher({ handlers, contract: longContract, logger: silentLogger, validateOutput: true, onEvent }) },
      rendererDir,
      logger: silentLogger,
      ...(heartbeatMs === undefined ? {} : { heartbeatMs }),
    });
  }

  it("delivers a long operation's events on /events in order", async () => {
    const local = await longBridge();
    const controller = new AbortController();
    try {
      const stream = await fetch(`${local.origin}/events`, { headers: { 'X-Relayproof-Token': local.token }, signal: controller.signal });
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toBe('text/event-stream');
      expect([...stream.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
      const reader = stream.body?.pipeThrough(new TextDecoderStream()).getReader();
      if (reader === undefined) throw new Error('no body');
      const first = await reader.read();
      expect(first.value).toBe(': connected\n\n');

      const call = fetch(`${local.origin}/rpc/test:long`, {
        method: 'POST',
        headers: { 'X-Relayproof-Token': local.token, 'Content-Type': 'application/json' },
        body: JSON.stringify({ operationId: 'op_events_1', steps: 12 }),
      });
      const events: OperationEvent[] = [];
      let buffer = '';
      while (events.length < 12) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith('data: ')) events.push(JSON.parse(frame.slice(6)) as OperationEvent);
        }
      }
      expect(await (await call).json()).toEqual({ ok: true, value: { done: 12 } });
      expect(events.map((e) => e.seq)).toEqual([...Array(12).keys()]);
      expect(events.map((e) => (e.event as { step: number }).step)).toEqual([...Array(12).keys()]);
      expect(events.every((e) => e.operationId === 'op_events_1' && e.channel === 'test:long')).toBe(true);
      expect((events[0]?.event as { note: string }).note).toBe('line\r\nbreak');
    } finally {
      controller.abort();
      await local.close();
    }
  });

  it('sends a heartbeat comment on an idle stream', async () => {
    const local = await longBridge(40);
    const controller = new AbortController();
    try {
      const stream = await fetch(`${local.origin}/events`, { headers: { 'X-Relayproof-Token': local.token }, signal: controller.signal });
      const reader = stream.body?.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      while (!text.includes(': heartbeat\n\n') && reader !== undefined) text += (await reader.read()).value ?? '';
      expect(text).toContain(': heartbeat\n\n');
    } finally {
      controller.abort();
      await local.close();
    }
  });
});

describe('logging', () => {
  it('logs refusals and errors without the token, a launch code or the URL', async () => {
    const { logger, text } = recordingLogger();
    const local = await startBridge({ services, rendererDir, logger });
    const wrong = 'e'.repeat(64);
    const code = launchCodeOf(local.launchUrl());
    try {
      await sendHttp({ port: local.port, path: `/?token=${wrong}` });
      await sendHttp({ port: local.port, path: `/?token=${local.token}` });
      await sendHttp({ port: local.port, path: `/?launch=${code}` });
      await sendHttp({ port: local.port, path: `/?launch=${code}` });
      await sendHttp({ port: local.port, path: `/?token=${local.token}`, headers: { Host: 'evil.test' } });
      await sendHttp({ port: local.port, method: 'POST', path: '/rpc/vault:set-secret', headers: { 'X-Relayproof-Token': local.token, 'Content-Type': 'application/json' }, body: '{"addressId":"a","secret":"hunter2-secret"}' });
      await sendRaw(local.port, 'GARBAGE / HTTP/1.1\r\n\r\n');
    } finally {
      await local.close();
    }
    expect(text()).toContain('bridge refused a request');
    expect(text()).toContain('bridge client error');
    for (const secret of [local.token, code, wrong, 'hunter2-secret', 'evil.test']) expect(text()).not.toContain(secret);
  });
});

describe('no CORS and no cookie, ever', () => {
  it('no response in this file carried an Access-Control-* header', () => {
    expect(seen.length).toBeGreaterThan(60);
    const cors = seen.flatMap((res) => Object.keys(res.headers).filter((h) => h.startsWith('access-control-')));
    expect(cors).toEqual([]);
  });

  it('no response in this file set a cookie', () => {
    expect(seen.length).toBeGreaterThan(60);
    expect(seen.filter((res) => res.headers['set-cookie'] !== undefined).map((res) => res.headers['set-cookie'])).toEqual([]);
  });
});

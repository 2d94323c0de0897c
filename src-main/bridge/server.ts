/**
 * Browser mode: the contract over loopback HTTP, for machines without the Electron
 * binary (CI, servers) and as a fallback (README.md, Architecture).
 *
 * Protocol (the renderer's HTTP client is written against exactly this):
 * - Bound to 127.0.0.1 only, random port by default; a 256-bit hex token per launch.
 * - Every request: `Host: 127.0.0.1:<port>` exactly; `Origin`, when sent, exactly
 *   `http://127.0.0.1:<port>`; only GET and POST. Anything else: 403 `Forbidden`, no
 *   detail, and never any `Access-Control-*` header.
 * - No cookie, ever: cookies are not port-scoped (RFC 6265 §8.5), so one set here would
 *   be sent to every other service on 127.0.0.1.
 * - Other GETs serve the built renderer without any credential: it holds no secret, and
 *   the Host, Origin, fetch-metadata, method and path rules above still apply.
 * - Only `GET /?token=T` (the right token) and `GET /?launch=C` (a live single-use code
 *   from `launch()`, 60 s) serve index.html with `<meta name="relayproof-token"
 *   content="T">`; the page moves it to sessionStorage and drops it from the address bar.
 *   `/?launch=` alone also admits a cross-site top-level navigation: the launch file
 *   (a `file://` page) sends the browser there.
 * - `POST /rpc/<channel>`: header `X-Relayproof-Token`, `Content-Type: application/json`,
 *   body ≤ 1 MiB (else 413); answers 200 with the JSON `Result` of the dispatcher. A
 *   re-sent POST (same `X-Relayproof-Request-Id`, channel and body) gets the first run's
 *   answer; the same id with another channel or body gets a `conflict` Result.
 * - `GET /events` with the header: `text/event-stream` of `data: <OperationEvent>` lines
 *   and a `: heartbeat` comment every 15 s.
 * - Connections: no overall cap. Sockets that have not shown the token share a budget of
 *   32; a new one over it closes the oldest idle one (connection-budget.ts). Headers must
 *   arrive within 5 s, a request within 30 s, and an idle keep-alive socket goes after
 *   5 s; a socket cut off by a timeout is destroyed, never left half-closed.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ChannelSpec, OperationEvent, Result } from '../../src-preload/contract';
import { fail } from '../../src-preload/contract/result-values';
import { CONTENT_SECURITY_POLICY } from '../app/content-security-policy';
import type { Logger } from '../log/logger';
import type { Dispatcher } from '../rpc/dispatch';
import { createConnectionBudget, MAX_ANONYMOUS_CONNECTIONS } from './connection-budget';
import { createEventStreams } from './event-streams';
import { createLaunchCodes, type LaunchEnd } from './launch-codes';
import { checkRequestHead, createToken, hasApiCredential, isJsonContentType, TOKEN_PATTERN, tokensMatch, type RefusalReason } from './request-guard';
import { createStaticFiles, injectTokenMeta } from './static-files';

/** What the bridge needs from `services.ts`: a dispatcher whose events it can fan out. */
export interface BridgeServices {
  createDispatcher(onEvent: (event: OperationEvent) => void): Dispatcher;
}

export interface BridgeOptions {
  readonly services: BridgeServices;
  /** The built renderer (`out/renderer`). */
  readonly rendererDir: string;
  readonly logger: Logger;
  /** 0 or absent = a random free port. */
  readonly port?: number;
  /** 64 hex characters; absent = a fresh random token (the normal case). */
  readonly token?: string;
  readonly heartbeatMs?: number;
  /** Sockets that have not (yet) carried the token, before the oldest idle one is closed. */
  readonly maxAnonymousConnections?: number;
  /** Slow-client limits (slowloris): whole head, and whole request, must arrive in time. */
  readonly headersTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** Milliseconds clock for launch-code expiry; `Date.now` unless a test steps time. */
  readonly now?: () => number;
}

export interface Bridge {
  /**
   * `http://127.0.0.1:<port>/?token=<token>`: for the admin (printed on serve's own
   * stdout) and for test drivers. Never put it in another process's argv.
   */
  readonly url: string;
  /** `http://127.0.0.1:<port>`: the only accepted Origin. */
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly address: AddressInfo;
  /**
   * `http://127.0.0.1:<port>/?launch=<code>` with a fresh code that opens the page once,
   * within 60 s, and when that code dies (used, expired, or the bridge closed). Goes
   * into a launch file only: never on a command line, which other users can read.
   */
  launch(): BridgeLaunch;
  /** `launch().url`. */
  launchUrl(): string;
  /** Sockets open right now (diagnostics, and tests of the connection rules). */
  openConnections(): Promise<number>;
  close(): Promise<void>;
}

export interface BridgeLaunch {
  readonly url: string;
  readonly ended: Promise<LaunchEnd>;
}

export const MAX_BODY_BYTES = 1024 * 1024;
export const REQUEST_ID_HEADER = 'x-relayproof-request-id';
const REMEMBERED_REQUESTS = 256;

function requestIdOf(req: IncomingMessage): string | undefined {
  const value = req.headers[REQUEST_ID_HEADER];
  return typeof value === 'string' && /^[A-Za-z0-9-]{8,64}$/u.test(value) ? value : undefined;
}
/** Past the cap we keep reading (so the 413 reaches the client) up to this, then hang up. */
const MAX_DRAIN_BYTES = 8 * MAX_BODY_BYTES;
const HEARTBEAT_MS = 15_000;
const HEADERS_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 30_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

export { CONTENT_SECURITY_POLICY };

/** On every response, errors included. Deliberately no Access-Control-*: no CORS, ever. */
const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const { logger } = options;
  const token = options.token ?? createToken();
  if (!TOKEN_PATTERN.test(token)) throw new Error('Bridge token must be 64 lowercase hex characters (32 random bytes).');
  const files = createStaticFiles(options.rendererDir);
  const events = createEventStreams({ logger, heartbeatMs: options.heartbeatMs ?? HEARTBEAT_MS });
  const dispatcher = options.services.createDispatcher((event) => events.publish(event));
  const launchCodes = createLaunchCodes({ now: options.now ?? Date.now });
  const budget = createConnectionBudget({
    maxAnonymous: options.maxAnonymousConnections ?? MAX_ANONYMOUS_CONNECTIONS,
    onEvict: () => logger.debug('bridge closed an idle connection that never showed the key, to make room'),
  });
  // Calls by request id, newest last, for answering re-sent POSTs (bounded).
  const completed = new Map<string, RememberedCall>();
  function remember(id: string, call: RememberedCall): void {
    completed.set(id, call);
    while (completed.size > REMEMBERED_REQUESTS) {
      const oldest = completed.keys().next().value;
      if (oldest === undefined) break;
      completed.delete(oldest);
    }
  }
  let port = 0;

  function forbid(res: ServerResponse, reason: RefusalReason): void {
    // The reason is logged for the admin; the client learns nothing about which rule hit.
    logger.debug('bridge refused a request', { reason });
    // No keep-alive for a refused client: Node would otherwise read its whole body.
    res.setHeader('Connection', 'close');
    send(res, 403, 'text/plain; charset=utf-8', 'Forbidden');
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(COMMON_HEADERS)) res.setHeader(name, value);
    const refusal = checkRequestHead(req, port);
    if (refusal !== undefined) return forbid(res, refusal);
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const pathname = queryAt < 0 ? target : target.slice(0, queryAt);
    const query = queryAt < 0 ? '' : target.slice(queryAt + 1);

    if (req.method === 'POST') {
      if (!pathname.startsWith('/rpc/')) return forbid(res, 'target');
      if (!hasApiCredential(req, token)) return forbid(res, 'token');
      budget.trust(req.socket);
      if (!isJsonContentType(req.headers['content-type'])) return forbid(res, 'content-type');
      return handleRpc(req, res, pathname.slice('/rpc/'.length));
    }

    // GET from here on (checkRequestHead admits nothing else).
    if (pathname === '/events') {
      if (!hasApiCredential(req, token)) return forbid(res, 'token');
      budget.trust(req.socket);
      events.attach(res);
      return;
    }
    if (pathname.startsWith('/rpc/')) return forbid(res, 'method');
    let withToken = false;
    if (pathname === '/' && query !== '') {
      const params = new URLSearchParams(query);
      const tokens = params.getAll('token');
      const codes = params.getAll('launch');
      if (tokens.length > 0 || codes.length > 0) {
        // Exactly one credential, of one kind; anything else is refused, not guessed at.
        if (tokens.length === 1 && codes.length === 0) {
          if (!tokensMatch(tokens[0], token)) return forbid(res, 'token');
        } else if (codes.length === 1 && tokens.length === 0) {
          if (!launchCodes.redeem(codes[0])) return forbid(res, 'launch-code');
        } else {
          return forbid(res, tokens.length > 0 ? 'token' : 'launch-code');
        }
        withToken = true;
        budget.trust(req.socket);
      }
    }
    // The built renderer holds no secret: served without credential, the token meta only
    // after `?token=` or `?launch=` proved the caller may have it.
    const found = await files.lookup(pathname, req.headers['accept-encoding']);
    switch (found.kind) {
      case 'refused':
        return forbid(res, 'target');
      case 'not-found':
        return send(res, 404, 'text/plain; charset=utf-8', 'Not Found');
      case 'file': {
        const tokenPage = found.html && withToken;
        const body = tokenPage ? Buffer.from(injectTokenMeta(found.body.toString('utf8'), token), 'utf8') : found.body;
        // A page carrying the token stays no-store (the common header); hashed assets
        // never change under their name; anything else is revalidated on each use.
        if (!tokenPage) res.setHeader('Cache-Control', found.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        if (found.negotiated) res.setHeader('Vary', 'Accept-Encoding');
        if (found.encoding !== null) res.setHeader('Content-Encoding', found.encoding);
        return send(res, 200, found.contentType, body);
      }
    }
  }

  async function handleRpc(req: IncomingMessage, res: ServerResponse, rawChannel: string): Promise<void> {
    let channel: string;
    try {
      channel = decodeURIComponent(rawChannel);
    } catch {
      channel = '';
    }
    const limit = await bodyLimit(channel);
    const body = await readBody(req, limit);
    switch (body.kind) {
      case 'gone':
        return;
      case 'too-large':
        res.setHeader('Connection', 'close');
        return sendResult(res, 413, fail('invalid-input', `The request is larger than ${Math.round(limit / 1024 / 1024)} MiB.`));
      case 'complete':
        break;
    }
    let input: unknown;
    try {
      input = JSON.parse(body.text);
    } catch {
      return sendResult(res, 200, fail('invalid-input', 'The request body is not valid JSON.'));
    }
    const requestId = requestIdOf(req);
    const bodySha256 = createHash('sha256').update(body.text, 'utf8').digest('hex');
    const earlier = requestId === undefined ? undefined : completed.get(requestId);
    if (earlier !== undefined) {
      // Only the very same call is a repeat: an id reused for another channel or body
      // must neither run nor read the first call's answer.
      if (earlier.channel !== channel || earlier.bodySha256 !== bodySha256) {
        return sendResult(res, 200, fail('conflict', 'This request id was already used for a different call.', { hint: 'Send each new call with a new X-Relayproof-Request-Id.' }));
      }
      // A browser may re-send a POST whose keep-alive socket closed under it, after we
      // already ran it: answer the repeat with the first run's result.
      sendResult(res, 200, await earlier.result);
      return;
    }
    // The page closing mid-call aborts the handler (a connection test, a DNS sweep).
    const controller = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) controller.abort(new Error('client went away'));
    };
    res.once('close', onClose);
    const running = dispatcher.dispatch(channel, input, controller.signal);
    if (requestId !== undefined) remember(requestId, { channel, bodySha256, result: running });
    const result = await running;
    res.off('close', onClose);
    if (res.destroyed) return;
    sendResult(res, 200, result);
  }

  const server = createServer(
    {
      // Our guard answers a missing Host with 403 like every other Host failure.
      requireHostHeader: false,
      headersTimeout: options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
      requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      // An idle keep-alive socket is destroyed after this (Node destroys on this timeout).
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      // How often the two timeouts above are enforced (Node's default is every 30 s).
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => {
      const socket = req.socket;
      budget.busy(socket);
      res.once('close', () => budget.idle(socket));
      route(req, res).catch((error: unknown) => {
        // Name only: messages of fs/zod errors can quote paths or input values.
        logger.error('bridge request failed', { error: error instanceof Error ? error.name : typeof error });
        if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal Server Error');
        else res.destroy();
      });
    },
  );
  // Deliberately no `server.maxConnections`: when idle sockets fill a hard cap, Node drops
  // every new connection, the admin's page included. The budget closes idle ones instead.
  // Nor `maxHeadersCount`: Node drops headers past it silently, which would hide a
  // duplicated Host from the duplicate-header rule; maxHeaderSize (16 KiB) bounds them.
  server.on('connection', (socket: Socket) => budget.admit(socket));
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    logger.debug('bridge client error', { code: error.code ?? error.name });
    const status =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    // Answer, then destroy: `end()` alone only half-closes, and a peer that never closes
    // its side would keep the socket (and its place) for good.
    const giveUp = setTimeout(() => socket.destroy(), 1_000);
    giveUp.unref();
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => {
      clearTimeout(giveUp);
      socket.destroy();
    });
  });
  // CONNECT (tunnels) and Upgrade (WebSocket) bypass the request handler in Node; neither
  // is part of the protocol, so both get the same 403 as any other refused method.
  const refuseSocket = (_req: IncomingMessage, socket: Duplex) => {
    logger.debug('bridge refused a request', { reason: 'method' satisfies RefusalReason });
    socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 9\r\n\r\nForbidden', () => socket.destroy());
  };
  server.on('connect', refuseSocket);
  server.on('upgrade', refuseSocket);
  server.on('error', (error: NodeJS.ErrnoException) => logger.error('bridge server error', { code: error.code ?? error.name }));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // 127.0.0.1 only: never 0.0.0.0 or ::, which would expose the contract to the network.
    server.listen({ host: '127.0.0.1', port: options.port ?? 0, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  port = address.port;
  const origin = `http://127.0.0.1:${port}`;
  logger.info('browser-mode bridge listening', { origin });

  let closing: Promise<void> | undefined;
  function launch(): BridgeLaunch {
    const ticket = launchCodes.issue();
    return { url: `${origin}/?launch=${ticket.code}`, ended: ticket.ended };
  }
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    address,
    launch,
    launchUrl: () => launch().url,
    openConnections() {
      return new Promise<number>((resolve) => server.getConnections((error, count) => resolve(error === null ? count : 0)));
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        launchCodes.closeAll();
        events.closeAll();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** A POST we ran, by request id: what it was (channel, body hash) and its answer. */
interface RememberedCall {
  readonly channel: string;
  readonly bodySha256: string;
  readonly result: Promise<Result<unknown>>;
}

type BodyRead = { readonly kind: 'complete'; readonly text: string } | { readonly kind: 'too-large' } | { readonly kind: 'gone' };

/**
 * The body limit of a channel: its own `maxBodyBytes`, else MAX_BODY_BYTES (also for unknown
 * names). The contract (zod and every schema) is imported on the first call, not with the
 * server: `relayproof serve` prints its link before any of it loads.
 */
async function bodyLimit(channel: string): Promise<number> {
  const { contract, isChannelName } = await import('../../src-preload/contract');
  if (!isChannelName(channel)) return MAX_BODY_BYTES;
  const spec: ChannelSpec = contract[channel];
  return spec.maxBodyBytes ?? MAX_BODY_BYTES;
}

function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    const drainLimit = Math.max(MAX_DRAIN_BYTES, 2 * limit);
    if (Number.isFinite(declared) && declared > limit) {
      // No need to read what we already know we refuse; the socket closes after the 413.
      req.pause();
      resolve({ kind: 'too-large' });
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > drainLimit) {
        req.destroy();
        return;
      }
      if (total <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      if (total > limit) {
        resolve({ kind: 'too-large' });
        return;
      }
      try {
        resolve({ kind: 'complete', text: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)) });
      } catch {
        // Not UTF-8: cannot be JSON (RFC 8259 §8.1); reported like any unparsable body.
        resolve({ kind: 'complete', text: '' });
      }
    });
    req.on('error', () => resolve({ kind: 'gone' }));
    req.on('close', () => {
      if (!req.complete) resolve({ kind: 'gone' });
    });
  });
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  if (res.headersSent || res.destroyed) return;
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(bytes.length) });
  res.end(bytes);
}

function sendResult(res: ServerResponse, status: number, result: Result<unknown>): void {
  let text: string;
  try {
    text = JSON.stringify(result);
  } catch {
    text = JSON.stringify(fail('internal', 'Relayproof could not encode its answer.'));
  }
  send(res, status, 'application/json; charset=utf-8', text);
}

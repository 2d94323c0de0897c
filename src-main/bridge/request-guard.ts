/**
 * The checks every browser-mode request passes before any routing: exact Host, exact
 * Origin when present, allowed method, and the per-launch token. Pure functions of the
 * request head, so each rule is tested on its own and the server stays a thin router.
 *
 * Why each rule exists:
 * - Host: DNS rebinding points a hostile name at 127.0.0.1; the browser then sends that
 *   name as Host. Only the literal `127.0.0.1:<port>` is ours.
 * - Origin: a page elsewhere can still make the browser send requests here; browsers
 *   mark them with their Origin (or `null` for sandboxed/opaque pages).
 * - Token: 256-bit per launch, so even a local process that finds the port cannot call
 *   the contract. For RPC and events it must be a header: a custom header cannot be
 *   added cross-site without CORS, which we never grant. Never a cookie: cookies are not
 *   port-scoped (RFC 6265 §8.5), so the browser would hand one to every other
 *   127.0.0.1 service, and a cookie rides along on cross-site requests.
 * - Fetch metadata: cross-site and same-site initiators are refused, with one exception:
 *   a top-level navigation to `/?launch=`. The launch file is a `file://` page, so the
 *   browser marks its redirect `cross-site`; the single-use code it carries is the
 *   credential there, and a page elsewhere cannot know one.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_HEADER = 'x-relayproof-token';
export const TOKEN_PATTERN = /^[0-9a-f]{64}$/u;

/** 32 random bytes as hex: 256 bits, fresh for each launch, so no other local user can guess it. */
export function createToken(): string {
  return randomBytes(32).toString('hex');
}

/** Constant-time comparison; hashing first makes the lengths equal so nothing leaks early. */
export function tokensMatch(candidate: string | undefined, token: string): boolean {
  if (candidate === undefined) return false;
  const a = createHash('sha256').update(candidate, 'utf8').digest();
  const b = createHash('sha256').update(token, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** Why a request was refused; logged (never the header values, which may carry a token). */
export type RefusalReason =
  | 'host'
  | 'origin'
  | 'fetch-site'
  | 'method'
  | 'method-override'
  | 'duplicate-header'
  | 'target'
  | 'token'
  | 'launch-code'
  | 'content-type';

const METHOD_OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'];
/** Headers that must appear at most once: Node keeps only the first duplicate silently. */
const SINGLE_HEADERS = ['host', 'origin', TOKEN_HEADER, 'content-type', 'content-length', 'sec-fetch-site', 'sec-fetch-mode', 'sec-fetch-dest'];

/** Rules that do not depend on the route: Host, Origin, method, header shape. */
export function checkRequestHead(req: IncomingMessage, port: number): RefusalReason | undefined {
  const counts = headerCounts(req.rawHeaders);
  for (const name of SINGLE_HEADERS) {
    if ((counts.get(name) ?? 0) > 1) return 'duplicate-header';
  }
  if (req.headers.host !== `127.0.0.1:${port}`) return 'host';
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://127.0.0.1:${port}`) return 'origin';
  // Fetch metadata: a cross-site or same-site (another port on 127.0.0.1) initiator is
  // refused even where a browser leaves Origin out (e.g. no-cors GET of a script).
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none' && !isLaunchNavigation(req)) return 'fetch-site';
  if (req.method !== 'GET' && req.method !== 'POST') return 'method';
  if (METHOD_OVERRIDE_HEADERS.some((name) => counts.has(name))) return 'method-override';
  // Origin-form only (RFC 9112 §3.2.1): absolute-form would let a Host in the URL disagree
  // with the Host header; `//x` would be read as a network-path reference by URL parsers.
  const target = req.url ?? '';
  if (!target.startsWith('/') || target.startsWith('//')) return 'target';
  return undefined;
}

/**
 * A browser opening the page from the launch file: a GET of `/` with a `launch` query
 * parameter, as a top-level document navigation (not a fetch, frame, image or script).
 * Whether the code is live is the router's decision.
 */
export function isLaunchNavigation(req: IncomingMessage): boolean {
  if (req.method !== 'GET') return false;
  const target = req.url ?? '';
  if (!target.startsWith('/?')) return false;
  if (!new URLSearchParams(target.slice(2)).has('launch')) return false;
  return req.headers['sec-fetch-mode'] === 'navigate' && req.headers['sec-fetch-dest'] === 'document';
}

export function headerToken(req: IncomingMessage): string | undefined {
  const value = req.headers[TOKEN_HEADER];
  return typeof value === 'string' ? value : undefined;
}

/** RPC and events: the header only (static files hold no secret and need no credential). */
export function hasApiCredential(req: IncomingMessage, token: string): boolean {
  return tokensMatch(headerToken(req), token);
}

/** `application/json`, optionally with `charset=utf-8`; nothing a plain HTML form can send. */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const [type, ...params] = value.split(';').map((s) => s.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => p === '' || p === 'charset=utf-8' || p === 'charset="utf-8"');
}

function headerCounts(rawHeaders: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

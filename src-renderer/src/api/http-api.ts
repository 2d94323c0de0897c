/**
 * Browser mode: the RelayproofApi implemented over the loopback HTTP bridge
 * (`relayproof serve`). Every request carries the per-launch token as a header (the
 * bridge sets no cookie: cookies are not port-scoped, RFC 6265 §8.5); nothing here
 * throws to callers: a transport failure becomes a Result with code `internal`.
 */
import type {
  AppError,
  ChannelInput,
  ChannelName,
  ChannelResult,
  OperationEvent,
  RelayproofApi,
} from '../../../src-preload/contract';
import { unreachableError } from './unreachable';

export const TOKEN_HEADER = 'X-Relayproof-Token';
export const REQUEST_ID_HEADER = 'X-Relayproof-Request-Id';
/** Where the page keeps the token across reloads: per origin (= per bridge port) and per tab. */
export const TOKEN_STORAGE_KEY = 'relayproof-token';
const TOKEN_PATTERN = /^[0-9a-f]{64}$/u;

/** The parts of `window` the token lookup touches (a structural type, so tests pass plain objects). */
export interface TokenHost {
  readonly document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };
  readonly location: { readonly hash: string };
  readonly history: { replaceState(data: unknown, unused: string, url?: string): void };
  readonly sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

/**
 * The session's token: from `<meta name="relayproof-token">`, which the bridge writes
 * only into the page answering `/?token=` or a one-time `/?launch=`, else from
 * sessionStorage (a reload of `/`). A token from the meta is kept in sessionStorage and
 * the query leaves the address bar and history at once. `null` when the page was
 * opened without the link `relayproof serve` printed.
 */
export function readSessionToken(win: TokenHost): string | null {
  const fromMeta = win.document.querySelector('meta[name="relayproof-token"]')?.getAttribute('content')?.trim() ?? '';
  if (TOKEN_PATTERN.test(fromMeta)) {
    try {
      win.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromMeta);
    } catch {
      // Storage blocked or full: this page still works; a reload will ask for the link.
    }
    try {
      // The hash is the view (`#/settings?address=…`) and stays.
      win.history.replaceState(null, '', `/${win.location.hash}`);
    } catch {
      // Only an odd embedding refuses this; the token still works for this page.
    }
    return fromMeta;
  }
  let stored: string | null = null;
  try {
    stored = win.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    // Reading `sessionStorage` throws where the browser blocks storage for the page.
  }
  return stored !== null && TOKEN_PATTERN.test(stored) ? stored : null;
}

export interface HttpApiOptions {
  readonly token: string | null;
  /** Origin of the bridge; '' = the page's own origin. */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
}

export function createHttpApi(options: HttpApiOptions): RelayproofApi {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const baseUrl = options.baseUrl ?? '';
  const listeners = new Set<(event: OperationEvent) => void>();
  const openListeners = new Set<() => void>();
  let stream: AbortController | null = null;

  async function invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelResult<C>> {
    if (options.token === null) return { ok: false, error: missingTokenError() };
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}/rpc/${encodeURIComponent(channel)}`, {
        method: 'POST',
        // One id per call: if the browser silently re-sends a POST (a keep-alive socket
          // closed under it), the bridge answers the repeat from the first run instead of
          // running a create twice.
          headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: options.token, [REQUEST_ID_HEADER]: crypto.randomUUID() },
        body: JSON.stringify(input),
        cache: 'no-store',
      });
    } catch {
      return { ok: false, error: unreachableError() };
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return { ok: false, error: unexpectedAnswer(response.status) };
    }
    if (!isResult(body)) return { ok: false, error: unexpectedAnswer(response.status) };
    return body as ChannelResult<C>;
  }

  function startStream(): void {
    if (stream !== null || options.token === null) return;
    const controller = new AbortController();
    stream = controller;
    void readEvents(controller.signal, options.token);
  }

  async function readEvents(signal: AbortSignal, token: string): Promise<void> {
    let delayMs = 500;
    while (!signal.aborted) {
      try {
        const response = await doFetch(`${baseUrl}/events`, {
          headers: { [TOKEN_HEADER]: token, Accept: 'text/event-stream' },
          cache: 'no-store',
          signal,
        });
        if (response.ok && response.body !== null) {
          delayMs = 500;
          // Connected: what was sent before now cannot be told apart from what was not.
          for (const listener of openListeners) listener();
          await readLines(response.body, signal, dispatchLine);
        }
      } catch {
        // The stream dropped (service restarted or the page is leaving): retry below.
      }
      if (signal.aborted) return;
      await sleep(delayMs, signal);
      delayMs = Math.min(delayMs * 2, 10_000);
    }
  }

  function dispatchLine(line: string): void {
    if (!line.startsWith('data:')) return;
    let event: unknown;
    try {
      event = JSON.parse(line.slice(5).trim());
    } catch {
      return;
    }
    if (!isOperationEvent(event)) return;
    for (const listener of listeners) listener(event);
  }

  return {
    invoke,
    onEvent(listener) {
      listeners.add(listener);
      startStream();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && stream !== null) {
          stream.abort();
          stream = null;
        }
      };
    },
    onStreamOpen(listener) {
      openListeners.add(listener);
      return () => void openListeners.delete(listener);
    },
  };
}

async function readLines(body: ReadableStream<Uint8Array>, signal: AbortSignal, onLine: (line: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const onAbort = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  let buffered = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      const lines = buffered.split(/\r?\n/u);
      buffered = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Structural check only: the bridge already validated the value against the contract. */
function isResult(value: unknown): boolean {
  if (!isRecord(value)) return false;
  if (value['ok'] === true) return 'value' in value;
  if (value['ok'] === false) {
    const error = value['error'];
    return isRecord(error) && typeof error['code'] === 'string' && typeof error['message'] === 'string';
  }
  return false;
}

function isOperationEvent(value: unknown): value is OperationEvent {
  return (
    isRecord(value) &&
    typeof value['operationId'] === 'string' &&
    typeof value['channel'] === 'string' &&
    typeof value['seq'] === 'number'
  );
}

function unexpectedAnswer(status: number): AppError {
  if (status === 403) {
    return {
      code: 'internal',
      message: 'Relayproof\u2019s background service refused this page (HTTP 403).',
      hint: 'Open the link printed by `relayproof serve`: it carries this session\u2019s access token.',
    };
  }
  return unreachableError(`The background service answered with something unexpected (HTTP ${status}). Restart Relayproof.`);
}

function missingTokenError(): AppError {
  return {
    code: 'internal',
    message: 'This page was opened without Relayproof\u2019s access token, so it cannot talk to the background service.',
    hint: 'Open the link printed by `relayproof serve` (each new tab needs that link; a reload keeps working).',
  };
}

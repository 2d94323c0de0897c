/**
 * Browser mode: the RelayproofApi implemented over the loopback HTTP bridge
 * (`relayproof serve`). Every request carries the per-launch token; nothing here
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
      hint: 'Open the exact address that `relayproof serve` printed: it carries this session\u2019s access token.',
    };
  }
  return unreachableError(`The background service answered with something unexpected (HTTP ${status}). Restart Relayproof.`);
}

function missingTokenError(): AppError {
  return {
    code: 'internal',
    message: 'This page was opened without Relayproof\u2019s access token, so it cannot talk to the background service.',
    hint: 'Open the exact address that `relayproof serve` printed.',
  };
}

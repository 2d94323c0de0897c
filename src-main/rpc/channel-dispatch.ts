/**
 * Transport-independent core of every channel call: parse the input with the contract
 * schema, run the handler with an abort signal and a deadline, validate the output (in
 * development and tests), and turn anything unexpected into an `internal` error whose
 * message carries no detail. Electron IPC (`electron/ipc.ts`), the browser-mode bridge
 * and the CLI all call through here, so they behave the same.
 *
 * This file takes the channel specs it serves and imports none: a CLI command that needs a
 * few channels (relayproof smtp test) builds only their schemas; dispatch.ts serves the
 * whole contract.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { ChannelName, ChannelSpec, ChannelResult, OperationEvent, ParsedInput, Result } from '../../src-preload/contract';
import { fail } from '../../src-preload/contract/result-values';
import { describeIssues } from '../app/input-issues';
import type { Logger } from '../log/logger';
import { StoreUnavailableError } from '../store/store-errors';

export interface HandlerContext {
  /** Aborted on deadline, on `app:cancel-operation`, or when the caller goes away. */
  readonly signal: AbortSignal;
  /** Send a progress event for the current long operation (no-op when there is none). */
  emit(event: unknown): void;
}

export type Handler<C extends ChannelName> = (input: ParsedInput<C>, ctx: HandlerContext) => Promise<ChannelResult<C>>;
export type Handlers = { readonly [C in ChannelName]: Handler<C> };

export interface DispatcherOptions {
  readonly handlers: Handlers;
  readonly logger: Logger;
  /** Validate every output against the contract (development and tests). */
  readonly validateOutput: boolean;
  /** Receives progress events of long operations. */
  readonly onEvent?: (event: OperationEvent) => void;
  readonly defaultTimeoutMs?: number;
  /**
   * The channel specs to serve; the app's contract by default. Tests pass the contract
   * plus a long operation of their own (no channel in the contract emits events yet),
   * together with its handler in `handlers`.
   */
  readonly contract?: Readonly<Record<string, DispatchSpec>>;
  /**
   * A one-shot process (a CLI command) parses each input once: zod then checks it without
   * first compiling a parser for each object schema (new Function), which costs such a
   * process more than the parse. Long-lived processes keep the compiled parsers.
   */
  readonly parseOnce?: boolean;
}

/**
 * A channel as the dispatcher serves it: the contract's spec, or one whose input a caller
 * has already parsed with the contract's rules (`relayproof check`, checklist-request.ts)
 * and whose output schema is only given where outputs are validated.
 */
export interface DispatchSpec extends Omit<ChannelSpec, 'input' | 'output'> {
  readonly input: InputReader;
  readonly output?: ChannelSpec['output'];
}

/** What the dispatcher needs of an input schema: zod's safeParse, or a reader shaped like it. */
export interface InputReader {
  safeParse(
    raw: unknown,
    params?: { readonly jitless?: boolean },
  ): { readonly success: true; readonly data: unknown } | { readonly success: false; readonly error: { readonly issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }> } };
}

export interface Dispatcher {
  dispatch(channel: string, rawInput: unknown, callerSignal?: AbortSignal): Promise<Result<unknown>>;
  /** Abort a running operation; true when one was running. */
  cancel(operationId: string): boolean;
}

const DEFAULT_TIMEOUT_MS = 15_000;

type AnyHandler = (input: unknown, ctx: HandlerContext) => Promise<Result<unknown>>;

/** `handlers` for (at least) every channel of `contract`; a channel without one answers "Unknown channel". */
export function createChannelDispatcher(
  options: Omit<DispatcherOptions, 'handlers' | 'contract'> & { readonly handlers: Partial<Handlers>; readonly contract: Readonly<Record<string, DispatchSpec>> },
): Dispatcher {
  const running = new Map<string, AbortController>();
  const specs: Readonly<Record<string, DispatchSpec>> = options.contract;
  const handlers = options.handlers as unknown as Readonly<Record<string, AnyHandler | undefined>>;

  async function dispatch(channel: string, rawInput: unknown, callerSignal?: AbortSignal): Promise<Result<unknown>> {
    // Own properties only: `constructor` or `__proto__` must not resolve to a spec.
    const spec = Object.hasOwn(specs, channel) ? specs[channel] : undefined;
    const handler = Object.hasOwn(handlers, channel) ? handlers[channel] : undefined;
    if (spec === undefined || handler === undefined) {
      return fail('invalid-input', 'Unknown channel.');
    }
    const parsed = options.parseOnce === true ? spec.input.safeParse(rawInput, { jitless: true }) : spec.input.safeParse(rawInput);
    if (!parsed.success) {
      return fail('invalid-input', describeIssues(parsed.error.issues), {
        details: { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) },
      });
    }
    const input: unknown = parsed.data;
    // A caller that left before we started (closed window, dropped HTTP request) gets no work done.
    if (callerSignal?.aborted === true) return fail('cancelled', 'The operation was cancelled.');
    const timeoutMs = spec.timeoutMs ?? options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    const controller = new AbortController();
    // A checklist run listens on this signal once per DNS question in flight.
    setMaxListeners(256, controller.signal);
    // Only long operations (channels with an event schema) run under their operationId.
    // `app:cancel-operation` also carries one, naming its *target*: registering it would
    // make the cancel call replace the target in `running` and then cancel itself.
    const operationId = spec.event === undefined ? undefined : operationIdOf(input);
    if (operationId !== undefined) {
      // Two runs under one id would make `cancel` stop the wrong one and interleave events.
      if (running.has(operationId)) return fail('conflict', 'An operation with this id is already running.');
      running.set(operationId, controller);
    }
    const onCallerAbort = () => controller.abort(new Error('caller went away'));
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new DeadlineError(timeoutMs)), timeoutMs);
    let seq = 0;
    let finished = false;
    const ctx: HandlerContext = {
      signal: controller.signal,
      emit(event) {
        // After the result is out, a stray emit would reach the renderer as a ghost event.
        if (operationId === undefined || controller.signal.aborted || finished) return;
        if (options.validateOutput && spec.event?.safeParse(event).success === false) {
          options.logger.error('event failed contract validation', { channel, seq });
          return;
        }
        options.onEvent?.({ operationId, channel, seq: seq++, event });
      },
    };
    try {
      const result = await raceAbort(handler(input, ctx), controller.signal);
      if (options.validateOutput && spec.output !== undefined) {
        // The whole Result, so a failure with an unknown error code is caught as well. Loaded
        // here: a production CLI command validates no output and need not load zod for it.
        const { resultSchema } = await import('../../src-preload/contract/result');
        const checked = resultSchema(spec.output).safeParse(result);
        if (!checked.success) {
          options.logger.error('output failed contract validation', { channel, issues: checked.error.issues.length });
          return fail('internal', 'Relayproof produced a result it could not vouch for. Nothing was changed by this display error.');
        }
      }
      return result;
    } catch (error) {
      if (controller.signal.aborted) {
        const reason: unknown = controller.signal.reason;
        // Only long operations honour the abort; a keychain or settings write may still
        // complete, so the admin is told to look before trying again.
        return reason instanceof DeadlineError
          ? fail('timeout', `No answer within ${Math.max(1, Math.round(timeoutMs / 1000))} s.`, {
              hint: 'If the OS keychain asked for its password, answer it; then check the result (for example the Addresses list) before trying again.',
            })
          : fail('cancelled', 'The operation was cancelled.');
      }
      if (error instanceof StoreUnavailableError) {
        // The settings folder itself cannot be written (disk full, permissions): say so.
        options.logger.error('settings store unavailable', { channel });
        return fail('store-unavailable', error.message, { hint: 'Free disk space or fix the permissions of the data folder shown in About, then try again.' });
      }
      const reference = randomUUID().slice(0, 8);
      options.logger.error('handler threw', { channel, reference, error: describeError(error, secretValues(spec, input)) });
      return fail('internal', `Something went wrong inside Relayproof (reference ${reference}). Details are in the log.`);
    } finally {
      finished = true;
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
      if (operationId !== undefined && running.get(operationId) === controller) running.delete(operationId);
    }
  }

  return {
    dispatch,
    cancel(operationId) {
      const controller = running.get(operationId);
      if (controller === undefined) return false;
      controller.abort(new Error('cancelled'));
      return true;
    },
  };
}

class DeadlineError extends Error {
  constructor(readonly ms: number) {
    super(`deadline of ${ms} ms`);
  }
}

function operationIdOf(input: unknown): string | undefined {
  if (typeof input === 'object' && input !== null && 'operationId' in input) {
    const value = (input as { operationId: unknown }).operationId;
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function secretValues(spec: DispatchSpec, input: unknown): string[] {
  const fields: readonly string[] = spec.secretFields ?? [];
  if (typeof input !== 'object' || input === null) return [];
  return fields
    .map((f) => (input as Record<string, unknown>)[f])
    .filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** Error text for the log, with any secret value of this call cut out. */
function describeError(error: unknown, secrets: readonly string[]): string {
  let text = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
  // Also the JSON-escaped form: errors often quote the input with JSON.stringify.
  for (const secret of secrets) {
    text = text.split(secret).join('[secret]');
    text = text.split(JSON.stringify(secret).slice(1, -1)).join('[secret]');
  }
  return text;
}

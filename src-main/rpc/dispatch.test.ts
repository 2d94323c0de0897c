import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contract, ok, operationIdSchema, type OperationEvent, type Result } from '../../src-preload/contract';
import { createTestServices, makeTempDir, recordingLogger, type TempDir } from '../testing/transport-support';
import { silentLogger, type Logger } from '../log/logger';
import type { Services } from '../services';
import { StoreUnavailableError } from '../store/store';
import { createDispatcher, type Dispatcher, type HandlerContext, type Handlers } from './dispatch';

let temp: TempDir;
let services: Services;

beforeAll(async () => {
  temp = await makeTempDir('dispatch');
  services = createTestServices(join(temp.path, 'data'));
});

afterAll(async () => {
  await temp.remove();
});

/** Resolves after `ms`, or rejects with the signal's reason when it is aborted first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true });
  });
}

/**
 * The contract plus one long operation: no contract channel emits events yet, and a long
 * operation (a channel with an event schema) is what cancellation by operationId is for.
 */
const longContract = {
  ...contract,
  'test:long': {
    input: z.strictObject({ operationId: operationIdSchema, steps: z.number().int().min(1).max(1000), stepMs: z.number().int().min(0).max(1000) }),
    output: z.object({ done: z.number() }),
    event: z.object({ step: z.number() }),
    timeoutMs: 2_000,
  },
};

interface LongRun {
  readonly events: OperationEvent[];
  readonly dispatcher: Dispatcher;
  /** Steps the handler finished, including after the dispatcher gave up on it. */
  readonly completedSteps: () => number;
}

function longDispatcher(options: { logger?: Logger; lateEmit?: (ctx: HandlerContext) => void } = {}): LongRun {
  const events: OperationEvent[] = [];
  let completed = 0;
  const longHandler = async (input: unknown, ctx: HandlerContext): Promise<Result<unknown>> => {
    const { steps, stepMs } = longContract['test:long'].input.parse(input);
    for (let step = 0; step < steps; step++) {
      await sleep(stepMs, ctx.signal);
      ctx.emit({ step });
      completed++;
    }
    if (options.lateEmit !== undefined) setTimeout(() => options.lateEmit?.(ctx), 5);
    return ok({ done: steps });
  };
  const handlers = {
    ...services.handlers,
    // The real cancel handler reaches the dispatcher that services.createDispatcher made;
    // this one reaches ours, the way services.ts wires it.
    'app:cancel-operation': async ({ operationId }) => ok({ cancelled: dispatcher.cancel(operationId) }),
    'test:long': longHandler,
  } as Handlers;
  const dispatcher = createDispatcher({ handlers, contract: longContract, logger: options.logger ?? silentLogger, validateOutput: true, onEvent: (e) => events.push(e) });
  return { events, dispatcher, completedSteps: () => completed };
}

describe('deadlines and cancellation', () => {
  it('a handler past its deadline is stopped with timeout', async () => {
    const handlers: Handlers = { ...services.handlers, 'settings:get': async (_input, ctx) => (await sleep(5_000, ctx.signal), ok(services.store.settings())) };
    const dispatcher = createDispatcher({ handlers, logger: silentLogger, validateOutput: true, defaultTimeoutMs: 50 });
    const started = Date.now();
    const result = await dispatcher.dispatch('settings:get', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'timeout', message: 'No answer within 1 s.' } });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("a channel's own timeoutMs wins over the default", async () => {
    const run = longDispatcher();
    const result = await run.dispatcher.dispatch('test:long', { operationId: 'op_deadline', steps: 100, stepMs: 50 });
    expect(result).toMatchObject({ ok: false, error: { code: 'timeout', message: 'No answer within 2 s.' } });
  });

  it('cancel(operationId) stops a long operation with cancelled', async () => {
    const run = longDispatcher();
    const call = run.dispatcher.dispatch('test:long', { operationId: 'op_cancel_1', steps: 200, stepMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(run.dispatcher.cancel('op_cancel_1')).toBe(true);
    expect(await call).toEqual({ ok: false, error: { code: 'cancelled', message: 'The operation was cancelled.' } });
    const stoppedAt = run.completedSteps();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(run.completedSteps()).toBe(stoppedAt);
    expect(run.dispatcher.cancel('op_cancel_1')).toBe(false);
  });

  it('app:cancel-operation cancels its target, not itself', async () => {
    const run = longDispatcher();
    const call = run.dispatcher.dispatch('test:long', { operationId: 'op_cancel_2', steps: 200, stepMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await run.dispatcher.dispatch('app:cancel-operation', { operationId: 'op_cancel_2' })).toEqual({ ok: true, value: { cancelled: true } });
    expect(await call).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(await run.dispatcher.dispatch('app:cancel-operation', { operationId: 'op_cancel_2' })).toEqual({ ok: true, value: { cancelled: false } });
  });

  it('a second run under a running operationId is refused with conflict', async () => {
    const run = longDispatcher();
    const first = run.dispatcher.dispatch('test:long', { operationId: 'op_twice', steps: 5, stepMs: 10 });
    expect(await run.dispatcher.dispatch('test:long', { operationId: 'op_twice', steps: 1, stepMs: 0 })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await first).toEqual({ ok: true, value: { done: 5 } });
    expect(await run.dispatcher.dispatch('test:long', { operationId: 'op_twice', steps: 1, stepMs: 0 })).toEqual({ ok: true, value: { done: 1 } });
  });

  it('a caller signal aborts the handler; an already-aborted one means it never starts', async () => {
    const run = longDispatcher();
    const caller = new AbortController();
    const call = run.dispatcher.dispatch('test:long', { operationId: 'op_caller', steps: 100, stepMs: 10 }, caller.signal);
    setTimeout(() => caller.abort(), 25);
    expect(await call).toMatchObject({ ok: false, error: { code: 'cancelled' } });

    let ran = false;
    const handlers: Handlers = { ...services.handlers, 'settings:get': async () => ((ran = true), ok(services.store.settings())) };
    const dispatcher = createDispatcher({ handlers, logger: silentLogger, validateOutput: true });
    expect(await dispatcher.dispatch('settings:get', {}, AbortSignal.abort())).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(ran).toBe(false);
  });
});

describe('events', () => {
  it('are numbered in order, and nothing is emitted once the result is out', async () => {
    const run = longDispatcher({ lateEmit: (ctx) => ctx.emit({ step: 999 }) });
    expect(await run.dispatcher.dispatch('test:long', { operationId: 'op_events', steps: 6, stepMs: 1 })).toEqual({ ok: true, value: { done: 6 } });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(run.events).toEqual([0, 1, 2, 3, 4, 5].map((step) => ({ operationId: 'op_events', channel: 'test:long', seq: step, event: { step } })));
  });

  it('an event that breaks its schema is dropped and logged', async () => {
    const { logger, text } = recordingLogger();
    const events: OperationEvent[] = [];
    const handlers = {
      ...services.handlers,
      'test:long': async (_input: unknown, ctx: HandlerContext) => {
        ctx.emit({ step: 'one' });
        ctx.emit({ step: 2 });
        return ok({ done: 1 });
      },
    } as Handlers;
    const dispatcher = createDispatcher({ handlers, contract: longContract, logger, validateOutput: true, onEvent: (e) => events.push(e) });
    await dispatcher.dispatch('test:long', { operationId: 'op_badevent', steps: 1, stepMs: 0 });
    expect(events.map((e) => e.event)).toEqual([{ step: 2 }]);
    expect(text()).toContain('event failed contract validation');
  });
});

describe('failures inside handlers', () => {
  it('a settings folder that cannot be written is reported as store-unavailable with its reason', async () => {
    const handlers: Handlers = {
      ...services.handlers,
      'settings:update': async () => {
        throw new StoreUnavailableError('Relayproof could not save its settings in /data/config.json: no space left on device.');
      },
    };
    const dispatcher = createDispatcher({ handlers, logger: silentLogger, validateOutput: true });
    const result = await dispatcher.dispatch('settings:update', { patch: { theme: 'dark' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'store-unavailable', message: expect.stringMatching(/no space left/u) as unknown } });
  });

  it('a thrown error becomes internal with a reference, and the secret never reaches the log', async () => {
    const logFile = join(temp.path, 'logs', 'dispatch.log');
    const { logger, text } = recordingLogger(logFile);
    const secret = 'Tr0ub4dor&"3-quoted';
    const handlers: Handlers = {
      ...services.handlers,
      'vault:set-secret': async (input) => {
        throw new Error(`keychain refused ${input.secret} for ${JSON.stringify(input)}`);
      },
    };
    const dispatcher = createDispatcher({ handlers, logger, validateOutput: true });
    const result = await dispatcher.dispatch('vault:set-secret', { addressId: 'addr-1', secret });
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.error.message;
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    const reference = /reference ([0-9a-f]{8})/u.exec(message)?.[1];
    expect(reference).toBeDefined();
    expect(JSON.stringify(result)).not.toContain('Tr0ub4dor');
    const fileText = await readFile(logFile, 'utf8');
    for (const log of [text(), fileText]) {
      expect(log).toContain(reference);
      expect(log).toContain('handler threw');
      expect(log).toContain('keychain refused');
      expect(log).not.toContain('Tr0ub4dor');
    }
  });

  it('a synchronous throw and a non-Result return are internal too', async () => {
    const handlers = {
      ...services.handlers,
      'settings:get': () => {
        throw new TypeError('not async');
      },
      'addresses:list': async () => undefined,
    } as unknown as Handlers;
    const dispatcher = createDispatcher({ handlers, logger: silentLogger, validateOutput: true });
    expect(await dispatcher.dispatch('settings:get', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(await dispatcher.dispatch('addresses:list', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('output validation catches a value that breaks the contract and an unknown error code', async () => {
    const { logger, text } = recordingLogger();
    const handlers = {
      ...services.handlers,
      'settings:get': async () => ok({ ...services.store.settings(), theme: 'neon' }),
      'addresses:delete': async () => ({ ok: false, error: { code: 'teapot', message: 'short and stout' } }),
    } as unknown as Handlers;
    const dispatcher = createDispatcher({ handlers, logger, validateOutput: true });
    expect(await dispatcher.dispatch('settings:get', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(await dispatcher.dispatch('addresses:delete', { id: 'addr-1' })).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(text().match(/output failed contract validation/gu)).toHaveLength(2);
    // Without validation (production) the handler's value passes through untouched.
    const lenient = createDispatcher({ handlers, logger: silentLogger, validateOutput: false });
    expect(await lenient.dispatch('settings:get', {})).toMatchObject({ ok: true, value: { theme: 'neon' } });
  });
});

describe('input', () => {
  it('an unknown or prototype-named channel is invalid-input', async () => {
    const dispatcher = services.createDispatcher();
    for (const channel of ['nope:nothing', 'constructor', '__proto__', 'toString', 'hasOwnProperty', '']) {
      expect(await dispatcher.dispatch(channel, {}), channel).toEqual({ ok: false, error: { code: 'invalid-input', message: 'Unknown channel.' } });
    }
  });

  it('bad input names the field in the message and in details, and never runs the handler', async () => {
    let ran = false;
    const handlers: Handlers = { ...services.handlers, 'settings:update': async () => ((ran = true), ok(services.store.settings())) };
    const dispatcher = createDispatcher({ handlers, logger: silentLogger, validateOutput: true });
    const result = await dispatcher.dispatch('settings:update', { patch: { smtpTimeoutSeconds: 1 } });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input', details: { issues: [{ path: 'patch.smtpTimeoutSeconds' }] } } });
    expect(result.ok ? '' : result.error.message).toMatch(/^patch\.smtpTimeoutSeconds: /u);
    expect(ran).toBe(false);
  });
});

describe('parseOnce (a CLI command)', () => {
  it('refuses and accepts exactly the inputs the compiled parsers do', async () => {
    const handlers = { 'test:long': async () => ok({ done: 1 }) } as unknown as Handlers;
    const [once, compiled] = [true, false].map((parseOnce) => createDispatcher({ handlers, contract: longContract, logger: silentLogger, validateOutput: true, parseOnce }));
    for (const input of [{ operationId: 'op-1', steps: 1, stepMs: 0 }, { operationId: 'op-2', steps: 0, stepMs: 0 }, { operationId: 'op-3', steps: 1, stepMs: 0, extra: true }, { steps: 'one' }]) {
      const [a, b] = await Promise.all([once?.dispatch('test:long', input), compiled?.dispatch('test:long', input)]);
      expect(a, JSON.stringify(input)).toEqual(b);
    }
    expect((await once?.dispatch('test:long', { operationId: 'op-4', steps: 0, stepMs: 0 }))?.ok).toBe(false);
  });
});

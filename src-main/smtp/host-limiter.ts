/**
 * How many connections Relayproof holds open to one mail server at a time, across every
 * re-check in the process (a fleet run, the background scheduler, "Re-check now"). A
 * server is its address and port after resolution, so two names for one relay share a
 * limit. Microsoft 365 allows 3 concurrent SMTP connections per mailbox and throttles
 * beyond (`432 4.3.2 ... sender thread limit exceeded`), so the default of 2 per server
 * stays under it with room for the platform's own traffic.
 *
 * A server that answers "too many connections" or another throttling reply slows only its
 * own queue: it is paused for the next backoff step and then gets one connection at a time
 * until a connection goes through again. Other servers' queues never wait for it.
 *
 * Every caller passes its own limits; a slot starts only when the limits of that caller
 * hold for what is running now (from any caller), so a fleet run with `--concurrency 1`
 * is not overtaken by itself and a background re-check never pushes a server past 2.
 */
import { ipFamily } from '../dns/ip-family';
import type { Result } from '../../src-preload/contract';
import { fail } from '../../src-preload/contract/result-values';
import type { ConnectionReport, SmtpReply } from '../../src-preload/contract/smtp-schemas';
import type { DnsResolver } from '../dns/resolver';

export interface HostLimits {
  /** Most connections to one server (address:port) at once. */
  readonly perHost: number;
  /** Most slots at once over every server. */
  readonly concurrency: number;
}

export const DEFAULT_HOST_LIMITS: HostLimits = { perHost: 2, concurrency: 8 };

/** The pause of a throttling server's queue: 1, 5, 15 s (the last step repeats). */
export const DEFAULT_THROTTLE_BACKOFF_MS: readonly number[] = [1_000, 5_000, 15_000];

/** Tries of one connection test after the first that was throttled. */
export const THROTTLE_RETRIES = 3;

export interface LimiterTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Not unref'd: a one-shot CLI run that waits for a throttled server's pause has nothing else
 * keeping the process alive, and must not exit with the run half done.
 */
const realTimers: LimiterTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface HostSlot {
  readonly key: string;
  /** Give the slot back (idempotent). */
  release(): void;
  /** Give the slot back and wait for the server's queue again (after its pause); false when cancelled. */
  requeue(signal: AbortSignal): Promise<boolean>;
}

export interface HostLimiter {
  /** Wait until `limits` allow one more slot for `key`; null when `signal` aborted first. */
  acquire(key: string, limits: HostLimits, signal: AbortSignal): Promise<HostSlot | null>;
  /** The server at `key` throttled: pause its queue; returns the pause in ms. */
  throttled(key: string): number;
  /** A connection to `key` went through: its queue runs at its normal limit again. */
  cleared(key: string): void;
  /** Slots held for `key` now. */
  active(key: string): number;
}

interface KeyState {
  active: number;
  /** Throttle steps in a row; > 0 = one connection at a time. */
  step: number;
  pausedUntil: number;
  timer: unknown;
}

interface Waiter {
  readonly key: string;
  readonly limits: HostLimits;
  readonly start: () => void;
}

export function createHostLimiter(options: { readonly timers?: LimiterTimers; readonly backoffMs?: readonly number[] } = {}): HostLimiter {
  const timers = options.timers ?? realTimers;
  const backoff = options.backoffMs ?? DEFAULT_THROTTLE_BACKOFF_MS;
  const keys = new Map<string, KeyState>();
  const waiters: Waiter[] = [];
  let total = 0;

  const stateOf = (key: string): KeyState => {
    let state = keys.get(key);
    if (state === undefined) {
      state = { active: 0, step: 0, pausedUntil: 0, timer: null };
      keys.set(key, state);
    }
    return state;
  };

  const forget = (key: string, state: KeyState) => {
    if (state.active === 0 && state.step === 0 && state.timer === null && !waiters.some((w) => w.key === key)) keys.delete(key);
  };

  function canStart(waiter: Waiter): boolean {
    const state = stateOf(waiter.key);
    const limit = state.step > 0 ? 1 : Math.max(1, waiter.limits.perHost);
    return total < Math.max(1, waiter.limits.concurrency) && state.active < limit && timers.now() >= state.pausedUntil;
  }

  /** Start every waiter whose limits hold now, oldest first; a blocked server never holds up another's waiters. */
  function pump(): void {
    for (let i = 0; i < waiters.length; ) {
      const waiter = waiters[i];
      if (waiter !== undefined && canStart(waiter)) {
        waiters.splice(i, 1);
        waiter.start();
      } else i += 1;
    }
  }

  /** A slot for `key`, counted only once `take` runs. */
  function slotFor(key: string, limits: HostLimits): { slot: HostSlot; take: () => void } {
    let held = false;
    const take = () => {
      held = true;
      stateOf(key).active += 1;
      total += 1;
    };
    const release = () => {
      if (!held) return;
      held = false;
      const state = stateOf(key);
      state.active -= 1;
      total -= 1;
      forget(key, state);
      pump();
    };
    const slot: HostSlot = {
      key,
      release,
      requeue(signal) {
        release();
        return wait(key, limits, signal, take);
      },
    };
    return { slot, take };
  }

  /**
   * Resolves true once a slot for `key` started, false when cancelled. `take` counts the slot
   * in the same turn as the check that allowed it, before the next waiter is looked at.
   */
  function wait(key: string, limits: HostLimits, signal: AbortSignal, take: () => void): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const onAbort = () => {
        const at = waiters.indexOf(waiter);
        if (at >= 0) waiters.splice(at, 1);
        resolve(false);
      };
      const waiter: Waiter = {
        key,
        limits,
        start: () => {
          signal.removeEventListener('abort', onAbort);
          take();
          resolve(true);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      waiters.push(waiter);
      pump();
    });
  }

  return {
    async acquire(key, limits, signal) {
      const { slot, take } = slotFor(key, limits);
      return (await wait(key, limits, signal, take)) ? slot : null;
    },
    throttled(key) {
      const state = stateOf(key);
      const ms = backoff[Math.min(state.step, backoff.length - 1)] ?? 15_000;
      state.step += 1;
      state.pausedUntil = timers.now() + ms;
      if (state.timer !== null) timers.clearTimeout(state.timer);
      state.timer = timers.setTimeout(() => {
        state.timer = null;
        pump();
        forget(key, state);
      }, ms);
      return ms;
    },
    cleared(key) {
      const state = keys.get(key);
      if (state === undefined || state.step === 0) return;
      state.step = 0;
      pump();
    },
    active(key) {
      return keys.get(key)?.active ?? 0;
    },
  };
}

/**
 * The server a connection test of `host:port` reaches, as the limiter counts it: the first
 * address DNS gives for the name (A, then AAAA), else the name itself when DNS has none.
 */
export async function hostKeyOf(host: string, port: number, resolver: DnsResolver | null, signal?: AbortSignal): Promise<string> {
  const bare = host.replace(/^\[|\]$/gu, '').replace(/\.$/u, '').toLowerCase();
  if (ipFamily(bare) !== 0 || resolver === null) return keyOf(bare, port);
  for (const type of ['A', 'AAAA'] as const) {
    try {
      const answer = await resolver.lookup(bare, type, signal === undefined ? {} : { signal });
      const record = answer.records.find((r) => r.type === type);
      if (record !== undefined && 'address' in record) return keyOf(record.address, port);
    } catch {
      // No answer is not a reason to skip the limit: fall back to the name.
    }
  }
  return keyOf(bare, port);
}

const keyOf = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

const THROTTLE_TEXT = /too many|throttl|rate limit|thread limit|concurren|try again later|busy/iu;
/** 4.7.66 (Microsoft: TLS version not supported) is a 421 that waiting does not fix. */
const NOT_THROTTLING = /tls version|4\.7\.66/iu;

/**
 * A reply that means "not now, too much at once": 421 (RFC 5321 §3.8: service not
 * available, closing), Microsoft's 432 4.3.2 thread limit, or a transient 4.7.x policy
 * reply that talks about rates or connections (Gmail's 421/454 4.7.0).
 */
export function isThrottleReply(reply: SmtpReply | null): boolean {
  if (reply === null || reply.code < 400 || reply.code >= 500) return false;
  if (NOT_THROTTLING.test(reply.text)) return false;
  if (reply.code === 421 || reply.code === 432) return true;
  return (reply.enhanced?.startsWith('4.7.') === true || reply.enhanced === '4.3.2') && THROTTLE_TEXT.test(reply.text);
}

/** The throttling reply in a connection test's outcome, or null. */
export function throttleReplyOf(result: Result<ConnectionReport>): SmtpReply | null {
  if (!result.ok) return null;
  const reply = result.value.failure?.reply ?? result.value.phases.find((p) => p.outcome === 'fail')?.reply ?? null;
  return isThrottleReply(reply) ? reply : null;
}

export interface ThrottledTest {
  readonly result: Result<ConnectionReport>;
  /** The server throttled at least one try. */
  readonly throttled: boolean;
}

/**
 * One connection test in `slot`, tried again after the server's pause while it throttles
 * (at most `retries` more times). The slot is given back during the pause so the
 * other servers' queues use it.
 */
export async function throttledTest(
  limiter: HostLimiter,
  slot: HostSlot,
  signal: AbortSignal,
  attempt: () => Promise<Result<ConnectionReport>>,
  options: { readonly retries?: number; readonly onThrottled?: (pausedMs: number, reply: SmtpReply) => void } = {},
): Promise<ThrottledTest> {
  const retries = options.retries ?? THROTTLE_RETRIES;
  let throttled = false;
  for (let tried = 0; ; tried += 1) {
    const result = await attempt();
    const reply = throttleReplyOf(result);
    if (reply === null) {
      if (result.ok && result.value.phases.some((p) => p.name === 'ehlo' && p.outcome !== 'fail')) limiter.cleared(slot.key);
      return { result, throttled };
    }
    throttled = true;
    const paused = limiter.throttled(slot.key);
    options.onThrottled?.(paused, reply);
    if (tried >= retries || signal.aborted) return { result, throttled };
    if (!(await slot.requeue(signal))) return { result: fail('cancelled', 'The re-check was cancelled while the server asked to wait.'), throttled };
  }
}

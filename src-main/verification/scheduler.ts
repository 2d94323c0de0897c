/**
 * Re-checks pending items while the app runs (and under `relayproof status --watch`):
 * per address, 1 min, 5 min, 15 min, then hourly while something is still pending or
 * stale; stops when everything settled. "Re-check now" runs at once — but never while a
 * check of the same address is running (it joins that one) and never sooner than the
 * first backoff step after the previous check ended, so nothing hits a server more
 * often than the backoff allows.
 *
 * Time and timers are injected (`Timers`), so tests drive hours of backoff instantly.
 */

export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending re-check must not keep a CLI process alive on its own.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** 1 min, 5 min, 15 min, then hourly (the last step repeats). */
export const DEFAULT_BACKOFF_MS: readonly number[] = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];

/** The least time between the end of one check of an address and a manual "Re-check now". */
export const MANUAL_RECHECK_GAP_MS = 30_000;

/**
 * The guard of every manual re-check (the scheduler's `recheckNow` and the service's
 * "Re-check now" channel): allowed, or too soon with when it will be.
 */
export function manualRecheckGate(lastFinishedAt: number | null, now: number, gapMs: number = MANUAL_RECHECK_GAP_MS): { readonly allowed: true } | { readonly allowed: false; readonly nextAt: number; readonly agoMs: number } {
  if (lastFinishedAt === null) return { allowed: true };
  const nextAt = lastFinishedAt + gapMs;
  return now >= nextAt ? { allowed: true } : { allowed: false, nextAt, agoMs: Math.max(0, now - lastFinishedAt) };
}

export type RecheckTrigger = 'scheduled' | 'manual';

export interface RecheckOutcome {
  /** Something is still pending or stale: keep re-checking. */
  readonly pending: boolean;
}

export type SchedulerEvent =
  | { readonly type: 'started'; readonly addressId: string; readonly trigger: RecheckTrigger; readonly at: number }
  | { readonly type: 'finished'; readonly addressId: string; readonly trigger: RecheckTrigger; readonly at: number; readonly pending: boolean; readonly nextAt: number | null }
  | { readonly type: 'failed'; readonly addressId: string; readonly trigger: RecheckTrigger; readonly at: number; readonly message: string; readonly nextAt: number | null };

export interface SchedulerOptions {
  readonly recheck: (addressId: string, context: { readonly signal: AbortSignal; readonly trigger: RecheckTrigger }) => Promise<RecheckOutcome>;
  readonly timers?: Timers;
  readonly backoffMs?: readonly number[];
  /** Least gap before a manual re-check after the last one ended (default MANUAL_RECHECK_GAP_MS). */
  readonly manualGapMs?: number;
  readonly onEvent?: (event: SchedulerEvent) => void;
}

export interface AddressSchedule {
  readonly addressId: string;
  readonly running: boolean;
  /** Next automatic re-check (ms since epoch); null = settled or not watched. */
  readonly nextAt: number | null;
  /** Index into the backoff of the next automatic delay. */
  readonly step: number;
  readonly lastFinishedAt: number | null;
}

export type RecheckNowResult =
  | { readonly started: true; readonly done: Promise<void> }
  | { readonly started: false; readonly reason: 'running'; readonly done: Promise<void> }
  | { readonly started: false; readonly reason: 'too-soon'; readonly nextAt: number }
  | { readonly started: false; readonly reason: 'not-watched' };

export interface RecheckScheduler {
  /** Start watching; `pending` = schedule the first re-check one backoff step from now. */
  watch(addressId: string, state: { readonly pending: boolean }): void;
  unwatch(addressId: string): void;
  recheckNow(addressId: string): RecheckNowResult;
  schedule(addressId: string): AddressSchedule | null;
  /** Cancel every timer, abort running checks and wait for them. */
  stop(): Promise<void>;
}

interface Entry {
  step: number;
  timer: unknown;
  nextAt: number | null;
  running: Promise<void> | null;
  controller: AbortController | null;
  lastFinishedAt: number | null;
}

export function createRecheckScheduler(options: SchedulerOptions): RecheckScheduler {
  const timers = options.timers ?? realTimers;
  const backoff = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  if (backoff.length === 0) throw new Error('backoffMs needs at least one step');
  const entries = new Map<string, Entry>();
  let stopped = false;
  const delay = (step: number) => backoff[Math.min(step, backoff.length - 1)] ?? 60 * 60_000;

  function arm(addressId: string, entry: Entry, ms: number): void {
    disarm(entry);
    if (stopped) return;
    entry.nextAt = timers.now() + ms;
    entry.timer = timers.setTimeout(() => {
      entry.timer = null;
      entry.nextAt = null;
      // A manual check may be running: the scheduled one waits for it instead of overlapping.
      if (entry.running !== null) return;
      run(addressId, entry, 'scheduled');
    }, ms);
  }

  function disarm(entry: Entry): void {
    if (entry.timer !== null) timers.clearTimeout(entry.timer);
    entry.timer = null;
    entry.nextAt = null;
  }

  function run(addressId: string, entry: Entry, trigger: RecheckTrigger): Promise<void> {
    disarm(entry);
    const controller = new AbortController();
    entry.controller = controller;
    options.onEvent?.({ type: 'started', addressId, trigger, at: timers.now() });
    const done = (async () => {
      let pending = true;
      let message: string | null = null;
      try {
        pending = (await options.recheck(addressId, { signal: controller.signal, trigger })).pending;
      } catch (error) {
        // A check that threw (network down) has not settled anything: keep backing off.
        message = error instanceof Error ? error.message : String(error);
      }
      entry.running = null;
      entry.controller = null;
      entry.lastFinishedAt = timers.now();
      const watched = entries.get(addressId) === entry && !stopped;
      if (watched && pending) {
        arm(addressId, entry, delay(entry.step));
        entry.step += 1;
      } else if (watched) {
        entry.step = 0;
      }
      const nextAt = watched ? entry.nextAt : null;
      if (message === null) options.onEvent?.({ type: 'finished', addressId, trigger, at: timers.now(), pending, nextAt });
      else options.onEvent?.({ type: 'failed', addressId, trigger, at: timers.now(), message, nextAt });
    })();
    entry.running = done;
    return done;
  }

  return {
    watch(addressId, state) {
      let entry = entries.get(addressId);
      if (entry === undefined) {
        entry = { step: 0, timer: null, nextAt: null, running: null, controller: null, lastFinishedAt: null };
        entries.set(addressId, entry);
      }
      if (state.pending && entry.timer === null && entry.running === null) {
        arm(addressId, entry, delay(entry.step));
        entry.step += 1;
      }
    },
    unwatch(addressId) {
      const entry = entries.get(addressId);
      if (entry === undefined) return;
      disarm(entry);
      entry.controller?.abort();
      entries.delete(addressId);
    },
    recheckNow(addressId) {
      const entry = entries.get(addressId);
      if (entry === undefined || stopped) return { started: false, reason: 'not-watched' };
      if (entry.running !== null) return { started: false, reason: 'running', done: entry.running };
      const gate = manualRecheckGate(entry.lastFinishedAt, timers.now(), options.manualGapMs ?? MANUAL_RECHECK_GAP_MS);
      if (!gate.allowed) {
        // Too soon after the last check: make sure one runs as soon as allowed.
        if (entry.nextAt === null || entry.nextAt > gate.nextAt) arm(addressId, entry, gate.nextAt - timers.now());
        return { started: false, reason: 'too-soon', nextAt: gate.nextAt };
      }
      return { started: true, done: run(addressId, entry, 'manual') };
    },
    schedule(addressId) {
      const entry = entries.get(addressId);
      if (entry === undefined) return null;
      return { addressId, running: entry.running !== null, nextAt: entry.nextAt, step: entry.step, lastFinishedAt: entry.lastFinishedAt };
    },
    async stop() {
      stopped = true;
      const running: Promise<void>[] = [];
      for (const entry of entries.values()) {
        disarm(entry);
        entry.controller?.abort();
        if (entry.running !== null) running.push(entry.running);
      }
      await Promise.all(running);
    },
  };
}

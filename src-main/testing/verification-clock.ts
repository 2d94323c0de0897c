/**
 * A manual clock with real timer semantics for the scheduler tests: timers fire in due
 * order when time is advanced, and promises settle between firings — hours of backoff
 * in milliseconds, with no mocking framework (it is the scheduler's injected `Timers`).
 */
import type { Timers } from '../verification/scheduler';

interface Timer {
  readonly id: number;
  readonly due: number;
  readonly callback: () => void;
}

export interface ManualTimers extends Timers {
  /** Move time forward, firing every timer due on the way (and letting promises settle). */
  advance(ms: number): Promise<void>;
  /** Due times of the timers still set. */
  pendingDue(): number[];
}

/** Let queued promise callbacks run (several turns: async functions chain a few). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
}

export function manualTimers(start = Date.parse('2026-11-23T10:00:00Z')): ManualTimers {
  let now = start;
  let nextId = 1;
  let timers: Timer[] = [];
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const timer = { id: nextId++, due: now + Math.max(0, ms), callback };
      timers.push(timer);
      return timer.id;
    },
    clearTimeout(handle) {
      timers = timers.filter((t) => t.id !== handle);
    },
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        await settle();
        const next = [...timers].sort((a, b) => a.due - b.due || a.id - b.id)[0];
        if (next === undefined || next.due > end) break;
        timers = timers.filter((t) => t.id !== next.id);
        now = next.due;
        next.callback();
      }
      now = end;
      await settle();
    },
    pendingDue: () => timers.map((t) => t.due).sort((a, b) => a - b),
  };
}

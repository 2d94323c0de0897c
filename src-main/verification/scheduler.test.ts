import { describe, expect, it } from 'vitest';
import { manualTimers, settle } from '../testing/verification-clock';
import { createRecheckScheduler, manualRecheckGate, type RecheckOutcome, type RecheckTrigger, type SchedulerEvent } from './scheduler';

const MIN = 60_000;

interface Harness {
  readonly calls: { at: number; trigger: RecheckTrigger; signal: AbortSignal }[];
  readonly events: SchedulerEvent[];
  /** What the next checks report (consumed in order; the last one repeats). */
  outcomes: (RecheckOutcome | Error)[];
  /** When set, checks wait for this before answering. */
  gate: Promise<void> | null;
  active: number;
  maxActive: number;
}

function setup() {
  const timers = manualTimers();
  const h: Harness = { calls: [], events: [], outcomes: [{ pending: true }], gate: null, active: 0, maxActive: 0 };
  const scheduler = createRecheckScheduler({
    timers,
    onEvent: (e) => h.events.push(e),
    recheck: async (_addressId, { signal, trigger }) => {
      h.calls.push({ at: timers.now(), trigger, signal });
      h.active += 1;
      h.maxActive = Math.max(h.maxActive, h.active);
      try {
        if (h.gate !== null) await h.gate;
        const next = h.outcomes.length > 1 ? h.outcomes.shift() : h.outcomes[0];
        if (next instanceof Error) throw next;
        return next ?? { pending: false };
      } finally {
        h.active -= 1;
      }
    },
  });
  const t0 = timers.now();
  const minutesSinceStart = () => h.calls.map((c) => (c.at - t0) / MIN);
  return { timers, scheduler, h, t0, minutesSinceStart };
}

describe('re-check scheduler', () => {
  it('backs off 1 min, 5 min, 15 min, then hourly while items stay pending', async () => {
    const { timers, scheduler, minutesSinceStart, t0 } = setup();
    scheduler.watch('a', { pending: true });
    expect(scheduler.schedule('a')?.nextAt).toBe(t0 + MIN);
    await timers.advance(4 * 60 * MIN);
    // 1, 1+5, 6+15, 21+60, 81+60, 141+60
    expect(minutesSinceStart()).toEqual([1, 6, 21, 81, 141, 201]);
    expect(scheduler.schedule('a')?.nextAt).toBe(t0 + 261 * MIN);
  });

  it('stops when everything settled, and starts again from 1 minute when watched as pending', async () => {
    const { timers, scheduler, h, minutesSinceStart, t0 } = setup();
    h.outcomes = [{ pending: true }, { pending: false }];
    scheduler.watch('a', { pending: true });
    await timers.advance(10 * 60 * MIN);
    expect(minutesSinceStart()).toEqual([1, 6]);
    expect(scheduler.schedule('a')).toMatchObject({ nextAt: null, step: 0, running: false });
    expect(h.events.at(-1)).toMatchObject({ type: 'finished', pending: false, nextAt: null });
    h.outcomes = [{ pending: true }];
    scheduler.watch('a', { pending: true });
    expect(scheduler.schedule('a')?.nextAt).toBe(t0 + 10 * 60 * MIN + MIN);
  });

  it('never runs two checks of one address at once, whatever the timers and "re-check now" ask', async () => {
    const { timers, scheduler, h } = setup();
    let release: () => void = () => undefined;
    h.gate = new Promise((resolve) => (release = resolve));
    scheduler.watch('a', { pending: true });
    await timers.advance(MIN);
    expect(h.calls).toHaveLength(1);
    const now = scheduler.recheckNow('a');
    expect(now).toMatchObject({ started: false, reason: 'running' });
    await timers.advance(3 * 60 * MIN);
    expect(h.calls).toHaveLength(1);
    expect(h.maxActive).toBe(1);
    h.gate = null;
    release();
    await settle();
    if (now.started === false && now.reason === 'running') await now.done;
    expect(scheduler.schedule('a')).toMatchObject({ running: false, nextAt: timers.now() + 5 * MIN });
  });

  it('"re-check now" runs at once, keeps the backoff step, and refuses to run again within 30 s of the last check', async () => {
    const { timers, scheduler, h, t0 } = setup();
    scheduler.watch('a', { pending: true });
    await timers.advance(30_000);
    const first = scheduler.recheckNow('a');
    expect(first.started).toBe(true);
    if (first.started) await first.done;
    expect(h.calls.map((c) => [c.at - t0, c.trigger])).toEqual([[30_000, 'manual']]);
    // The scheduled 1-minute check was replaced; the next one is 5 minutes after this.
    expect(scheduler.schedule('a')?.nextAt).toBe(t0 + 30_000 + 5 * MIN);
    await timers.advance(10_000);
    const again = scheduler.recheckNow('a');
    expect(again).toEqual({ started: false, reason: 'too-soon', nextAt: t0 + 30_000 + 30_000 });
    // The too-soon request is honoured as soon as the gap allows.
    expect(scheduler.schedule('a')?.nextAt).toBe(t0 + 30_000 + 30_000);
    await timers.advance(20_000);
    expect(h.calls.map((c) => c.trigger)).toEqual(['manual', 'scheduled']);
    expect(scheduler.recheckNow('b')).toEqual({ started: false, reason: 'not-watched' });
  });

  it('addresses are independent: two addresses may run at the same time', async () => {
    const { timers, scheduler, h } = setup();
    let release: () => void = () => undefined;
    h.gate = new Promise((resolve) => (release = resolve));
    scheduler.watch('a', { pending: true });
    scheduler.watch('b', { pending: true });
    await timers.advance(MIN);
    expect(h.maxActive).toBe(2);
    release();
    await settle();
  });

  it('a check that throws keeps the backoff going and reports the failure', async () => {
    const { timers, scheduler, h, minutesSinceStart } = setup();
    h.outcomes = [new Error('network unreachable'), { pending: true }];
    scheduler.watch('a', { pending: true });
    await timers.advance(7 * MIN);
    expect(minutesSinceStart()).toEqual([1, 6]);
    expect(h.events.find((e) => e.type === 'failed')).toMatchObject({ type: 'failed', addressId: 'a', message: 'network unreachable' });
  });

  it('unwatch cancels the timer and aborts a running check; stop waits for running checks', async () => {
    const { timers, scheduler, h } = setup();
    let release: () => void = () => undefined;
    h.gate = new Promise((resolve) => (release = resolve));
    scheduler.watch('a', { pending: true });
    scheduler.watch('b', { pending: true });
    await timers.advance(MIN);
    scheduler.unwatch('a');
    expect(h.calls[0]?.signal.aborted).toBe(true);
    expect(scheduler.schedule('a')).toBeNull();
    const stopping = scheduler.stop();
    expect(h.calls[1]?.signal.aborted).toBe(true);
    release();
    await stopping;
    await timers.advance(5 * 60 * MIN);
    expect(h.calls).toHaveLength(2);
    expect(timers.pendingDue()).toEqual([]);
  });
});

describe('the manual re-check gate', () => {
  it('allows the first check, refuses within the gap with when it will be allowed, allows after', () => {
    expect(manualRecheckGate(null, 1_000)).toEqual({ allowed: true });
    expect(manualRecheckGate(1_000, 11_000)).toEqual({ allowed: false, nextAt: 31_000, agoMs: 10_000 });
    expect(manualRecheckGate(1_000, 31_000)).toEqual({ allowed: true });
    expect(manualRecheckGate(1_000, 5_000, 2_000)).toEqual({ allowed: true });
  });
});

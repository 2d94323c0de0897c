import { afterEach, describe, expect, it, vi } from 'vitest';
import { realSleep } from './imap-receipt';

describe('the pause between mailbox searches', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ends at once when the wait was cancelled during the search before it (no pause is waited out)', async () => {
    // Fake timers: nothing advances them, so only an immediate end can resolve the pause.
    vi.useFakeTimers();
    const controller = new AbortController();
    controller.abort();
    let ended = false;
    void realSleep(60_000, controller.signal).then(() => {
      ended = true;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(ended).toBe(true);
  });

  it('ends when cancelled while pausing, and otherwise after its time', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    let cancelledEnded = false;
    void realSleep(60_000, controller.signal).then(() => {
      cancelledEnded = true;
    });
    let timedEnded = false;
    void realSleep(1_000).then(() => {
      timedEnded = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect([cancelledEnded, timedEnded]).toEqual([false, false]);
    controller.abort();
    await vi.advanceTimersByTimeAsync(1);
    expect([cancelledEnded, timedEnded]).toEqual([true, true]);
  });
});

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices, makeTempDir, type TempDir } from '../testing/transport-support';
import type { Services } from '../services';
import { deferDispatcher } from './deferred-dispatcher';
import type { Dispatcher } from './dispatch';

let temp: TempDir;
let services: Services;

beforeAll(async () => {
  temp = await makeTempDir('deferred-dispatch');
  services = createTestServices(join(temp.path, 'data'));
});

afterAll(async () => {
  await temp.remove();
});

function later<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: Error): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('deferDispatcher', () => {
  it('answers a call made before the services exist once they do, with the real answer', async () => {
    const pending = later<Dispatcher | undefined>();
    const deferred = deferDispatcher(pending.promise);
    expect(deferred.ready()).toBe(false);
    const early = deferred.dispatch('app:get-info', {});
    let answered = false;
    void early.then(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toBe(false);
    pending.resolve(services.createDispatcher());
    const result = await early;
    expect(result.ok).toBe(true);
    expect(deferred.ready()).toBe(true);
    // Later calls go straight through, bad input still judged by the real dispatcher.
    expect((await deferred.dispatch('app:get-info', { extra: 1 })).ok).toBe(false);
  });

  it('gives waiting and later calls store-unavailable when the services could not start', async () => {
    for (const outcome of ['undefined', 'rejected'] as const) {
      const pending = later<Dispatcher | undefined>();
      const deferred = deferDispatcher(pending.promise);
      const early = deferred.dispatch('app:get-info', {});
      if (outcome === 'undefined') pending.resolve(undefined);
      else pending.reject(new Error('settings folder not writable'));
      const results = [await early, await deferred.dispatch('addresses:list', {})];
      for (const result of results) {
        expect(result.ok, outcome).toBe(false);
        if (!result.ok) expect(result.error.code).toBe('store-unavailable');
      }
      expect(deferred.ready()).toBe(false);
      expect(deferred.cancel('op-1')).toBe(false);
    }
  });

  it('honours a caller that gave up while waiting', async () => {
    const pending = later<Dispatcher | undefined>();
    const deferred = deferDispatcher(pending.promise);
    const controller = new AbortController();
    const early = deferred.dispatch('app:get-info', {}, controller.signal);
    controller.abort(new Error('window closed'));
    pending.resolve(services.createDispatcher());
    const result = await early;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('cancelled');
  });
});

import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChannelName, RelayproofApi } from '../../../src-preload/contract';
import { channelKey } from '../api/hooks';
import { firstViewChannels, prefetchFirstView } from './first-view-prefetch';
import { createQueryClient } from './query-client';

/** Records each call and answers it with its channel's name (or a failure for `failing`). */
function recordingApi(failing: ReadonlySet<string> = new Set()): { api: RelayproofApi; calls: string[] } {
  const calls: string[] = [];
  const api: RelayproofApi = {
    invoke: ((channel: ChannelName) => {
      calls.push(channel);
      return Promise.resolve(failing.has(channel) ? { ok: false, error: { code: 'internal', message: 'Failed.' } } : { ok: true, value: `answer of ${channel}` });
    }) as RelayproofApi['invoke'],
    onEvent: () => () => undefined,
  };
  return { api, calls };
}

describe('firstViewChannels', () => {
  it('asks for the Addresses view’s lists when the page opens on it (or on no route)', () => {
    for (const hash of ['', '#/addresses', '#/nowhere']) {
      expect(firstViewChannels(hash)).toEqual(expect.arrayContaining(['settings:get', 'app:get-info', 'addresses:list', 'providers:list', 'addresses:events']));
    }
  });

  it('asks only for what every view reads when the page opens on another view', () => {
    expect(firstViewChannels('#/settings')).toEqual(['settings:get', 'app:get-info']);
  });
});

describe('prefetchFirstView', () => {
  it('leaves each answer under the key the views read it from, one call per channel', async () => {
    const { api, calls } = recordingApi();
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    prefetchFirstView(queryClient, api, '#/addresses');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect([...calls].sort()).toEqual([...firstViewChannels('#/addresses')].sort());
    expect(queryClient.getQueryData(channelKey('addresses:list', {}))).toBe('answer of addresses:list');
    expect(queryClient.getQueryData(channelKey('settings:get', {}))).toBe('answer of settings:get');
  });

  it('keeps a failed call as the query’s error, never as data', async () => {
    const { api } = recordingApi(new Set(['addresses:list']));
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    prefetchFirstView(queryClient, api, '');
    await new Promise((resolve) => setTimeout(resolve, 0));
    const state = queryClient.getQueryState(channelKey('addresses:list', {}));
    expect(state?.status).toBe('error');
    expect(state?.data).toBeUndefined();
  });
});

describe('the app\'s query client', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never asks again for the platforms and presets the first view prefetched, however much later a view reads them', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { api, calls } = recordingApi();
    const queryClient = createQueryClient();
    prefetchFirstView(queryClient, api, '#/addresses');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(queryClient.getQueryState(channelKey('platforms:list', {}))?.status).toBe('success');
    vi.setSystemTime(Date.now() + 3_600_000);
    calls.length = 0;
    // What a view mounting an hour later does: fetch what is stale under the query's own options.
    for (const channel of ['platforms:list', 'providers:list', 'addresses:list'] as const) {
      await queryClient.prefetchQuery({ queryKey: channelKey(channel, {}), queryFn: () => api.invoke(channel, {}) });
    }
    expect(calls).toEqual(['addresses:list']);
  });
});

import { QueryClient } from '@tanstack/react-query';
import type { ChannelName } from '../../../src-preload/contract';
import { channelKey } from '../api/hooks';

/**
 * Channels whose answer cannot change while main runs: main reads resources/platforms and
 * resources/providers once (memoized loaders). Asked once per page: with the default
 * staleness, every view opened more than 5 s after the first asked main again for the same
 * lists the first view's prefetch had already put in the cache. A failed answer holds no data,
 * so the next view to read it still asks again.
 */
export const fixedChannels = ['platforms:list', 'providers:list'] as const satisfies readonly ChannelName[];

/**
 * A failed Result is an answer, not a flaky network: do not retry it. Data changes
 * only through this window (or the CLI), so refetch on focus keeps it honest.
 */
export function createQueryClient(): QueryClient {
  const client = new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: true, staleTime: 5_000 },
      mutations: { retry: false },
    },
  });
  // Keyed by the channel alone: the defaults cover the query of every input (`[channel, {}]`), the prefetch's too.
  for (const channel of fixedChannels) client.setQueryDefaults(channelKey(channel), { staleTime: Infinity });
  return client;
}

import type { QueryClient } from '@tanstack/react-query';
import type { ChannelName, RelayproofApi } from '../../../src-preload/contract';
import { callChannel, channelKey } from '../api/hooks';
import { defaultRoute, parseRoute, type RouteId } from './routes';

/** Every view reads these: the theme, and the banners above the view. */
const SHELL_CHANNELS: readonly ChannelName[] = ['settings:get', 'app:get-info'];

/** What each view asks for as it first renders, each with the input `{}`. */
const VIEW_CHANNELS: Partial<Record<RouteId, readonly ChannelName[]>> = {
  addresses: ['addresses:list', 'providers:list', 'addresses:events', 'ses-identities:list', 'platforms:list'],
};

/** The channels the page opened on this hash asks for before it can show anything. */
export function firstViewChannels(hash: string): readonly ChannelName[] {
  const route = parseRoute(hash) ?? defaultRoute;
  return [...SHELL_CHANNELS, ...(VIEW_CHANNELS[route] ?? [])];
}

/**
 * Sends the first view's calls while the browser is still compiling the app's code:
 * made from the components, they would start only after all of it had run and React
 * had rendered once, and the view would wait for the round trip after that. The
 * components find the answers (or the calls in flight) under the same query keys.
 */
export function prefetchFirstView(queryClient: QueryClient, api: RelayproofApi, hash: string): void {
  for (const channel of firstViewChannels(hash)) {
    // A failed call leaves the query in error: the component mounting asks again and shows
    // the error as it always did.
    void queryClient.prefetchQuery({ queryKey: channelKey(channel, {}), queryFn: () => callChannel(api, channel, {}) });
  }
}

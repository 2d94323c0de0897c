/**
 * react-query over the contract: one typed query or mutation per channel. A failed
 * Result becomes a ChannelError (carrying the AppError), so components read
 * `error.appError.message` and never see a thrown transport error.
 */
import {
  useMutation,
  useQuery,
  useQueryClient,
  type UseMutationResult,
  type UseQueryResult,
} from '@tanstack/react-query';
import type { ChannelInput, ChannelName, ChannelOutput, RelayproofApi } from '../../../src-preload/contract';
import { useApiClient } from './api-context';
import { ChannelError } from './channel-error';
import { unreachableError } from './unreachable';

declare module '@tanstack/react-query' {
  interface Register {
    defaultError: ChannelError;
  }
}

export async function callChannel<C extends ChannelName>(
  api: RelayproofApi,
  channel: C,
  input: ChannelInput<C>,
): Promise<ChannelOutput<C>> {
  let result: Awaited<ReturnType<RelayproofApi['invoke']>>;
  try {
    result = await api.invoke(channel, input);
  } catch {
    // The transport rejected (IPC torn down); components still get an AppError.
    throw new ChannelError(unreachableError());
  }
  if (result.ok) return result.value as ChannelOutput<C>;
  throw new ChannelError(result.error);
}

export function channelKey<C extends ChannelName>(channel: C, input?: ChannelInput<C>): readonly unknown[] {
  return input === undefined ? [channel] : [channel, input];
}

export function useChannelQuery<C extends ChannelName>(channel: C, input: ChannelInput<C>): UseQueryResult<ChannelOutput<C>, ChannelError> {
  const { api } = useApiClient();
  return useQuery({
    queryKey: channelKey(channel, input),
    queryFn: () => callChannel(api, channel, input),
  });
}

export interface ChannelMutationOptions {
  /** Channels whose queries are stale after this mutation succeeds. */
  readonly invalidates?: readonly ChannelName[];
}

export function useChannelMutation<C extends ChannelName>(
  channel: C,
  options: ChannelMutationOptions = {},
): UseMutationResult<ChannelOutput<C>, ChannelError, ChannelInput<C>> {
  const { api } = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<C>) => callChannel(api, channel, input),
    onSettled: async () => {
      await Promise.all((options.invalidates ?? []).map((c) => queryClient.invalidateQueries({ queryKey: channelKey(c) })));
    },
  });
}

export function useAppInfo() {
  return useChannelQuery('app:get-info', {});
}

export function useSettings() {
  return useChannelQuery('settings:get', {});
}

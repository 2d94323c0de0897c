import { useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import {
  recheckEventSchema,
  sendEmailEventSchema,
  type AddressStatus,
  type RecheckEvent,
  type SendEmailEvent,
} from '../../../../src-preload/contract/verification';
import { useApiClient } from '../../api/api-context';
import type { ChannelError } from '../../api/channel-error';
import { callChannel, channelKey } from '../../api/hooks';
import { useOperationRun } from '../../api/use-operation-run';
import { idleRecheck, idleSend, recheckReducer, sendReducer, type RecheckRunState, type SendRunState } from './verification-runs';

/** How often the view asks again while it is open (countdowns, background re-checks). */
const STATUS_REFRESH_MS = 30_000;

/** Status of every address (addressId undefined) or of one. */
export function useVerificationStatus(addressId?: string): UseQueryResult<AddressStatus[], ChannelError> {
  const { api } = useApiClient();
  const input = addressId === undefined ? {} : { addressId };
  return useQuery({
    queryKey: channelKey('verification:status', input),
    queryFn: () => callChannel(api, 'verification:status', input),
    refetchInterval: STATUS_REFRESH_MS,
  });
}

/** Status and history are stale after any run of this view. */
export function useInvalidateVerification(): () => Promise<void> {
  const queryClient = useQueryClient();
  return useCallback(async () => {
    // A re-check also tests the connection, which leaves its last test (and blockers) on the address.
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: ['verification:status'] }),
      queryClient.invalidateQueries({ queryKey: ['verification:history'] }),
      queryClient.invalidateQueries({ queryKey: ['addresses:list'] }),
    ]);
  }, [queryClient]);
}

/** The time now, renewed every `everyMs` (countdowns). */
export function useNow(everyMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

const RECHECK_CHANNELS = ['verification:recheck'] as const;
const SEND_CHANNELS = ['verification:send-email'] as const;

function isRecheckEvent(value: unknown): value is RecheckEvent {
  return recheckEventSchema.safeParse(value).success;
}

function isSendEvent(value: unknown): value is SendEmailEvent {
  return sendEmailEventSchema.safeParse(value).success;
}

export interface RecheckRun {
  readonly state: RecheckRunState;
  readonly start: (addressId: string) => void;
  readonly cancel: () => void;
}

export function useRecheckRun(): RecheckRun {
  const run = useOperationRun({ channels: RECHECK_CHANNELS, idPrefix: 'recheck', isEvent: isRecheckEvent, reducer: recheckReducer, initial: idleRecheck });
  const { start: startOperation } = run;
  const start = useCallback(
    (addressId: string) => startOperation('verification:recheck', (operationId) => ({ started: { type: 'start', operationId }, input: { operationId, addressId } })),
    [startOperation],
  );
  return { state: run.state, start, cancel: run.cancel };
}

export interface SendRun {
  readonly state: SendRunState;
  /** `from`: the view that sends it, recorded on the run ('wizard' for the wizard's verification step). */
  readonly start: (addressId: string, recipient: string | undefined, waitSeconds: number, from?: 'status' | 'wizard') => void;
  readonly cancel: () => void;
}

export function useSendRun(): SendRun {
  const run = useOperationRun({ channels: SEND_CHANNELS, idPrefix: 'verify-email', isEvent: isSendEvent, reducer: sendReducer, initial: idleSend });
  const { start: startOperation } = run;
  const start = useCallback(
    (addressId: string, recipient: string | undefined, waitSeconds: number, from: 'status' | 'wizard' = 'status') =>
      startOperation('verification:send-email', (operationId) => ({
        started: { type: 'start', operationId },
        input: { operationId, addressId, waitSeconds, from, ...(recipient === undefined ? {} : { recipient }) },
      })),
    [startOperation],
  );
  return { state: run.state, start, cancel: run.cancel };
}

/** Focus to move to the view's heading after navigating inside the Status route (the shell does not). */
export interface MoveFocus {
  readonly pending: boolean;
  readonly done: () => void;
}

/** Moves focus to the heading once `ready` (the view's data drawn), when a move is pending. */
export function useFocusTitleWhen(ready: boolean, moveFocus: MoveFocus): void {
  const { pending, done } = moveFocus;
  useEffect(() => {
    if (!ready || !pending) return;
    document.querySelector<HTMLElement>('[data-view-title]')?.focus();
    done();
  }, [ready, pending, done]);
}

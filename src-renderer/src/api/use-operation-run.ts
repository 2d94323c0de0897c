import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { AppError, ChannelInput, ChannelName, ChannelOutput, RelayproofApi } from '../../../src-preload/contract';
import { useApiClient } from './api-context';
import { toChannelError } from './channel-error';
import { callChannel } from './hooks';

/** The lifecycle actions every long-operation reducer accepts, besides its own `start`. */
export type OperationAction<E, R> =
  | { readonly type: 'event'; readonly operationId: string; readonly event: E }
  | { readonly type: 'cancel-requested'; readonly operationId: string }
  | { readonly type: 'finished'; readonly operationId: string; readonly report: R }
  | { readonly type: 'failed'; readonly operationId: string; readonly error: AppError };

export interface OperationRunOptions<C extends ChannelName, E, S, A> {
  /** Channels whose events belong to this run; keep the array stable (module-level). */
  readonly channels: readonly C[];
  /** Prefix of each fresh operationId, so logs show which view started it. */
  readonly idPrefix: string;
  /** Keep stable (module-level): the event subscription is renewed when it changes. */
  readonly isEvent: (value: unknown) => value is E;
  readonly reducer: (state: S, action: A | OperationAction<E, ChannelOutput<C>>) => S;
  readonly initial: S;
}

export interface OperationStart<K extends ChannelName, A> {
  /** The reducer's own start action, dispatched before the call goes out. */
  readonly started: A;
  readonly input: ChannelInput<K>;
}

export interface OperationRun<C extends ChannelName, S, A> {
  readonly state: S;
  readonly dispatch: (action: A) => void;
  /** Cancels the previous run, then calls `channel` with a fresh operationId. */
  readonly start: <K extends C>(channel: K, prepare: (operationId: string) => OperationStart<K, A>) => void;
  readonly cancel: () => void;
}

function cancelOperation(api: RelayproofApi, operationId: string): void {
  void api.invoke('app:cancel-operation', { operationId }).catch(() => undefined);
}

/**
 * Runs a long operation outside react-query and folds its streamed events into a
 * reducer. The event subscription lives as long as the view, so the stream is open
 * before the call starts; leaving the view cancels a run nobody will look at.
 */
export function useOperationRun<C extends ChannelName, E, S, A>(options: OperationRunOptions<C, E, S, A>): OperationRun<C, S, A> {
  const { channels, idPrefix, isEvent, reducer, initial } = options;
  const { api } = useApiClient();
  const [state, dispatch] = useReducer(reducer, initial);
  const current = useRef<string | null>(null);

  useEffect(
    () =>
      api.onEvent((envelope) => {
        if (!channels.some((channel) => channel === envelope.channel) || !isEvent(envelope.event)) return;
        dispatch({ type: 'event', operationId: envelope.operationId, event: envelope.event });
      }),
    [api, channels, isEvent],
  );

  useEffect(
    () => () => {
      const operationId = current.current;
      if (operationId !== null) cancelOperation(api, operationId);
    },
    [api],
  );

  const start = useCallback(
    <K extends C>(channel: K, prepare: (operationId: string) => OperationStart<K, A>) => {
      const previous = current.current;
      if (previous !== null) cancelOperation(api, previous);
      const operationId = `${idPrefix}-${crypto.randomUUID()}`;
      current.current = operationId;
      const { started, input } = prepare(operationId);
      dispatch(started);
      callChannel(api, channel, input)
        .then(
          (report) => dispatch({ type: 'finished', operationId, report }),
          (error: unknown) => dispatch({ type: 'failed', operationId, error: toChannelError(error).appError }),
        )
        .finally(() => {
          if (current.current === operationId) current.current = null;
        });
    },
    [api, idPrefix],
  );

  const cancel = useCallback(() => {
    const operationId = current.current;
    if (operationId === null) return;
    dispatch({ type: 'cancel-requested', operationId });
    cancelOperation(api, operationId);
  }, [api]);

  return { state, dispatch, start, cancel };
}

import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { PhaseEvent } from '../../../../src-main/smtp/schemas';
import { useApiClient } from '../../api/api-context';
import { toChannelError } from '../../api/channel-error';
import { callChannel } from '../../api/hooks';
import type { OneTimeSecret } from '../addresses/one-time-secret';
import { idleRun, runReducer, type RunState } from './connection-run';
import type { ConnectionRequest } from './connection-draft';

const CHANNELS: ReadonlySet<string> = new Set(['smtp:test-connection', 'smtp:send-test-message']);

export interface ConnectionRun {
  readonly state: RunState;
  /** The secret travels in a holder that is emptied when the call is sent. */
  readonly start: (request: ConnectionRequest, send: boolean, secret: OneTimeSecret | undefined) => void;
  readonly cancel: () => void;
  readonly reset: () => void;
}

function isPhaseEvent(value: unknown): value is PhaseEvent {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'phase-started' || type === 'phase-finished';
}

/**
 * Runs `smtp:test-connection` (or `smtp:send-test-message`) outside react-query: its
 * cache would keep the call's variables, and those carry the secret. Phase events are
 * folded into the run state as they arrive; the subscription lives as long as the
 * panel, so the stream is open before Run.
 */
export function useConnectionRun(): ConnectionRun {
  const { api } = useApiClient();
  const [state, dispatch] = useReducer(runReducer, idleRun);
  const current = useRef<string | null>(null);

  useEffect(
    () =>
      api.onEvent((envelope) => {
        if (!CHANNELS.has(envelope.channel) || !isPhaseEvent(envelope.event)) return;
        dispatch({ type: 'event', operationId: envelope.operationId, event: envelope.event });
      }),
    [api],
  );

  // Leaving the view stops a test nobody will look at.
  useEffect(
    () => () => {
      const operationId = current.current;
      if (operationId !== null) void api.invoke('app:cancel-operation', { operationId }).catch(() => undefined);
    },
    [api],
  );

  const start = useCallback(
    (request: ConnectionRequest, send: boolean, secret: OneTimeSecret | undefined) => {
      const previous = current.current;
      if (previous !== null) void api.invoke('app:cancel-operation', { operationId: previous }).catch(() => undefined);
      const operationId = `conn-${crypto.randomUUID()}`;
      current.current = operationId;
      dispatch({
        type: 'start',
        operationId,
        target: { host: request.host, port: request.port, security: request.security, send },
      });
      const value = secret?.take();
      const input = { ...request, operationId, ...(value === undefined ? {} : { secret: value }) };
      const channel = send ? 'smtp:send-test-message' : 'smtp:test-connection';
      callChannel(api, channel, input)
        .then(
          (report) => dispatch({ type: 'finished', operationId, report }),
          (error: unknown) => dispatch({ type: 'failed', operationId, error: toChannelError(error).appError }),
        )
        .finally(() => {
          if (current.current === operationId) current.current = null;
        });
    },
    [api],
  );

  const cancel = useCallback(() => {
    const operationId = current.current;
    if (operationId === null) return;
    dispatch({ type: 'cancel-requested', operationId });
    void api.invoke('app:cancel-operation', { operationId }).catch(() => undefined);
  }, [api]);

  const reset = useCallback(() => dispatch({ type: 'reset' }), []);

  return { state, start, cancel, reset };
}

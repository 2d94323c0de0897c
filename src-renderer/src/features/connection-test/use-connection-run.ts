import { useCallback } from 'react';
import type { PhaseEvent } from '../../../../src-preload/contract/smtp-schemas';
import { useOperationRun } from '../../api/use-operation-run';
import type { OneTimeSecret } from '../addresses/one-time-secret';
import { idleRun, runReducer, type RunState } from './connection-run';
import type { ConnectionRequest } from './connection-draft';

const CHANNELS = ['smtp:test-connection', 'smtp:send-test-message'] as const;

export interface ConnectionRun {
  readonly state: RunState;
  /** The secret travels in a holder that is emptied when the call is sent. */
  readonly start: (request: ConnectionRequest, send: boolean, secret: OneTimeSecret | undefined) => void;
  readonly cancel: () => void;
  readonly reset: () => void;
}

export function isPhaseEvent(value: unknown): value is PhaseEvent {
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
  const run = useOperationRun({
    channels: CHANNELS,
    idPrefix: 'conn',
    isEvent: isPhaseEvent,
    reducer: runReducer,
    initial: idleRun,
  });
  const { start: startOperation, dispatch } = run;
  const start = useCallback(
    (request: ConnectionRequest, send: boolean, secret: OneTimeSecret | undefined) =>
      startOperation(send ? 'smtp:send-test-message' : 'smtp:test-connection', (operationId) => {
        const value = secret?.take();
        return {
          started: { type: 'start', operationId, target: { host: request.host, port: request.port, security: request.security, send } },
          input: { ...request, operationId, ...(value === undefined ? {} : { secret: value }) },
        };
      }),
    [startOperation],
  );
  const reset = useCallback(() => dispatch({ type: 'reset' }), [dispatch]);
  return { state: run.state, start, cancel: run.cancel, reset };
}

import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect } from 'react';
import type { AddressView } from '../../../../src-preload/contract';
import { channelKey } from '../../api/hooks';
import { useOperationRun } from '../../api/use-operation-run';
import { isPhaseEvent } from '../connection-test/use-connection-run';
import type { OneTimeSecret } from './one-time-secret';
import { idleRotation, rotationReducer, type RotationState } from './rotation-run';

const CHANNELS = ['addresses:rotate-secret'] as const;

export interface RotationRun {
  readonly state: RotationState;
  /** The secret travels in a holder that is emptied when the call is sent. */
  readonly start: (address: AddressView, secret: OneTimeSecret) => void;
  readonly cancel: () => void;
}

/**
 * Runs `addresses:rotate-secret` outside react-query (its cache would keep the call's
 * variables, and those carry the secret), folding the test's phase events into the
 * dialog's state; the list and history are refreshed once main has answered.
 */
export function useRotationRun(): RotationRun {
  const queryClient = useQueryClient();
  const run = useOperationRun({
    channels: CHANNELS,
    idPrefix: 'rotate',
    isEvent: isPhaseEvent,
    reducer: rotationReducer,
    initial: idleRotation,
  });
  const answered = run.state.run.phase !== 'idle' && run.state.run.phase !== 'running';
  useEffect(() => {
    if (!answered) return;
    void queryClient.invalidateQueries({ queryKey: channelKey('addresses:list') });
    void queryClient.invalidateQueries({ queryKey: channelKey('addresses:events') });
  }, [answered, queryClient]);

  const { start: startOperation } = run;
  const start = useCallback(
    (address: AddressView, secret: OneTimeSecret) =>
      startOperation('addresses:rotate-secret', (operationId) => ({
        started: { type: 'start', operationId, target: { host: address.host, port: address.port, security: address.security, send: false } },
        input: { operationId, id: address.id, secret: secret.take() ?? '' },
      })),
    [startOperation],
  );
  return { state: run.state, start, cancel: run.cancel };
}

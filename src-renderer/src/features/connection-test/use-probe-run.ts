import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { ProbeEvent } from '../../../../src-main/smtp/schemas';
import { useApiClient } from '../../api/api-context';
import { toChannelError } from '../../api/channel-error';
import { callChannel } from '../../api/hooks';
import { idleProbe, probeReducer, type ProbeState } from './probe-run';

const CHANNEL = 'smtp:probe';

export interface ProbeRun {
  readonly state: ProbeState;
  readonly start: (host: string, ports: readonly number[], ehloName: string | undefined) => void;
  readonly cancel: () => void;
}

function isProbeEvent(value: unknown): value is ProbeEvent {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'probe-result';
}

/** Runs `smtp:probe`, showing each port's answer as it arrives. */
export function useProbeRun(): ProbeRun {
  const { api } = useApiClient();
  const [state, dispatch] = useReducer(probeReducer, idleProbe);
  const current = useRef<string | null>(null);

  useEffect(
    () =>
      api.onEvent((envelope) => {
        if (envelope.channel !== CHANNEL || !isProbeEvent(envelope.event)) return;
        dispatch({ type: 'event', operationId: envelope.operationId, event: envelope.event });
      }),
    [api],
  );

  useEffect(
    () => () => {
      const operationId = current.current;
      if (operationId !== null) void api.invoke('app:cancel-operation', { operationId }).catch(() => undefined);
    },
    [api],
  );

  const start = useCallback(
    (host: string, ports: readonly number[], ehloName: string | undefined) => {
      const previous = current.current;
      if (previous !== null) void api.invoke('app:cancel-operation', { operationId: previous }).catch(() => undefined);
      const operationId = `probe-${crypto.randomUUID()}`;
      current.current = operationId;
      dispatch({ type: 'start', operationId, host, ports });
      callChannel(api, CHANNEL, { operationId, host, ports: [...ports], ...(ehloName !== undefined ? { ehloName } : {}) })
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

  return { state, start, cancel };
}

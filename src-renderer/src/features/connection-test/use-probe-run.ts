import { useCallback } from 'react';
import type { ProbeEvent } from '../../../../src-preload/contract/smtp-schemas';
import { useOperationRun } from '../../api/use-operation-run';
import { idleProbe, probeReducer, type ProbeState } from './probe-run';

const CHANNELS = ['smtp:probe'] as const;

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
  const run = useOperationRun({
    channels: CHANNELS,
    idPrefix: 'probe',
    isEvent: isProbeEvent,
    reducer: probeReducer,
    initial: idleProbe,
  });
  const { start: startOperation } = run;
  const start = useCallback(
    (host: string, ports: readonly number[], ehloName: string | undefined) =>
      startOperation('smtp:probe', (operationId) => ({
        started: { type: 'start', operationId, host, ports },
        input: { operationId, host, ports: [...ports], ...(ehloName !== undefined ? { ehloName } : {}) },
      })),
    [startOperation],
  );
  return { state: run.state, start, cancel: run.cancel };
}

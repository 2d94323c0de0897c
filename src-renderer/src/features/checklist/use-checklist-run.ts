import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { ChecklistEvent } from '../../../../src-main/checks/schemas';
import { useApiClient } from '../../api/api-context';
import { callChannel } from '../../api/hooks';
import { toChannelError } from '../../api/channel-error';
import { idleRun, runReducer, type ChecklistRequest, type RunState } from './checklist-run';

const CHANNEL = 'checks:run-checklist';

export interface ChecklistRun {
  readonly state: RunState;
  readonly start: (request: ChecklistRequest) => void;
  readonly cancel: () => void;
}

function newOperationId(): string {
  return `checklist-${crypto.randomUUID()}`;
}

function isChecklistEvent(value: unknown): value is ChecklistEvent {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'planned' || type === 'item';
}

/**
 * Runs `checks:run-checklist` and folds its streamed events into the run state. The
 * event subscription lives as long as the view, so the stream is open before Run.
 */
export function useChecklistRun(): ChecklistRun {
  const { api } = useApiClient();
  const [state, dispatch] = useReducer(runReducer, idleRun);
  const current = useRef<string | null>(null);

  useEffect(
    () =>
      api.onEvent((envelope) => {
        if (envelope.channel !== CHANNEL || !isChecklistEvent(envelope.event)) return;
        dispatch({ type: 'event', operationId: envelope.operationId, event: envelope.event });
      }),
    [api],
  );

  // Leaving the view stops a run nobody will look at.
  useEffect(
    () => () => {
      const operationId = current.current;
      if (operationId !== null) void api.invoke('app:cancel-operation', { operationId }).catch(() => undefined);
    },
    [api],
  );

  const start = useCallback(
    (request: ChecklistRequest) => {
      const previous = current.current;
      if (previous !== null) void api.invoke('app:cancel-operation', { operationId: previous }).catch(() => undefined);
      const operationId = newOperationId();
      current.current = operationId;
      dispatch({ type: 'start', operationId, request });
      callChannel(api, CHANNEL, { ...request, operationId }).then(
        (report) => dispatch({ type: 'finished', operationId, report }),
        (error: unknown) => dispatch({ type: 'failed', operationId, error: toChannelError(error).appError }),
      ).finally(() => {
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

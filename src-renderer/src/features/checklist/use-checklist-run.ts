import { useCallback } from 'react';
import type { ChecklistEvent } from '../../../../src-preload/contract/checks-schemas';
import { useOperationRun } from '../../api/use-operation-run';
import { idleRun, runReducer, type ChecklistRequest, type RunState } from './checklist-run';

const CHANNELS = ['checks:run-checklist'] as const;

export interface ChecklistRun {
  readonly state: RunState;
  readonly start: (request: ChecklistRequest) => void;
  readonly cancel: () => void;
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
  const run = useOperationRun({
    channels: CHANNELS,
    idPrefix: 'checklist',
    isEvent: isChecklistEvent,
    reducer: runReducer,
    initial: idleRun,
  });
  const { start: startOperation } = run;
  const start = useCallback(
    (request: ChecklistRequest) =>
      startOperation('checks:run-checklist', (operationId) => ({
        started: { type: 'start', operationId, request },
        input: { ...request, operationId },
      })),
    [startOperation],
  );
  return { state: run.state, start, cancel: run.cancel };
}

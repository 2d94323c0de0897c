import { useCallback } from 'react';
import type { ChecklistEvent } from '../../../../src-preload/contract/checks-schemas';
import { useOperationRun } from '../../api/use-operation-run';
import { idleRun, runReducer, type AddressRunRequest, type ChecklistRequest, type RunState } from './checklist-run';

// Both stream the same checklist events; one subscription serves either kind of run.
const CHANNELS = ['checks:run-checklist', 'checks:run-for-address'] as const;

export interface ChecklistRun {
  readonly state: RunState;
  /** The checklist of what a form says (`checks:run-checklist`). */
  readonly start: (request: ChecklistRequest) => void;
  /** A saved address's checklist, its input built by main (`checks:run-for-address`). */
  readonly startForAddress: (request: AddressRunRequest) => void;
  readonly cancel: () => void;
}

function isChecklistEvent(value: unknown): value is ChecklistEvent {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'planned' || type === 'item';
}

/**
 * Runs the checklist and folds its streamed events into the run state. The event
 * subscription lives as long as the view, so the stream is open before Run.
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
    (input: ChecklistRequest) =>
      startOperation('checks:run-checklist', (operationId) => ({
        started: { type: 'start', operationId, request: { kind: 'form', input } },
        input: { ...input, operationId },
      })),
    [startOperation],
  );
  const startForAddress = useCallback(
    (request: AddressRunRequest) =>
      startOperation('checks:run-for-address', (operationId) => ({
        started: { type: 'start', operationId, request: { kind: 'address', ...request } },
        input: { addressId: request.addressId, from: request.from, operationId },
      })),
    [startOperation],
  );
  return { state: run.state, start, startForAddress, cancel: run.cancel };
}

/**
 * One rotation as the dialog sees it: the connection test of the NEW secret, streamed
 * phase by phase (the connection test's own run reducer), and main's answer on whether
 * the secret was replaced. Nothing here holds the secret.
 */
import type { AppError, RotationResult } from '../../../../src-preload/contract';
import type { PhaseEvent } from '../../../../src-preload/contract/smtp-schemas';
import { idleRun, runReducer, type RunAction, type RunState, type RunTarget } from '../connection-test/connection-run';

export interface RotationState {
  readonly run: RunState;
  /** Main's answer; null until it arrives. */
  readonly result: RotationResult | null;
}

export type RotationAction =
  | { readonly type: 'start'; readonly operationId: string; readonly target: RunTarget }
  | { readonly type: 'event'; readonly operationId: string; readonly event: PhaseEvent }
  | { readonly type: 'cancel-requested'; readonly operationId: string }
  | { readonly type: 'finished'; readonly operationId: string; readonly report: RotationResult }
  | { readonly type: 'failed'; readonly operationId: string; readonly error: AppError };

export const idleRotation: RotationState = { run: idleRun, result: null };

export function rotationReducer(state: RotationState, action: RotationAction): RotationState {
  switch (action.type) {
    case 'start':
      return { run: runReducer(state.run, action), result: null };
    case 'finished': {
      const run = runReducer(state.run, { type: 'finished', operationId: action.operationId, report: action.report.report });
      // An answer about an earlier run leaves the run unchanged: ignore it here too.
      return run === state.run ? state : { run, result: action.report };
    }
    default:
      return { ...state, run: runReducer(state.run, action satisfies RunAction) };
  }
}

export type RotationOutcome =
  | { readonly kind: 'idle' }
  | { readonly kind: 'testing' }
  | { readonly kind: 'rotated'; readonly changedAt: string | null }
  /** The new secret failed its test (or was not stored): the old one is untouched. */
  | { readonly kind: 'kept-old' }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'error'; readonly error: AppError };

export function outcomeOf(state: RotationState): RotationOutcome {
  const { run, result } = state;
  switch (run.phase) {
    case 'idle':
      return { kind: 'idle' };
    case 'running':
      return { kind: 'testing' };
    case 'cancelled':
      return { kind: 'cancelled' };
    case 'failed':
      return { kind: 'error', error: run.error };
    case 'done':
      return result?.rotated === true ? { kind: 'rotated', changedAt: result.changedAt } : { kind: 'kept-old' };
  }
}

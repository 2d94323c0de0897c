/**
 * The delegated sign-in by device code as the OAuth tab sees it: waiting for the code,
 * showing it while the admin signs in elsewhere, then the token's explanation. A
 * reducer over the operation's events; nothing here ever holds the token.
 */
import type { AppError, DeviceCodeEvent } from '../../../../src-preload/contract';
import type { DeviceCodePrompt, TokenOutcome } from '../../../../src-preload/contract/m365-schemas';
import type { OperationAction } from '../../api/use-operation-run';

export type DeviceCodeState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'waiting'; readonly operationId: string; readonly prompt: DeviceCodePrompt | null; readonly cancelling: boolean }
  | { readonly phase: 'done'; readonly operationId: string; readonly outcome: TokenOutcome }
  | { readonly phase: 'failed'; readonly operationId: string; readonly error: AppError };

export type DeviceCodeAction = { readonly type: 'start'; readonly operationId: string } | OperationAction<DeviceCodeEvent, TokenOutcome>;

export const idleDeviceCode: DeviceCodeState = { phase: 'idle' };

export function isDeviceCodeEvent(value: unknown): value is DeviceCodeEvent {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'device-code';
}

export function deviceCodeReducer(state: DeviceCodeState, action: DeviceCodeAction): DeviceCodeState {
  if (action.type === 'start') return { phase: 'waiting', operationId: action.operationId, prompt: null, cancelling: false };
  // Anything about an earlier sign-in is not about this one.
  if (state.phase === 'idle' || state.operationId !== action.operationId) return state;
  switch (action.type) {
    case 'event':
      return state.phase === 'waiting' ? { ...state, prompt: action.event.prompt } : state;
    case 'cancel-requested':
      return state.phase === 'waiting' ? { ...state, cancelling: true } : state;
    case 'finished':
      return { phase: 'done', operationId: action.operationId, outcome: action.report };
    case 'failed':
      return { phase: 'failed', operationId: action.operationId, error: action.error };
  }
}

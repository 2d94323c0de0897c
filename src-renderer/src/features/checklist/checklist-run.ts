/**
 * One checklist run as the view sees it: the plan, the items as they stream in, and
 * how the run ended. A reducer, so the order in which events, the final report and a
 * cancel arrive (they travel on different connections in browser mode) is handled in
 * one place and tested on its own.
 */
import type { AppError, ChannelInput, PlatformId } from '../../../../src-preload/contract';
import type { CheckItem, ChecklistEvent, ChecklistReport } from '../../../../src-preload/contract/checks-schemas';
import type { ResolverDescription } from '../../../../src-preload/contract/dns-schemas';
import { GENERIC_PLATFORM_ID } from '../../../../src-preload/contract/platform-vocabulary';
import { verdictOf, type RunVerdict } from '../../../../src-preload/contract/checklist-verdict';
import { countOf, partOf } from '../../../../src-preload/contract/plural';

/** The checklist input without the operation id (what Re-run sends again). */
export type ChecklistRequest = Omit<ChannelInput<'checks:run-checklist'>, 'operationId'>;

/**
 * A saved address's checklist (`checks:run-for-address`): main builds the input from the
 * address, so the verdict is the one the wizard and the status show. The domain and
 * platform are here only to title the results before the report arrives.
 */
export interface AddressRunRequest {
  readonly addressId: string;
  readonly address: string;
  readonly domain: string;
  readonly platform: PlatformId;
  readonly from: ChannelInput<'checks:run-for-address'>['from'];
}

/** What a run checks: what the form says, or a saved address as Relayproof knows it. */
export type RunRequest = { readonly kind: 'form'; readonly input: ChecklistRequest } | ({ readonly kind: 'address' } & AddressRunRequest);

export function requestDomain(request: RunRequest): string {
  return request.kind === 'form' ? request.input.domain : request.domain;
}

export function requestPlatform(request: RunRequest): PlatformId {
  return request.kind === 'form' ? (request.input.platform ?? GENERIC_PLATFORM_ID) : request.platform;
}

interface RunBase {
  readonly operationId: string;
  readonly request: RunRequest;
  /** Ids in the order the checklist planned them; null until the plan arrives. */
  readonly planned: readonly string[] | null;
  readonly resolver: ResolverDescription | null;
  /** Finished items by id; ids not in here are still running. */
  readonly items: Readonly<Record<string, CheckItem>>;
}

export type RunState =
  | { readonly phase: 'idle' }
  | (RunBase & { readonly phase: 'running'; readonly cancelling: boolean })
  | (RunBase & { readonly phase: 'done'; readonly report: ChecklistReport })
  | (RunBase & { readonly phase: 'cancelled' })
  | (RunBase & { readonly phase: 'failed'; readonly error: AppError });

export type RunAction =
  | { readonly type: 'start'; readonly operationId: string; readonly request: RunRequest }
  | { readonly type: 'event'; readonly operationId: string; readonly event: ChecklistEvent }
  | { readonly type: 'cancel-requested'; readonly operationId: string }
  | { readonly type: 'finished'; readonly operationId: string; readonly report: ChecklistReport }
  | { readonly type: 'failed'; readonly operationId: string; readonly error: AppError };

export const idleRun: RunState = { phase: 'idle' };

export function runReducer(state: RunState, action: RunAction): RunState {
  if (action.type === 'start') {
    return { phase: 'running', operationId: action.operationId, request: action.request, planned: null, resolver: null, items: {}, cancelling: false };
  }
  // Anything about an earlier run (a late event, a slow answer) is not about this one.
  if (state.phase === 'idle' || state.operationId !== action.operationId) return state;
  switch (action.type) {
    case 'event':
      return applyEvent(state, action.event);
    case 'cancel-requested':
      return state.phase === 'running' ? { ...state, cancelling: true } : state;
    case 'finished': {
      // The report is the whole truth: it replaces whatever the stream delivered.
      const items: Record<string, CheckItem> = {};
      for (const item of action.report.items) items[item.id] = item;
      return { ...base(state), phase: 'done', planned: action.report.items.map((i) => i.id), resolver: action.report.resolver, items, report: action.report };
    }
    case 'failed':
      if (action.error.code === 'cancelled') return { ...base(state), phase: 'cancelled' };
      return { ...base(state), phase: 'failed', error: action.error };
  }
}

function applyEvent(state: Exclude<RunState, { phase: 'idle' }>, event: ChecklistEvent): RunState {
  switch (event.type) {
    case 'planned':
      // A plan after the report would reorder a finished list; the report already has it.
      return state.phase === 'done' ? state : { ...state, planned: event.ids, resolver: event.resolver };
    case 'item':
      if (state.phase === 'done') return state;
      return { ...state, items: { ...state.items, [event.item.id]: event.item } };
  }
}

function base(state: Exclude<RunState, { phase: 'idle' }>): RunBase {
  return { operationId: state.operationId, request: state.request, planned: state.planned, resolver: state.resolver, items: state.items };
}

/** Finished items in plan order (items that arrived before the plan come last). */
export function orderedItems(state: RunState): CheckItem[] {
  if (state.phase === 'idle') return [];
  const order = state.planned ?? [];
  const byPlan = order.flatMap((id) => {
    const item = state.items[id];
    return item === undefined ? [] : [item];
  });
  const extra = Object.values(state.items).filter((item) => !order.includes(item.id));
  return [...byPlan, ...extra];
}

/** Planned ids without an item yet. */
export function waitingIds(state: RunState): string[] {
  if (state.phase === 'idle' || state.planned === null) return [];
  return state.planned.filter((id) => state.items[id] === undefined);
}

export interface RunProgress {
  readonly done: number;
  /** null while the plan is unknown. */
  readonly total: number | null;
}

export function progressOf(state: RunState): RunProgress {
  if (state.phase === 'idle') return { done: 0, total: null };
  const done = Object.keys(state.items).length;
  return { done, total: state.planned === null ? null : Math.max(state.planned.length, done) };
}

/** The sentence the live region announces: short, and only when something changed. */
export function progressMessage(state: RunState): string {
  const { done, total } = progressOf(state);
  const of = total === null ? countOf(done, 'check') : partOf(done, total, 'check');
  switch (state.phase) {
    case 'idle':
      return '';
    case 'running':
      if (state.cancelling) return `Cancelling… ${of} done.`;
      return total === null ? 'Starting the checks…' : `${of} done.`;
    case 'done':
      return `Checklist finished: ${verdictOf(state.report).sentence}`;
    case 'cancelled':
      return `Cancelled after ${of}.`;
    case 'failed':
      return `The checklist stopped: ${state.error.message}`;
  }
}

// One wording of a run's verdict for the app and the CLI (relayproof check).
export { verdictOf, type RunVerdict };

/**
 * One connection test as the panel sees it: the phases as they stream in, and how the
 * run ended. A reducer, so the order in which events, the final report and a cancel
 * arrive (different connections in browser mode) is handled in one place and tested.
 * Nothing here ever holds the secret.
 */
import type { AppError } from '../../../../src-preload/contract';
import type { ConnectionReport, PhaseEvent, PhaseName, PhaseRecord, SmtpSecurity } from '../../../../src-preload/contract/smtp-schemas';
import { outcomeWords, phaseLabels, plannedPhases, type RowState } from './phase-labels';

/** What a run is about, for the timeline's order and the headings. */
export interface RunTarget {
  readonly host: string;
  readonly port: number;
  readonly security: SmtpSecurity;
  readonly send: boolean;
}

interface RunBase {
  readonly operationId: string;
  readonly target: RunTarget;
  /** When each phase started (from `phase-started`). */
  readonly started: Readonly<Partial<Record<PhaseName, string>>>;
  /** Finished phases (from `phase-finished`). */
  readonly finished: Readonly<Partial<Record<PhaseName, PhaseRecord>>>;
  /** The phase that finished last, for the announcement. */
  readonly lastFinished: PhaseName | null;
}

export type RunState =
  | { readonly phase: 'idle' }
  | (RunBase & { readonly phase: 'running'; readonly cancelling: boolean })
  | (RunBase & { readonly phase: 'done'; readonly report: ConnectionReport })
  | (RunBase & { readonly phase: 'cancelled' })
  | (RunBase & { readonly phase: 'failed'; readonly error: AppError });

export type RunAction =
  | { readonly type: 'start'; readonly operationId: string; readonly target: RunTarget }
  | { readonly type: 'event'; readonly operationId: string; readonly event: PhaseEvent }
  | { readonly type: 'cancel-requested'; readonly operationId: string }
  | { readonly type: 'finished'; readonly operationId: string; readonly report: ConnectionReport }
  | { readonly type: 'failed'; readonly operationId: string; readonly error: AppError }
  | { readonly type: 'reset' };

export const idleRun: RunState = { phase: 'idle' };

export function runReducer(state: RunState, action: RunAction): RunState {
  if (action.type === 'start') {
    return { phase: 'running', operationId: action.operationId, target: action.target, started: {}, finished: {}, lastFinished: null, cancelling: false };
  }
  if (action.type === 'reset') return idleRun;
  // Anything about an earlier run (a late event, a slow answer) is not about this one.
  if (state.phase === 'idle' || state.operationId !== action.operationId) return state;
  switch (action.type) {
    case 'event':
      // After the report, the report is the whole truth; a late event changes nothing.
      return state.phase === 'running' ? applyEvent(state, action.event) : state;
    case 'cancel-requested':
      return state.phase === 'running' ? { ...state, cancelling: true } : state;
    case 'finished': {
      const finished: Partial<Record<PhaseName, PhaseRecord>> = {};
      for (const record of action.report.phases) finished[record.name] = record;
      return { ...base(state), finished, phase: 'done', report: action.report };
    }
    case 'failed':
      if (action.error.code === 'cancelled') return { ...base(state), phase: 'cancelled' };
      return { ...base(state), phase: 'failed', error: action.error };
  }
}

function applyEvent(state: Extract<RunState, { phase: 'running' }>, event: PhaseEvent): RunState {
  switch (event.type) {
    case 'phase-started':
      return { ...state, started: { ...state.started, [event.name]: event.at } };
    case 'phase-finished':
      return { ...state, finished: { ...state.finished, [event.phase.name]: event.phase }, lastFinished: event.phase.name };
  }
}

function base(state: Exclude<RunState, { phase: 'idle' }>): RunBase {
  return { operationId: state.operationId, target: state.target, started: state.started, finished: state.finished, lastFinished: state.lastFinished };
}

export interface TimelineRow {
  readonly name: PhaseName;
  readonly state: RowState;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly ms: number | null;
  readonly detail: string;
}

/** Every phase in run order: finished ones with their outcome, the rest running or waiting. */
export function timelineOf(state: RunState): TimelineRow[] {
  if (state.phase === 'idle') return [];
  if (state.phase === 'done') return state.report.phases.map(rowOfRecord);
  return plannedPhases(state.target.security).map((name): TimelineRow => {
    const record = state.finished[name];
    if (record !== undefined) return rowOfRecord(record);
    const startedAt = state.started[name] ?? null;
    const stillGoing = state.phase === 'running';
    return {
      name,
      state: startedAt === null ? (stillGoing ? 'waiting' : 'stopped') : stillGoing ? 'running' : 'stopped',
      startedAt,
      endedAt: null,
      ms: null,
      detail: startedAt === null ? (stillGoing ? 'Waiting.' : 'Not run.') : stillGoing ? 'Running…' : 'Stopped before it finished.',
    };
  });
}

function rowOfRecord(record: PhaseRecord): TimelineRow {
  return { name: record.name, state: record.outcome, startedAt: record.startedAt, endedAt: record.endedAt, ms: record.ms, detail: record.detail };
}

/** The sentence the live region announces: the last phase result, then the verdict. */
export function announcementOf(state: RunState): string {
  switch (state.phase) {
    case 'idle':
      return '';
    case 'running': {
      if (state.cancelling) return 'Cancelling the test…';
      const last = state.lastFinished === null ? undefined : state.finished[state.lastFinished];
      if (last === undefined) return `Testing ${state.target.host} port ${state.target.port}…`;
      return `${phaseLabels[last.name]} ${outcomeWords[last.outcome]}${last.ms === null ? '' : ` in ${last.ms} ms`}.`;
    }
    case 'done':
      return verdictOf(state.report);
    case 'cancelled':
      return 'The test was cancelled.';
    case 'failed':
      return `The test could not run: ${state.error.message}`;
  }
}

/** One sentence on the whole report. */
export function verdictOf(report: ConnectionReport): string {
  const what = report.testSend?.accepted === true ? 'and the test message was accepted' : '';
  switch (report.outcome) {
    case 'pass':
      return `Connection test passed: every phase passed ${what === '' ? '' : `${what} `}in ${Math.round(report.ms)} ms.`;
    case 'warn':
      return `Connection test passed with warnings ${what === '' ? '' : `${what} `}in ${Math.round(report.ms)} ms.`;
    case 'fail': {
      const failure = report.failure;
      return failure === null ? 'Connection test failed.' : `Connection test failed at ${phaseLabels[failure.phase]}: ${failure.message}`;
    }
  }
}

/**
 * One port probe: results stream in per port and mode, then the report (with the
 * recommendation) replaces them. Same shape as the connection run, much smaller.
 */
import type { AppError } from '../../../../src-preload/contract';
import type { ProbeEvent, ProbeReport, ProbeResult } from '../../../../src-preload/contract/smtp-schemas';
import { defaultProbePorts } from './probe-ports';

export type ProbeState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'running'; readonly operationId: string; readonly host: string; readonly ports: readonly number[]; readonly results: readonly ProbeResult[]; readonly cancelling: boolean }
  | { readonly phase: 'done'; readonly operationId: string; readonly host: string; readonly report: ProbeReport }
  | { readonly phase: 'cancelled'; readonly operationId: string; readonly host: string; readonly results: readonly ProbeResult[] }
  | { readonly phase: 'failed'; readonly operationId: string; readonly host: string; readonly error: AppError };

export type ProbeAction =
  | { readonly type: 'start'; readonly operationId: string; readonly host: string; readonly ports: readonly number[] }
  | { readonly type: 'event'; readonly operationId: string; readonly event: ProbeEvent }
  | { readonly type: 'cancel-requested'; readonly operationId: string }
  | { readonly type: 'finished'; readonly operationId: string; readonly report: ProbeReport }
  | { readonly type: 'failed'; readonly operationId: string; readonly error: AppError };

export const idleProbe: ProbeState = { phase: 'idle' };

export function probeReducer(state: ProbeState, action: ProbeAction): ProbeState {
  if (action.type === 'start') return { phase: 'running', operationId: action.operationId, host: action.host, ports: action.ports, results: [], cancelling: false };
  if (state.phase === 'idle' || state.operationId !== action.operationId) return state;
  switch (action.type) {
    case 'event':
      return state.phase === 'running' ? { ...state, results: [...state.results, action.event.result] } : state;
    case 'cancel-requested':
      return state.phase === 'running' ? { ...state, cancelling: true } : state;
    case 'finished':
      return { phase: 'done', operationId: state.operationId, host: state.host, report: action.report };
    case 'failed':
      if (action.error.code === 'cancelled') {
        return { phase: 'cancelled', operationId: state.operationId, host: state.host, results: state.phase === 'running' ? state.results : [] };
      }
      return { phase: 'failed', operationId: state.operationId, host: state.host, error: action.error };
  }
}

/** Results by port, implicit TLS before STARTTLS, whatever order they arrived in. */
export function sortedResults(results: readonly ProbeResult[]): ProbeResult[] {
  return [...results].sort((a, b) => a.port - b.port || (a.mode === b.mode ? 0 : a.mode === 'tls' ? -1 : 1));
}

export type ProbePorts = { readonly ok: true; readonly ports: number[] } | { readonly ok: false; readonly error: string };

/**
 * The ports typed for the probe (commas or spaces between them), else the usual
 * submission ports; plus the one in the form when it is another.
 */
export function portsToProbe(formPort: string, typed = ''): ProbePorts {
  const entries = typed.split(/[\s,;]+/u).filter((s) => s !== '');
  if (entries.some((s) => !/^\d{1,5}$/u.test(s) || Number(s) < 1 || Number(s) > 65535)) {
    return { ok: false, error: 'Enter ports as numbers from 1 to 65535, separated by commas, such as 587, 2525.' };
  }
  const ports: number[] = entries.length === 0 ? [...defaultProbePorts] : [...new Set(entries.map(Number))];
  const port = Number(formPort.trim());
  if (Number.isInteger(port) && port >= 1 && port <= 65535 && !ports.includes(port)) ports.push(port);
  return { ok: true, ports };
}

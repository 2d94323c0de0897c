import { describe, expect, it } from 'vitest';
import type { CheckItem, ChecklistReport } from '../../../../src-preload/contract/checks-schemas';
import { idleRun, orderedItems, progressMessage, runReducer, waitingIds, type RunAction, type RunState } from './checklist-run';

const resolver = { kind: 'explicit' as const, servers: ['127.0.0.1:5301'], timeoutMs: 2500, retries: 1 };

function item(id: string, status: CheckItem['status'] = 'pass'): CheckItem {
  return {
    id,
    kind: 'mx',
    title: id,
    importance: 'required',
    required: true,
    requirement: { level: 'required', route: 'connector', why: '' },
    status,
    summary: `${id} ${status}`,
    findings: [],
    evidence: { queries: [], records: [], resolver, ttl: null, details: { kind: 'mx', nullMx: false, hosts: [] } },
    references: [],
    durationMs: 1,
  };
}

function report(items: CheckItem[]): ChecklistReport {
  const counts = { pass: 0, warn: 0, fail: 0, pending: 0, error: 0, 'needs-input': 0, 'not-needed': 0 };
  for (const i of items) counts[i.status] += 1;
  const at = '2026-11-23T10:00:00.000Z';
  return { domain: 'example.com', platform: 'generic', route: 'connector', ok: true, blocking: [], startedAt: at, finishedAt: at, durationMs: 5, resolver, items, counts, records: [], zoneFile: '', queries: 3 };
}

const run = (actions: RunAction[], from: RunState = idleRun) => actions.reduce(runReducer, from);
const start: RunAction = { type: 'start', operationId: 'op-00001', request: { domain: 'example.com' } };
const planned: RunAction = { type: 'event', operationId: 'op-00001', event: { type: 'planned', ids: ['spf', 'dmarc', 'mx'], resolver } };

describe('checklist run', () => {
  it('counts streamed items against the plan and lists the ones still running', () => {
    const state = run([start, planned, { type: 'event', operationId: 'op-00001', event: { type: 'item', item: item('mx', 'fail') } }]);
    expect(progressMessage(state)).toBe('1 of 3 checks done.');
    expect(waitingIds(state)).toEqual(['spf', 'dmarc']);
    expect(orderedItems(state).map((i) => i.id)).toEqual(['mx']);
  });

  it('takes the final report over the stream, and ignores events that arrive after it', () => {
    const final = report([item('spf'), item('dmarc', 'warn'), item('mx', 'fail')]);
    const state = run([
      start,
      planned,
      { type: 'finished', operationId: 'op-00001', report: final },
      { type: 'event', operationId: 'op-00001', event: { type: 'item', item: item('mx', 'pass') } },
    ]);
    expect(state.phase).toBe('done');
    expect(orderedItems(state).map((i) => `${i.id}:${i.status}`)).toEqual(['spf:pass', 'dmarc:warn', 'mx:fail']);
    expect(progressMessage(state)).toBe('Checklist finished: 1 passed, 1 warnings, 1 failed, 0 pending, 0 errors.');
  });

  it('ignores events of an earlier run once a new one started', () => {
    const state = run([start, planned, { type: 'start', operationId: 'op-00002', request: { domain: 'example.com' } }, { type: 'event', operationId: 'op-00001', event: { type: 'item', item: item('spf') } }]);
    expect(state.phase === 'running' && state.operationId).toBe('op-00002');
    expect(orderedItems(state)).toEqual([]);
  });

  it('keeps what finished when the run is cancelled', () => {
    const state = run([
      start,
      planned,
      { type: 'event', operationId: 'op-00001', event: { type: 'item', item: item('spf') } },
      { type: 'cancel-requested', operationId: 'op-00001' },
      { type: 'failed', operationId: 'op-00001', error: { code: 'cancelled', message: 'The checklist was cancelled.' } },
    ]);
    expect(state.phase).toBe('cancelled');
    expect(progressMessage(state)).toBe('Cancelled after 1 of 3 checks.');
    expect(orderedItems(state).map((i) => i.id)).toEqual(['spf']);
  });
});

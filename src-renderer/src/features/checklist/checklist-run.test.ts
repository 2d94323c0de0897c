import { describe, expect, it } from 'vitest';
import type { CheckItem, ChecklistReport } from '../../../../src-preload/contract/checks-schemas';
import { idleRun, orderedItems, progressMessage, requestDomain, runReducer, verdictOf, waitingIds, type RunAction, type RunState } from './checklist-run';

const resolver = { kind: 'explicit' as const, servers: ['127.0.0.1:5301'], timeoutMs: 2500, retries: 1 };

function item(id: string, status: CheckItem['status'] = 'pass', level: CheckItem['requirement']['level'] = 'required'): CheckItem {
  return {
    id,
    kind: 'mx',
    title: id,
    importance: 'required',
    required: level === 'required',
    requirement: { level, route: 'connector', why: '' },
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
  // As main judges it: only required items that fail or could not be checked block.
  const blocking = items.filter((i) => i.required && (i.status === 'fail' || i.status === 'error')).map((i) => i.id);
  return { domain: 'example.com', platform: 'generic', route: 'connector', ok: blocking.length === 0, blocking, startedAt: at, finishedAt: at, durationMs: 5, resolver, items, counts, records: [], zoneFile: '', queries: 3 };
}

const run = (actions: RunAction[], from: RunState = idleRun) => actions.reduce(runReducer, from);
const start: RunAction = { type: 'start', operationId: 'op-00001', request: { kind: 'form', input: { domain: 'example.com' } } };
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
    expect(progressMessage(state)).toBe('Checklist finished: 1 required item fails. 1 passed, 1 warning.');
  });

  it('ignores events of an earlier run once a new one started', () => {
    const state = run([start, planned, { type: 'start', operationId: 'op-00002', request: { kind: 'form', input: { domain: 'example.com' } } }, { type: 'event', operationId: 'op-00001', event: { type: 'item', item: item('spf') } }]);
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

  it('runs a saved address under its own name, with the domain for the results title', () => {
    const state = run([{ type: 'start', operationId: 'op-00003', request: { kind: 'address', addressId: 'a1', address: 'support@example.com', domain: 'example.com', platform: 'zendesk', from: 'checklist' } }]);
    expect(state.phase === 'running' && state.request.kind).toBe('address');
    expect(state.phase === 'running' && requestDomain(state.request)).toBe('example.com');
  });
});

describe('checklist verdict', () => {
  it('counts only what the route requires: keys it does not need and optional failures never read as the setup failing', () => {
    const verdict = verdictOf(report([item('spf'), item('dkim:s2026'), item('dkim:zendesk1', 'not-needed', 'not-needed'), item('dkim:zendesk2', 'not-needed', 'not-needed'), item('bimi', 'fail', 'optional'), item('helo', 'needs-input', 'recommended')]));
    expect(verdict.ok).toBe(true);
    expect(verdict.headline).toBe('Nothing required fails.');
    expect(verdict.sentence).toBe('Nothing required fails. 2 passed, 1 item that is not required fails, 1 needs something from you, 2 not needed on this route.');
  });

  it('names how many required items fail and how many could not be checked', () => {
    const verdict = verdictOf(report([item('spf', 'fail'), item('dmarc', 'fail'), item('mx', 'error'), item('ptr', 'fail', 'recommended')]));
    expect(verdict.ok).toBe(false);
    expect(verdict.headline).toBe('2 required items fail, 1 required item could not be checked.');
    expect(verdict.sentence).toContain('1 item that is not required fails');
  });
});

import { describe, expect, it } from 'vitest';
import type { ConnectionReport, PhaseRecord } from '../../../../src-preload/contract/smtp-schemas';
import { announcementOf, idleRun, runReducer, timelineOf, type RunState } from './connection-run';

const target = { host: 'smtp.example.com', port: 587, security: 'starttls' as const, send: false };
const at = '2026-11-23T10:00:00.000Z';

function record(name: PhaseRecord['name'], outcome: PhaseRecord['outcome'], detail = 'ok'): PhaseRecord {
  return { name, outcome, startedAt: at, endedAt: at, ms: 5, detail, reply: null, failure: null };
}

function started(): RunState {
  return runReducer(idleRun, { type: 'start', operationId: 'op-1', target });
}

describe('connection run', () => {
  it('lists every planned phase while running: finished ones with their outcome, the next one running, the rest waiting', () => {
    let state = started();
    state = runReducer(state, { type: 'event', operationId: 'op-1', event: { type: 'phase-finished', phase: record('dns', 'pass') } });
    state = runReducer(state, { type: 'event', operationId: 'op-1', event: { type: 'phase-started', name: 'tcp', at } });
    const rows = timelineOf(state);
    expect(rows.map((r) => [r.name, r.state])).toEqual([
      ['dns', 'pass'],
      ['tcp', 'running'],
      ['banner', 'waiting'],
      ['ehlo', 'waiting'],
      ['tls', 'waiting'],
      ['ehlo-tls', 'waiting'],
      ['auth', 'waiting'],
      ['send-as', 'waiting'],
      ['test-send', 'waiting'],
      ['quit', 'waiting'],
    ]);
    expect(announcementOf(runReducer(state, { type: 'event', operationId: 'op-1', event: { type: 'phase-finished', phase: record('tcp', 'pass') } }))).toBe(
      'TCP connect passed in 5 ms.',
    );
  });

  it('ignores events and answers of an earlier run', () => {
    const state = started();
    const late = runReducer(state, { type: 'event', operationId: 'op-0', event: { type: 'phase-finished', phase: record('dns', 'fail') } });
    expect(late).toBe(state);
  });

  it('takes the report as the whole truth, and a late event changes nothing after it', () => {
    const report = {
      outcome: 'fail',
      ms: 40,
      phases: [record('dns', 'pass'), record('tcp', 'pass'), record('tls', 'fail', 'Port 587 answered in plain text, not TLS.')],
      failure: { code: 'port-expects-starttls', phase: 'tls', message: 'Port 587 answered in plain text, not TLS.', reply: null, errorCode: null },
      testSend: null,
    } as unknown as ConnectionReport;
    const done = runReducer(started(), { type: 'finished', operationId: 'op-1', report });
    expect(timelineOf(done).map((r) => r.name)).toEqual(['dns', 'tcp', 'tls']);
    expect(announcementOf(done)).toBe('Connection test failed at TLS: Port 587 answered in plain text, not TLS.');
    expect(runReducer(done, { type: 'event', operationId: 'op-1', event: { type: 'phase-started', name: 'quit', at } })).toBe(done);
  });

  it('marks a cancelled run cancelled, with the unfinished phases stopped', () => {
    let state = started();
    state = runReducer(state, { type: 'event', operationId: 'op-1', event: { type: 'phase-started', name: 'dns', at } });
    state = runReducer(state, { type: 'cancel-requested', operationId: 'op-1' });
    expect(announcementOf(state)).toBe('Cancelling the test…');
    state = runReducer(state, { type: 'failed', operationId: 'op-1', error: { code: 'cancelled', message: 'The operation was cancelled.' } });
    expect(state.phase).toBe('cancelled');
    expect(timelineOf(state).slice(0, 2).map((r) => r.state)).toEqual(['stopped', 'stopped']);
  });
});

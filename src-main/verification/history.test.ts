import { describe, expect, it } from 'vitest';
import { appendRun, detectDrift, emptyHistory, recordRun } from './history';
import { historySchema, HISTORY_LIMIT, type ItemId, type Observation, type ObservationOutcome, type RunRecord } from '../../src-preload/contract/verification-schemas';
import { initialStatus } from './status-machine';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function obs(itemId: ItemId, outcome: ObservationOutcome, minutes: number, value: string | null): Observation {
  return { itemId, at: at(minutes), outcome, explanation: `${itemId} is ${outcome}`, evidence: { source: 'dns', observedAt: at(minutes), summary: outcome, value, facts: [] } };
}

function run(id: number, observations: Observation[]): RunRecord {
  return { id: `run-${id}`, addressId: 'a', trigger: 'scheduled', startedAt: at(id), finishedAt: at(id), observations, transitions: [], drift: [], message: null, receipt: null };
}

describe('history', () => {
  it(`keeps the last ${HISTORY_LIMIT} runs per address, dropping the oldest`, () => {
    let history = emptyHistory('a');
    for (let i = 0; i < HISTORY_LIMIT + 7; i++) history = appendRun(history, run(i, []));
    expect(history.runs).toHaveLength(HISTORY_LIMIT);
    expect(history.runs[0]?.id).toBe('run-7');
    expect(history.runs.at(-1)?.id).toBe(`run-${HISTORY_LIMIT + 6}`);
    expect(historySchema.safeParse(history).success).toBe(true);
  });

  it('drift compares with the last passing value, not with the last run', () => {
    const previous = [run(1, [obs('dns:spf', 'pass', 1, 'v=spf1 ip4:192.0.2.0/24 -all')]), run(2, [obs('dns:spf', 'error', 2, null)])];
    expect(detectDrift(previous, [obs('dns:spf', 'fail', 3, 'v=spf1 -all')])).toEqual([
      { itemId: 'dns:spf', outcome: 'fail', before: 'v=spf1 ip4:192.0.2.0/24 -all', after: 'v=spf1 -all', beforeAt: at(1), afterAt: at(3), explanation: 'dns:spf is fail' },
    ]);
    expect(detectDrift(previous, [obs('dns:spf', 'pass', 3, 'v=spf1 ip4:192.0.2.0/24 -all')])).toEqual([]);
    // A DNS record that disappeared is drift; an email still on its way is not.
    expect(detectDrift(previous, [obs('dns:spf', 'pending', 3, null)])).toHaveLength(1);
    expect(detectDrift([run(1, [obs('spf', 'pass', 1, '192.0.2.25 for acme.test')])], [obs('spf', 'pending', 3, null)])).toEqual([]);
    // Nothing passed before: nothing to drift from.
    expect(detectDrift([], [obs('dns:dmarc', 'fail', 3, 'v=DMARC1; p=none')])).toEqual([]);
  });

  it('recordRun applies the observations, lists the state changes and stores drift', () => {
    const state = initialStatus({ addressId: 'a', domain: 'acme.test', dnsCheckIds: ['spf'] });
    const first = recordRun(state, emptyHistory('a'), { id: 'r1', trigger: 'manual', startedAt: at(0), finishedAt: at(1), observations: [obs('dns:spf', 'pass', 0, 'v=spf1 a -all')] });
    expect(first.run.transitions).toEqual([{ itemId: 'dns:spf', from: 'unverified', to: 'verified', at: at(0) }]);
    const second = recordRun(first.state, first.history, { id: 'r2', trigger: 'scheduled', startedAt: at(60), finishedAt: at(61), observations: [obs('dns:spf', 'fail', 60, 'v=spf1 -all')] });
    expect(second.run.transitions).toEqual([{ itemId: 'dns:spf', from: 'verified', to: 'stale', at: at(60) }]);
    expect(second.run.drift).toEqual([expect.objectContaining({ itemId: 'dns:spf', before: 'v=spf1 a -all', after: 'v=spf1 -all' })]);
    expect(second.state.items.find((i) => i.id === 'dns:spf')?.status).toMatchObject({ state: 'stale', drift: { before: 'v=spf1 a -all', after: 'v=spf1 -all' } });
    expect(second.history.runs.map((r) => r.id)).toEqual(['r1', 'r2']);
  });

  it('a run first ticks: a DNS item past 72 hours fails before the run starts', () => {
    const state = initialStatus({ addressId: 'a', domain: 'acme.test', dnsCheckIds: ['dmarc'] });
    const first = recordRun(state, emptyHistory('a'), { id: 'r1', trigger: 'manual', startedAt: at(0), finishedAt: at(0), observations: [obs('dns:dmarc', 'pending', 0, null)] });
    const late = recordRun(first.state, first.history, { id: 'r2', trigger: 'scheduled', startedAt: at(72 * 60), finishedAt: at(72 * 60), observations: [] });
    expect(late.run.transitions).toEqual([{ itemId: 'dns:dmarc', from: 'pending', to: 'failed', at: at(72 * 60) }]);
  });
});

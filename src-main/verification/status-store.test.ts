/**
 * verification.json: state and bounded history survive a restart, a damaged file is
 * moved aside with a notice (never silently reset), and what the file holds is exactly
 * the zod-validated document.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { confBackend } from '../store/conf-backend';
import { emptyHistory, recordRun } from './history';
import type { Observation } from './schemas';
import { initialStatus } from './status-machine';
import { openVerificationStore } from './status-store';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'relayproof-vstore-'));
  dirs.push(d);
  return d;
}

const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 12, minute)).toISOString();
function dnsObservation(minute: number, outcome: Observation['outcome'], value: string | null): Observation {
  return { itemId: 'dns:spf', at: at(minute), outcome, explanation: `SPF ${outcome}`, evidence: { source: 'dns', observedAt: at(minute), summary: 'SPF', value, facts: [] } };
}

describe('verification.json', () => {
  it('keeps the state and the runs across a restart', () => {
    const dir = tempDir();
    const first = openVerificationStore({ directory: dir, backend: confBackend });
    const recorded = recordRun(initialStatus({ addressId: 'a-one', domain: 'acme.test' }), emptyHistory('a-one'), {
      id: 'run-1',
      trigger: 'manual',
      startedAt: at(0),
      finishedAt: at(1),
      observations: [dnsObservation(0, 'pending', null)],
    });
    first.record('a-one', recorded.state, recorded.run);
    const second = openVerificationStore({ directory: dir, backend: confBackend });
    expect(second.get('a-one')?.state.items.find((i) => i.id === 'dns:spf')?.status).toMatchObject({ state: 'pending', deadlineAt: new Date(Date.parse(at(0)) + 72 * 3600_000).toISOString() });
    expect(second.get('a-one')?.history.runs.map((r) => r.id)).toEqual(['run-1']);
    expect(second.notices()).toEqual([]);
    // The overall status is derived, never stored.
    expect(readFileSync(second.path, 'utf8')).not.toMatch(/"overall"/u);
  });

  it('bounds the history per address, dropping the oldest runs', () => {
    const store = openVerificationStore({ directory: tempDir(), backend: confBackend, historyLimit: 3 });
    let state = initialStatus({ addressId: 'a-two', domain: 'acme.test' });
    for (let i = 0; i < 5; i++) {
      const entry = store.get('a-two');
      const recorded = recordRun(state, entry?.history ?? emptyHistory('a-two'), { id: `run-${i}`, trigger: 'scheduled', startedAt: at(i), finishedAt: at(i), observations: [dnsObservation(i, 'pass', `v=spf1 -all ${i}`)] });
      state = recorded.state;
      store.record('a-two', recorded.state, recorded.run);
    }
    expect(store.get('a-two')?.history.runs.map((r) => r.id)).toEqual(['run-2', 'run-3', 'run-4']);
    expect(store.get('a-two')?.history.runs.at(-1)?.drift[0]).toMatchObject({ before: 'v=spf1 -all 3', after: 'v=spf1 -all 4' });
  });

  it('moves a corrupt file aside, keeps its bytes, and reports it as a notice until dismissed', () => {
    const dir = tempDir();
    const path = join(dir, 'verification.json');
    writeFileSync(path, '{"schemaVersion":1,"addresses":{"a-x":');
    const store = openVerificationStore({ directory: dir, backend: confBackend });
    const [notice] = store.notices();
    expect(notice).toMatchObject({ kind: 'corrupt-json', backupPath: expect.stringMatching(/verification\.corrupt-.*\.json$/u) });
    expect(notice?.message).toMatch(/could not be used .*moved to .*verification\.corrupt-/u);
    expect(readFileSync(notice?.backupPath ?? '', 'utf8')).toBe('{"schemaVersion":1,"addresses":{"a-x":');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ schemaVersion: 1, addresses: {} });
    expect(store.dismissNotice(notice?.id ?? '')).toBe(true);
    expect(openVerificationStore({ directory: dir, backend: confBackend }).notices()).toEqual([]);
  });

  it('keeps the addresses that still validate when one entry is damaged', () => {
    const dir = tempDir();
    const good = recordRun(initialStatus({ addressId: 'a-good', domain: 'acme.test' }), emptyHistory('a-good'), { id: 'r', trigger: 'manual', startedAt: at(0), finishedAt: at(0), observations: [] });
    writeFileSync(join(dir, 'verification.json'), JSON.stringify({ schemaVersion: 1, addresses: { 'a-good': { state: good.state, history: good.history }, 'a-bad': { state: { items: 7 } } } }));
    const store = openVerificationStore({ directory: dir, backend: confBackend });
    expect(store.ids()).toEqual(['a-good']);
    expect(store.notices()[0]).toMatchObject({ kind: 'invalid-content', message: expect.stringContaining('the history of 1 of 2 addresses') });
    expect(readdirSync(dir).filter((f) => f.startsWith('verification.corrupt-'))).toHaveLength(1);
    expect(existsSync(join(dir, 'verification.json'))).toBe(true);
  });
});

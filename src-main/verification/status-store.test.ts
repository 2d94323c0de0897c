/**
 * verification/<addressId>.json: state and bounded history survive a restart (of the
 * store and of the services), a damaged file is moved aside with a notice (never
 * silently reset) and never affects another address, and the single verification.json
 * of earlier versions is split once and kept as a before-migration copy.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger';
import { createServices } from '../services';
import { emptyHistory, recordRun } from './history';
import type { AddressVerificationState, Observation, RunRecord } from '../../src-preload/contract/verification-schemas';
import { initialStatus } from './status-machine';
import { StoreUnavailableError } from '../store/document-file';
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

describe('verification/<addressId>.json', () => {
  it('keeps the state and the runs across a restart', () => {
    const dir = tempDir();
    const first = openVerificationStore({ directory: dir });
    const recorded = recordRun(initialStatus({ addressId: 'a-one', domain: 'acme.test' }), emptyHistory('a-one'), {
      id: 'run-1',
      trigger: 'manual',
      startedAt: at(0),
      finishedAt: at(1),
      observations: [dnsObservation(0, 'pending', null)],
    });
    first.record('a-one', recorded.state, recorded.run);
    const second = openVerificationStore({ directory: dir });
    expect(second.get('a-one')?.state.items.find((i) => i.id === 'dns:spf')?.status).toMatchObject({ state: 'pending', deadlineAt: new Date(Date.parse(at(0)) + 72 * 3600_000).toISOString() });
    expect(second.get('a-one')?.history.runs.map((r) => r.id)).toEqual(['run-1']);
    expect(second.notices()).toEqual([]);
    // The overall status is derived, never stored.
    expect(readFileSync(second.pathOf('a-one'), 'utf8')).not.toMatch(/"overall"/u);
    expect(second.pathOf('a-one')).toBe(join(dir, 'verification', 'a-one.json'));
    expect(readdirSync(join(dir, 'verification'))).toEqual(['a-one.json']);
  });

  it('bounds the history per address, dropping the oldest runs', () => {
    const store = openVerificationStore({ directory: tempDir(), historyLimit: 3 });
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

  it('a damaged file of one address is moved aside with a notice; the other addresses are untouched', () => {
    const dir = tempDir();
    const first = openVerificationStore({ directory: dir });
    for (const id of ['a-one', 'a-two']) first.record(id, ...pendingRun(id, `run-${id}`));
    const onePath = first.pathOf('a-one');
    writeFileSync(onePath, '{"schemaVersion":2,"addressId":"a-one","state":');
    const twoBefore = statSync(first.pathOf('a-two'));

    const store = openVerificationStore({ directory: dir });
    expect(store.ids()).toEqual(['a-two']);
    expect(store.get('a-one')).toBeUndefined();
    expect(store.get('a-two')?.history.runs.map((r) => r.id)).toEqual(['run-a-two']);
    const [notice, ...more] = store.notices();
    expect(more).toEqual([]);
    expect(notice).toMatchObject({ kind: 'corrupt-json', backupPath: expect.stringMatching(/[/\\]verification[/\\]a-one\.corrupt-.*\.json$/u) });
    expect(notice?.message).toMatch(/verification history of address a-one could not be used .*moved to .*a-one\.corrupt-.*other addresses' history, settings and passwords were not affected/u);
    expect(readFileSync(notice?.backupPath ?? '', 'utf8')).toBe('{"schemaVersion":2,"addressId":"a-one","state":');
    expect(existsSync(onePath)).toBe(false);
    // The other address's file was neither rewritten nor moved.
    const twoAfter = statSync(store.pathOf('a-two'));
    expect([twoAfter.ino, twoAfter.mtimeMs]).toEqual([twoBefore.ino, twoBefore.mtimeMs]);

    // The address starts over, and recording into it never touches the other file.
    store.record('a-one', ...pendingRun('a-one', 'run-again'));
    expect(store.get('a-one')?.history.runs.map((r) => r.id)).toEqual(['run-again']);
    expect(statSync(store.pathOf('a-two')).mtimeMs).toBe(twoBefore.mtimeMs);

    // The notice stays until dismissed, across a restart.
    expect(openVerificationStore({ directory: dir }).notices().map((n) => n.id)).toEqual([notice?.id]);
    expect(store.dismissNotice(notice?.id ?? '')).toBe(true);
    expect(openVerificationStore({ directory: dir }).notices()).toEqual([]);
  });

  it('a file damaged while the store is open is found on the next read, and only that address starts over', () => {
    const dir = tempDir();
    const store = openVerificationStore({ directory: dir });
    for (const id of ['a-one', 'a-two']) store.record(id, ...pendingRun(id, `run-${id}`));
    // Another address's content under this name counts as damaged, too.
    writeFileSync(store.pathOf('a-two'), readFileSync(store.pathOf('a-one'), 'utf8'));
    expect(store.get('a-two')).toBeUndefined();
    expect(store.notices()[0]).toMatchObject({ kind: 'invalid-content', message: expect.stringContaining('the file is named a-two but holds a-one') });
    expect(store.get('a-one')?.history.runs.map((r) => r.id)).toEqual(['run-a-one']);
    expect(store.ids()).toEqual(['a-one']);
  });

  it('splits the single verification.json of earlier versions once, and keeps it as a before-migration copy', () => {
    const dir = tempDir();
    const one = recordRun(initialStatus({ addressId: 'a-one', domain: 'acme.test' }), emptyHistory('a-one'), { id: 'old-1', trigger: 'manual', startedAt: at(0), finishedAt: at(0), observations: [dnsObservation(0, 'pass', 'v=spf1 -all')] });
    const two = recordRun(initialStatus({ addressId: 'a-two', domain: 'acme.test' }), emptyHistory('a-two'), { id: 'old-2', trigger: 'scheduled', startedAt: at(1), finishedAt: at(1), observations: [] });
    const earlier = { id: 'n-earlier', at: at(2), kind: 'empty', message: 'An earlier notice.', backupPath: '/somewhere/verification.corrupt-x.json' };
    const legacy = JSON.stringify({
      schemaVersion: 1,
      addresses: { 'a-one': { state: one.state, history: one.history }, 'a-two': { state: two.state, history: two.history } },
      notices: [earlier],
    });
    writeFileSync(join(dir, 'verification.json'), legacy);
    const clock = () => new Date('2026-11-23T12:00:00.000Z');

    const store = openVerificationStore({ directory: dir, clock });
    expect(store.ids()).toEqual(['a-one', 'a-two']);
    expect(store.get('a-one')).toEqual({ state: one.state, history: one.history });
    expect(store.get('a-two')?.history.runs.map((r) => r.id)).toEqual(['old-2']);
    // A healthy file is no problem to report; its undismissed notices carry over.
    expect(store.notices()).toEqual([earlier]);
    expect(readdirSync(dir).filter((f) => f.startsWith('verification')).sort()).toEqual(['verification', 'verification.before-migration-v1-2026-11-23T12-00-00.000Z.json']);
    expect(readFileSync(join(dir, 'verification.before-migration-v1-2026-11-23T12-00-00.000Z.json'), 'utf8')).toBe(legacy);
    expect(readdirSync(join(dir, 'verification')).sort()).toEqual(['_notices.json', 'a-one.json', 'a-two.json']);

    // Once: a restart neither migrates again nor loses anything.
    const again = openVerificationStore({ directory: dir, clock });
    expect(again.ids()).toEqual(['a-one', 'a-two']);
    expect(again.notices()).toEqual([earlier]);
    expect(readdirSync(dir).filter((f) => f.includes('before-migration'))).toHaveLength(1);
  });

  it('a damaged verification.json is kept as the before-migration copy and reported; the addresses it can read are migrated', () => {
    const dir = tempDir();
    const good = recordRun(initialStatus({ addressId: 'a-good', domain: 'acme.test' }), emptyHistory('a-good'), { id: 'r', trigger: 'manual', startedAt: at(0), finishedAt: at(0), observations: [] });
    writeFileSync(join(dir, 'verification.json'), JSON.stringify({ schemaVersion: 1, addresses: { 'a-good': { state: good.state, history: good.history }, 'a-bad': { state: { items: 7 } } } }));
    const store = openVerificationStore({ directory: dir });
    expect(store.ids()).toEqual(['a-good']);
    expect(store.get('a-good')?.history.runs.map((r) => r.id)).toEqual(['r']);
    const [notice] = store.notices();
    expect(notice).toMatchObject({ kind: 'invalid-content', backupPath: expect.stringMatching(/verification\.before-migration-v1-.*\.json$/u), message: expect.stringContaining('the history of 1 of 2 addresses') });
    expect(existsSync(join(dir, 'verification.json'))).toBe(false);

    // Not JSON at all: nothing to migrate, the bytes are kept, the admin is told where.
    const other = tempDir();
    writeFileSync(join(other, 'verification.json'), '{"schemaVersion":1,"addresses":{"a-x":');
    const cut = openVerificationStore({ directory: other });
    expect(cut.ids()).toEqual([]);
    const [cutNotice] = cut.notices();
    expect(cutNotice).toMatchObject({ kind: 'corrupt-json', message: expect.stringMatching(/could not be used .*moved to .*verification\.before-migration-v1-.*an empty verification history/u) });
    expect(readFileSync(cutNotice?.backupPath ?? '', 'utf8')).toBe('{"schemaVersion":1,"addresses":{"a-x":');
  });

  it('never uses something other than an address id as a file name', () => {
    const store = openVerificationStore({ directory: tempDir() });
    expect(() => store.record('../config', ...pendingRun('a-one', 'r'))).toThrow(/Not an address id/u);
    expect(store.get('../config')).toBeUndefined();
    expect(store.remove('_notices')).toBe(false);
  });

  it('keeps the state and the runs across a restart of the services, and deletes the file on remove', async () => {
    const dir = tempDir();
    const first = createServices({ dataDirectory: dir, mode: 'cli', logger: silentLogger, validateOutput: true });
    first.verificationStore.record('a-kept', ...pendingRun('a-kept', 'run-kept'));
    first.verificationStore.record('a-other', ...pendingRun('a-other', 'run-other'));

    const second = createServices({ dataDirectory: dir, mode: 'cli', logger: silentLogger, validateOutput: true });
    const history = await second.createDispatcher().dispatch('verification:history', { addressId: 'a-kept', limit: 10 });
    expect(history).toMatchObject({ ok: true, value: { total: 1, runs: [{ id: 'run-kept', addressId: 'a-kept' }] } });
    expect(second.verificationStore.path).toBe(join(dir, 'verification'));
    expect(second.verificationStore.remove('a-kept')).toBe(true);
    expect(existsSync(join(dir, 'verification', 'a-kept.json'))).toBe(false);
    expect(second.verificationStore.remove('a-kept')).toBe(false);

    const third = createServices({ dataDirectory: dir, mode: 'cli', logger: silentLogger, validateOutput: true });
    expect(third.verificationStore.ids()).toEqual(['a-other']);
    expect((await third.createDispatcher().dispatch('verification:history', { addressId: 'a-kept', limit: 10 })).ok).toBe(false);
  });
});

function pendingRun(addressId: string, runId: string): [AddressVerificationState, RunRecord] {
  const recorded = recordRun(initialStatus({ addressId, domain: 'acme.test' }), emptyHistory(addressId), { id: runId, trigger: 'manual', startedAt: at(0), finishedAt: at(1), observations: [dnsObservation(0, 'pending', null)] });
  return [recorded.state, recorded.run];
}

describe('recording a run without blocking the process (recordAsync, a fleet run)', () => {
  const runAt = (addressId: string, id: string, minute: number) =>
    recordRun(initialStatus({ addressId, domain: 'acme.test' }), emptyHistory(addressId), { id, trigger: 'manual', startedAt: at(minute), finishedAt: at(minute), observations: [dnsObservation(minute, 'pass', `v=spf1 -all ${minute}`)] });

  it('until the run is written the file is the previous complete one; then the new one, with nothing left beside it', async () => {
    const dir = tempDir();
    const store = openVerificationStore({ directory: dir });
    const first = runAt('a-one', 'run-1', 0);
    store.record('a-one', first.state, first.run);
    const before = readFileSync(store.pathOf('a-one'), 'utf8');
    const second = runAt('a-one', 'run-2', 1);
    const writing = store.recordAsync('a-one', second.state, second.run);
    // The write is under way (its lock taken, its temporary file being written and fsync'd): the file itself is untouched.
    expect(readFileSync(store.pathOf('a-one'), 'utf8')).toBe(before);
    expect(existsSync(`${store.pathOf('a-one')}.lock`)).toBe(true);
    const written = await writing;
    expect(written.history.runs.map((r) => r.id)).toEqual(['run-1', 'run-2']);
    expect(openVerificationStore({ directory: dir }).get('a-one')?.history.runs.map((r) => r.id)).toEqual(['run-1', 'run-2']);
    expect(readdirSync(join(dir, 'verification'))).toEqual(['a-one.json']);
  });

  it('runs of one address recorded at once in one process are all kept, in order', async () => {
    const dir = tempDir();
    const store = openVerificationStore({ directory: dir });
    const runs = Array.from({ length: 6 }, (_, i) => runAt('a-many', `run-${i}`, i));
    await Promise.all(runs.map((r) => store.recordAsync('a-many', r.state, r.run)));
    expect(openVerificationStore({ directory: dir }).get('a-many')?.history.runs.map((r) => r.id)).toEqual(runs.map((r) => r.run.id));
  });

  it('a synchronous change of the file while its run is being written is refused, not waited for (that wait would stop the write); the run is kept', async () => {
    const dir = tempDir();
    const store = openVerificationStore({ directory: dir });
    const run = runAt('a-busy', 'run-1', 0);
    const writing = store.recordAsync('a-busy', run.state, run.run);
    let refused: unknown;
    try {
      store.remove('a-busy');
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(StoreUnavailableError);
    expect((refused as Error).message).toMatch(/is saving its verification history of address a-busy right now, so this change was not made\. Try again in a moment\./u);
    await writing;
    expect(store.get('a-busy')?.history.runs.map((r) => r.id)).toEqual(['run-1']);
    // Once written, the same change goes through.
    expect(store.remove('a-busy')).toBe(true);
  });

  it('never writes under something other than an address id', async () => {
    const dir = tempDir();
    const store = openVerificationStore({ directory: dir });
    const run = runAt('a-one', 'run-1', 0);
    await expect(store.recordAsync('../config', run.state, run.run)).rejects.toThrow(/Not an address id/u);
    expect(readdirSync(join(dir, 'verification'))).toEqual([]);
  });
});

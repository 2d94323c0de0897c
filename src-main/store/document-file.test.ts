
/**
 * The persistence primitive every stored document uses, on real files and real
 * processes: 16 processes writing one document at once lose nothing, a lock
 * left by a killed process is taken over, a live one is waited for and then named, and
 * hostile files (600 MB, a link, a named pipe) are moved aside unread — for the
 * settings, a verification history and the Microsoft 365 registrations alike. Another
 * process's change reaches a running store's watchers.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from '../log/logger';
import { openAppRegistrations } from '../m365/app-registrations';
import { createServices } from '../services';
import { testAddressFields } from '../testing/address-fields';
import { buildEntries, type BuiltEntries } from '../testing/built-entries';
import { memoryKeychain } from '../testing/transport-support';
import { emptyHistory, recordRun } from '../verification/history';
import { initialStatus } from '../verification/status-machine';
import { openVerificationStore } from '../verification/status-store';
import { openDocument, StoreUnavailableError } from './document-file';
import { withFileLock } from './file-lock';
import { watchFolder } from './folder-watch';
import { CURRENT_SCHEMA_VERSION, openStore, storeDocumentSchema } from './store';

const root = mkdtempSync(join(tmpdir(), 'relayproof-document-'));
let built: BuiltEntries;
beforeAll(async () => {
  built = await buildEntries({ 'store-writer': 'src-main/testing/store-writer.ts' });
}, 120_000);
afterAll(() => {
  built.remove();
  rmSync(root, { recursive: true, force: true });
});

let dirCount = 0;
function freshDir(): string {
  const dir = join(root, `case-${++dirCount}`);
  mkdirSync(dir);
  return dir;
}

const WRITERS = 16;
/** The address whose history every `store-writer history` process records into. */
const SHARED_HISTORY_ADDRESS = 'a-shared';
const SIX_HUNDRED_MB = 600 * 1024 * 1024;

interface Writer {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<{ code: number | null; stderr: string }>;
}

function startWriter(args: readonly string[], env: Record<string, string> = {}): Writer {
  const child = spawn(process.execPath, [built.path('store-writer'), ...args], { env: { ...process.env, ...built.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/^(ready|locked)$/mu.test(stdout)) resolve();
    });
    child.on('exit', () => reject(new Error(`writer exited before it was ready: ${stderr}`)));
  });
  // A writer that fails before it is ready must not leave an unhandled rejection behind.
  ready.catch(() => undefined);
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  return { child, ready, exited };
}

/** Starts `WRITERS` writers, lets them go at the same moment, and reads the file while they write. */
async function writeTogether(dir: string, args: (who: string) => readonly string[], watched: string): Promise<{ invalidReads: number; reads: number }> {
  const go = join(dir, '..', `go-${dirCount}-${Math.random().toString(36).slice(2)}`);
  const writers = Array.from({ length: WRITERS }, (_, i) => startWriter(args(`w${i}`), { GO_FILE: go }));
  await Promise.all(writers.map((w) => w.ready));
  writeFileSync(go, '');
  let done = false;
  const finished = Promise.all(writers.map((w) => w.exited)).finally(() => (done = true));
  let reads = 0;
  let invalidReads = 0;
  while (!done) {
    // A reader never sees a half-written file: the old one or the new one.
    if (existsSync(watched)) {
      reads++;
      try {
        JSON.parse(readFileSync(watched, 'utf8'));
      } catch {
        invalidReads++;
      }
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const results = await finished;
  expect(results.filter((r) => r.code !== 0)).toEqual([]);
  return { invalidReads, reads };
}

const leftovers = (dir: string) => readdirSync(dir).filter((name) => /\.(tmp|lock)/u.test(name));

describe('16 processes writing one document at once', () => {
  it('settings: every address of every process is stored (none lost, none doubled)', async () => {
    const dir = freshDir();
    openStore({ directory: dir });
    const { invalidReads } = await writeTogether(dir, (who) => ['settings', dir, who, '3'], join(dir, 'config.json'));
    const addresses = openStore({ directory: dir }).listAddresses().map((a) => a.address);
    expect(addresses).toHaveLength(WRITERS * 3);
    expect(new Set(addresses)).toEqual(new Set(Array.from({ length: WRITERS }, (_, w) => [0, 1, 2].map((i) => `w${w}-${i}@example.test`)).flat()));
    expect(invalidReads).toBe(0);
    expect(leftovers(dir)).toEqual([]);
  }, 120_000);

  it('verification history: every run of every process is kept', async () => {
    const dir = freshDir();
    const { invalidReads } = await writeTogether(dir, (who) => ['history', dir, who, '2'], join(dir, 'verification', `${SHARED_HISTORY_ADDRESS}.json`));
    const runs = openVerificationStore({ directory: dir }).get(SHARED_HISTORY_ADDRESS)?.history.runs.map((r) => r.id) ?? [];
    expect(runs).toHaveLength(WRITERS * 2);
    expect(new Set(runs).size).toBe(WRITERS * 2);
    expect(invalidReads).toBe(0);
    expect(leftovers(join(dir, 'verification'))).toEqual([]);
  }, 120_000);

  it('verification history written off the event loop (recordAsync, half the processes) beside the synchronous writes: every run is kept', async () => {
    const dir = freshDir();
    const { invalidReads } = await writeTogether(dir, (who) => [Number(who.slice(1)) % 2 === 0 ? 'history-async' : 'history', dir, who, '3'], join(dir, 'verification', `${SHARED_HISTORY_ADDRESS}.json`));
    const runs = openVerificationStore({ directory: dir }).get(SHARED_HISTORY_ADDRESS)?.history.runs.map((r) => r.id) ?? [];
    expect(new Set(runs)).toEqual(new Set(Array.from({ length: WRITERS }, (_, w) => [0, 1, 2].map((i) => `run-w${w}-${i}`)).flat()));
    expect(runs).toHaveLength(WRITERS * 3);
    expect(invalidReads).toBe(0);
    expect(leftovers(join(dir, 'verification'))).toEqual([]);
  }, 120_000);

  it("Microsoft 365 registrations: every process's registration is kept", async () => {
    const dir = freshDir();
    const { invalidReads } = await writeTogether(dir, (who) => ['m365', dir, who], join(dir, 'm365-apps.json'));
    const apps = openAppRegistrations({ directory: dir });
    const missing = Array.from({ length: WRITERS }, (_, i) => `a-w${i}`).filter((id) => apps.get(id) === null);
    expect(missing).toEqual([]);
    expect(invalidReads).toBe(0);
    expect(leftovers(dir)).toEqual([]);
  }, 120_000);
});

describe('a process killed while it writes verification history off the event loop', () => {
  it('leaves a valid file with every run it had written and none half-written; the next process takes its lock over and records', async () => {
    const dir = freshDir();
    const file = join(dir, 'verification', `${SHARED_HISTORY_ADDRESS}.json`);
    const writer = startWriter(['history-async', dir, 'k', '400']);
    await writer.ready;
    // Killed after some of its runs are on disk and while others are being written.
    await new Promise<void>((resolve) => {
      let seen = '';
      writer.child.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (/^wrote 25$/mu.test(seen)) resolve();
      });
    });
    writer.child.kill('SIGKILL');
    await writer.exited;
    // Parsed and validated as any file Relayproof reads: never moved aside as damaged.
    const store = openVerificationStore({ directory: dir, lock: { timeoutMs: 120_000, staleMs: 3_600_000 } });
    expect(store.notices()).toEqual([]);
    const runs = store.get(SHARED_HISTORY_ADDRESS)?.history.runs.map((r) => r.id) ?? [];
    // Written one after another in start order: what is kept is exactly the first n, n at least the 25 it reported.
    expect(runs.length).toBeGreaterThanOrEqual(25);
    expect(runs.length).toBeLessThan(400);
    expect(runs).toEqual(Array.from({ length: runs.length }, (_, i) => `run-k-${i}`));
    const at = new Date().toISOString();
    const { state, run } = recordRun(initialStatus({ addressId: SHARED_HISTORY_ADDRESS, domain: 'example.test' }), emptyHistory(SHARED_HISTORY_ADDRESS), { id: 'run-after', trigger: 'manual', startedAt: at, finishedAt: at, observations: [] });
    await store.recordAsync(SHARED_HISTORY_ADDRESS, state, run);
    expect(openVerificationStore({ directory: dir }).get(SHARED_HISTORY_ADDRESS)?.history.runs.map((r) => r.id)).toEqual([...runs, 'run-after']);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ addressId: SHARED_HISTORY_ADDRESS });
  }, 120_000);
});

describe('the cross-process lock', () => {
  it('two processes that each hold one file across an await and need the other\'s both go on: a busy lock is waited for without blocking', async () => {
    const dir = freshDir();
    const a = startWriter(['cross-locks', dir, 'a']);
    const b = startWriter(['cross-locks', dir, 'b']);
    const [doneA, doneB] = await Promise.all([a.exited, b.exited]);
    // A blocking wait would have stopped both until the 5 s deadline, then refused them.
    expect(doneA).toEqual({ code: 0, stderr: '' });
    expect(doneB).toEqual({ code: 0, stderr: '' });
    expect([existsSync(join(dir, 'a.json.lock')), existsSync(join(dir, 'b.json.lock'))]).toEqual([false, false]);
  });

  it('a lock left by a process that was killed while holding it is taken over at once', async () => {
    const dir = freshDir();
    const store = openStore({ directory: dir, lock: { timeoutMs: 120_000, staleMs: 3_600_000 } });
    const holder = startWriter(['hold-lock', dir]);
    await holder.ready;
    holder.child.kill('SIGKILL');
    await holder.exited;
    const lock = JSON.parse(readFileSync(join(dir, 'config.json.lock'), 'utf8')) as { pid: number; hostname: string };
    expect(lock).toMatchObject({ pid: holder.child.pid, hostname: hostname() });
    // Neither the deadline (2 minutes) nor the age bound (an hour) could have ended the wait: the dead pid did.
    const created = store.createAddress({ ...FIELDS, address: 'after@example.test' });
    expect(openStore({ directory: dir }).getAddress(created.id)?.address).toBe('after@example.test');
    expect(existsSync(join(dir, 'config.json.lock'))).toBe(false);
  });

  it('a lock held by a live process is waited for, then refused with its pid and since when; nothing changes', async () => {
    const dir = freshDir();
    const store = openStore({ directory: dir, lock: { timeoutMs: 300 } });
    const before = readFileSync(join(dir, 'config.json'));
    const holder = startWriter(['hold-lock', dir]);
    try {
      await holder.ready;
      let error: unknown;
      try {
        store.updateSettings({ theme: 'dark' });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toMatch(
        new RegExp(`^Another Relayproof process \\(pid ${holder.child.pid}\\) has held the lock on Relayproof's settings file since \\d{4}-\\d\\d-\\d\\dT[^ ]+Z, so this change was not made\\.`, 'u'),
      );
      expect((error as Error).message).toContain(join(dir, 'config.json.lock'));
      expect(readFileSync(join(dir, 'config.json'))).toEqual(before);
    } finally {
      holder.child.kill('SIGKILL');
      await holder.exited;
    }
  });

  it('a lock older than the stale bound is taken over even when its pid is alive (hung, or another machine)', () => {
    const dir = freshDir();
    const store = openStore({ directory: dir, lock: { timeoutMs: 120_000, staleMs: 60_000 } });
    const lockPath = join(dir, 'config.json.lock');
    // The parent of this test process is alive for sure.
    writeFileSync(lockPath, JSON.stringify({ pid: process.ppid, hostname: hostname(), since: '2026-01-01T00:00:00.000Z', token: 'hung' }));
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(lockPath, anHourAgo, anHourAgo);
    expect(store.updateSettings({ theme: 'dark' }).theme).toBe('dark');
    expect(existsSync(lockPath)).toBe(false);
  });

  it("a lock with this process's own pid that this process does not hold (a restarted container reuses pids) is taken over", () => {
    const dir = freshDir();
    const store = openStore({ directory: dir, lock: { timeoutMs: 120_000, staleMs: 3_600_000 } });
    writeFileSync(join(dir, 'config.json.lock'), JSON.stringify({ pid: process.pid, hostname: hostname(), since: new Date().toISOString(), token: 'earlier-life' }));
    expect(store.updateSettings({ theme: 'light' }).theme).toBe('light');
  });

  it('a change of a document inside a change of the same document is a programmer error, not a wait', () => {
    const dir = freshDir();
    const target = join(dir, 'x.json');
    expect(() => withFileLock(target, 'x', () => withFileLock(target, 'x', () => 1))).toThrow(/inside another change of the same file/u);
    expect(existsSync(`${target}.lock`)).toBe(false);
  });
});

const FIELDS = testAddressFields();

describe('hostile files are moved aside unread', () => {
  it('a 600 MB settings file (sparse: no disk used) is never read: moved aside whole, with a notice', () => {
    const dir = freshDir();
    const path = join(dir, 'config.json');
    writeFileSync(path, '');
    truncateSync(path, SIX_HUNDRED_MB);
    const rssBefore = process.memoryUsage().rss;
    const store = openStore({ directory: dir });
    const [notice, ...more] = store.notices();
    expect(more).toEqual([]);
    expect(notice).toMatchObject({ kind: 'too-large', backupPath: expect.stringMatching(/config\.corrupt-.*\.json$/u) });
    expect(notice?.message).toContain('was 600 MiB, more than a settings file can be (32 MiB');
    expect(statSync(notice?.backupPath ?? '').size).toBe(SIX_HUNDRED_MB);
    // Reading it would have cost at least 600 MB (or thrown "Cannot create a string longer than …").
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
    expect(store.createAddress(FIELDS).address).toBe('support@example.test');
    expect(statSync(path).size).toBeLessThan(10_000);
  });

  it('a settings file that is a link is not followed: the link is moved aside, the file it points to is untouched', () => {
    const dir = freshDir();
    const outside = join(freshDir(), 'elsewhere.json');
    const original = JSON.stringify({ schemaVersion: 2, settings: {}, addresses: [], notices: [] });
    writeFileSync(outside, original);
    symlinkSync(outside, join(dir, 'config.json'));
    const store = openStore({ directory: dir });
    store.createAddress(FIELDS);
    const [notice] = store.notices();
    expect(notice).toMatchObject({ kind: 'symlink' });
    expect(notice?.message).toContain(`was a link to ${outside}`);
    expect(lstatSync(notice?.backupPath ?? '').isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, 'config.json')).isFile()).toBe(true);
    expect(readFileSync(outside, 'utf8')).toBe(original);
  });

  it('a named pipe as the settings file does not hang Relayproof: moved aside as unreadable', () => {
    const dir = freshDir();
    const path = join(dir, 'config.json');
    const made = spawnSyncStatus('mkfifo', [path]);
    if (made !== 0) throw new Error('mkfifo is needed for this test');
    const [notice] = openStore({ directory: dir }).notices();
    expect(notice).toMatchObject({ kind: 'unreadable', message: expect.stringContaining('it is a named pipe, not a file') });
  });

  it('a 600 MB verification history and a link as another are moved aside, each with a notice; the link target is never written', () => {
    const dir = freshDir();
    const history = join(dir, 'verification');
    mkdirSync(history);
    writeFileSync(join(history, 'a-big.json'), '');
    truncateSync(join(history, 'a-big.json'), SIX_HUNDRED_MB);
    const target = join(freshDir(), 'authorized_keys');
    writeFileSync(target, 'ssh-ed25519 AAAA admin@example.test\n');
    symlinkSync(target, join(history, 'a-linked.json'));

    const store = openVerificationStore({ directory: dir });
    const kinds = store.notices().map((n) => [n.kind, n.message.match(/address (a-[a-z]+)/u)?.[1]]);
    expect(kinds).toEqual([
      ['too-large', 'a-big'],
      ['symlink', 'a-linked'],
    ]);
    expect(store.ids()).toEqual([]);
    // Recording into the address afterwards writes a new file; the link's target is untouched.
    store.update('a-linked', () => ({ state: emptyState('a-linked'), history: { addressId: 'a-linked', runs: [] } }));
    expect(readFileSync(target, 'utf8')).toBe('ssh-ed25519 AAAA admin@example.test\n');
    expect(lstatSync(join(history, 'a-linked.json')).isFile()).toBe(true);
  });

  it('a damaged Microsoft 365 registrations file is moved aside with a notice in the settings (it was silently reset)', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'm365-apps.json'), '{"addresses": {"a-one": ');
    const services = createServices({ dataDirectory: dir, mode: 'cli', logger: silentLogger, keychain: async () => memoryKeychain() });
    const [notice] = services.store.notices();
    expect(notice).toMatchObject({ kind: 'corrupt-json', backupPath: expect.stringMatching(/m365-apps\.corrupt-.*\.json$/u) });
    expect(notice?.message).toMatch(/^Relayproof's Microsoft 365 app registrations file could not be used \(corrupt-json: cut off at byte \d+/u);
    expect(readFileSync(notice?.backupPath ?? '', 'utf8')).toBe('{"addresses": {"a-one": ');
    expect(existsSync(join(dir, 'm365-apps.json'))).toBe(false);
  });

  it('a 600 MB Microsoft 365 registrations file is moved aside unread', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'm365-apps.json'), '');
    truncateSync(join(dir, 'm365-apps.json'), SIX_HUNDRED_MB);
    const store = openStore({ directory: dir });
    const apps = openAppRegistrations({ directory: dir, onNotice: (n) => store.addNotice(n) });
    expect(apps.get('a-one')).toBeNull();
    expect(store.notices().map((n) => n.kind)).toEqual(['too-large']);
  });

  it('the Microsoft 365 registrations file of earlier versions (no schemaVersion) is upgraded, its original kept', () => {
    const dir = freshDir();
    const earlier = JSON.stringify({ addresses: { 'a-one': { tenantId: 'contoso.onmicrosoft.com', clientId: '00000000-0000-4000-8000-000000000001', savedAt: '2026-01-01T00:00:00.000Z' } } });
    writeFileSync(join(dir, 'm365-apps.json'), earlier);
    const apps = openAppRegistrations({ directory: dir });
    expect(apps.get('a-one')?.tenantId).toBe('contoso.onmicrosoft.com');
    apps.set('a-two', { tenantId: 'contoso.onmicrosoft.com', clientId: '00000000-0000-4000-8000-000000000002' });
    expect(JSON.parse(readFileSync(join(dir, 'm365-apps.json'), 'utf8'))).toMatchObject({ schemaVersion: 1, addresses: { 'a-one': {}, 'a-two': {} } });
    const copies = readdirSync(dir).filter((name) => name.startsWith('m365-apps.before-migration-v0-'));
    expect(copies.map((name) => readFileSync(join(dir, name), 'utf8'))).toEqual([earlier]);
  });
});

describe('change notification', () => {
  it("another process's change reaches watch(); a store's own change does not count as an outside change", async () => {
    const dir = freshDir();
    const store = openStore({ directory: dir, watch: { debounceMs: 20 } });
    const seen = new Promise<void>((resolve) => {
      const stop = store.watch(() => {
        stop();
        resolve();
      });
    });
    const writer = startWriter(['settings', dir, 'other', '1']);
    expect((await writer.exited).code).toBe(0);
    await seen;
    expect(store.listAddresses().map((a) => a.address)).toEqual(['other-0@example.test']);

    const document = openDocument({ path: join(dir, 'config.json'), title: 'settings file', noun: 'settings', schema: storeDocumentSchema, version: CURRENT_SCHEMA_VERSION, maxBytes: 1 << 20, recover: () => undefined });
    document.update((current) => ({ ...(current ?? storeDocumentSchema.parse({ schemaVersion: CURRENT_SCHEMA_VERSION })), wizardDraft: null }));
    expect(document.takeOutsideChange()).toBe(false);
    store.updateSettings({ theme: 'dark' });
    expect(document.takeOutsideChange()).toBe(true);
    expect(document.takeOutsideChange()).toBe(false);
  });

  it("a write off the event loop (updateAsync) is the store's own change, not an outside one; another DocumentFile's is", async () => {
    const dir = freshDir();
    const schema = z.object({ schemaVersion: z.literal(1), n: z.number() });
    const open = () => openDocument({ path: join(dir, 'doc.json'), title: 'test file', noun: 'test', schema, version: 1, maxBytes: 1 << 20, cache: true, recover: () => undefined });
    const mine = open();
    const other = open();
    expect(await mine.updateAsync(() => ({ schemaVersion: 1, n: 1 }))).toEqual({ schemaVersion: 1, n: 1 });
    expect(mine.takeOutsideChange()).toBe(false);
    expect(mine.read()).toEqual({ schemaVersion: 1, n: 1 });
    await other.updateAsync((current) => ({ schemaVersion: 1, n: (current?.n ?? 0) + 1 }));
    expect(mine.takeOutsideChange()).toBe(true);
    expect(mine.read()).toEqual({ schemaVersion: 1, n: 2 });
    expect(leftovers(dir)).toEqual([]);
  });

  it('a listener that throws (a data folder deleted under a running app) does not crash the process from the watch timer', async () => {
    const dir = freshDir();
    let calls = 0;
    const stop = watchFolder(dir, () => {
      calls++;
      throw new Error('the folder is gone');
    }, { debounceMs: 5 });
    writeFileSync(join(dir, 'config.json'), '{}');
    while (calls === 0) await new Promise((r) => setTimeout(r, 10));
    // vitest fails the run on an uncaught exception; give one a chance to surface.
    await new Promise((r) => setTimeout(r, 50));
    stop();
    expect(calls).toBe(1);
  });

  it('the app and serve push store:changes to their renderers when a CLI process changes addresses or history', async () => {
    const dir = freshDir();
    const services = createServices({ dataDirectory: dir, mode: 'browser', logger: silentLogger, keychain: async () => memoryKeychain() });
    const events: unknown[] = [];
    const arrived = (document: string) =>
      new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (events.some((e) => (e as { event: { document: string } }).event.document === document)) {
            clearInterval(check);
            resolve();
          }
        }, 10);
      });
    services.createDispatcher((event) => events.push(event));
    const settingsArrived = arrived('settings');
    expect((await startWriter(['settings', dir, 'cli', '1']).exited).code).toBe(0);
    await settingsArrived;
    const historyArrived = arrived('verification');
    expect((await startWriter(['history', dir, 'cli', '1']).exited).code).toBe(0);
    await historyArrived;
    const schema = z.object({ operationId: z.literal('store-changes'), channel: z.literal('store:changes'), event: z.object({ document: z.string(), addressIds: z.array(z.string()) }) });
    const parsed = events.map((e) => schema.parse(e).event);
    expect(parsed).toContainEqual({ document: 'settings', addressIds: [] });
    expect(parsed).toContainEqual({ document: 'verification', addressIds: [SHARED_HISTORY_ADDRESS] });
  });
});

function spawnSyncStatus(command: string, args: readonly string[]): number | null {
  return spawnSync(command, args, { stdio: 'ignore' }).status;
}

function emptyState(addressId: string) {
  return initialStatus({ addressId, domain: 'example.test' });
}

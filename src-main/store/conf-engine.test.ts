/**
 * conf as the engine of the stored documents, on real files: the settings and a
 * verification history are read and written by a real conf instance, and conf is handed
 * only files document-file has checked. Each engine here is the real confEngine, wrapped
 * to record what the path was at every call (and, where a test says so, to do what a
 * hostile program racing Relayproof would do at that moment).
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger';
import { createServices } from '../services';
import { testAddressFields } from '../testing/address-fields';
import { memoryKeychain } from '../testing/transport-support';
import { emptyHistory } from '../verification/history';
import { initialStatus } from '../verification/status-machine';
import { openVerificationStore } from '../verification/status-store';
import { confEngine } from './conf-engine';
import type { DocumentEngine, DocumentEngineFactory } from './document-engine';
import { StoreUnavailableError } from './document-file';
import { lockPathOf } from './file-lock';
import { openStore, type AppStore } from './store';

const root = mkdtempSync(join(tmpdir(), 'relayproof-conf-engine-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dirCount = 0;
function freshDir(): string {
  const dir = join(root, `case-${++dirCount}`);
  mkdirSync(dir);
  return dir;
}

const FIELDS = testAddressFields();

/** What was at a path: `missing`, `link`, `file <size>`, `folder` or `special`. */
function entryAt(path: string): string {
  try {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) return 'link';
    if (stats.isFile()) return `file ${stats.size}`;
    return stats.isDirectory() ? 'folder' : 'special';
  } catch {
    return 'missing';
  }
}

interface Call {
  readonly op: 'open' | 'read' | 'write';
  readonly path: string;
  /** What the path was when the engine was called. */
  readonly found: string;
}

interface Hooks {
  /** Runs just before the real conf reads (`nth` counts reads of that path from 1). */
  readonly beforeRead?: (path: string, nth: number) => void;
  /** Runs between conf's write and returning to document-file. */
  readonly afterWrite?: (path: string) => void;
}

/** The real confEngine, recording every call in `calls`. */
function recordingConf(calls: Call[], hooks: Hooks = {}): DocumentEngineFactory {
  const reads = new Map<string, number>();
  return (location) => {
    const path = join(location.cwd, `${location.configName}.json`);
    calls.push({ op: 'open', path, found: entryAt(path) });
    const real = confEngine(location);
    const engine: DocumentEngine = {
      path: real.path,
      read() {
        const nth = (reads.get(path) ?? 0) + 1;
        reads.set(path, nth);
        hooks.beforeRead?.(path, nth);
        calls.push({ op: 'read', path, found: entryAt(path) });
        return real.read();
      },
      write(data) {
        calls.push({ op: 'write', path, found: entryAt(path) });
        real.write(data);
        hooks.afterWrite?.(path);
      },
    };
    return engine;
  };
}

/** Replaces `path` by a link to `target`, the way another program would: in one rename. */
function swapForLink(path: string, target: string): void {
  const staged = `${path}.staged-link`;
  symlinkSync(target, staged);
  renameSync(staged, path);
}

/** A change of the settings during which `meanwhile` runs: after the file was read inside the lock, before it is written. */
function changeWith(store: AppStore, meanwhile: () => void): void {
  store.createAddresses([FIELDS], {
    event: (created) => {
      meanwhile();
      return { kind: 'imported', addressId: created.id, address: created.address, platform: created.platform, environment: created.environment, detail: 'race' };
    },
  });
}

const settingsDocument = (address: string) =>
  JSON.stringify({
    schemaVersion: 2,
    settings: {},
    addresses: [{ ...FIELDS, address, username: address, id: 'a-outside000000', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', secretChangedAt: null }],
    notices: [],
  });

describe('the settings are read and written through conf', () => {
  it('every change of config.json is written by conf and every read of it parsed by conf; conf itself reads the result back', () => {
    const dir = freshDir();
    const calls: Call[] = [];
    const store = openStore({ directory: dir, engine: recordingConf(calls) });
    const created = store.createAddress(FIELDS);
    store.updateSettings({ theme: 'dark' });
    const path = join(dir, 'config.json');
    const writes = calls.filter((c) => c.op === 'write' && c.path === path);
    // The file created at open, the address, the theme.
    expect(writes).toHaveLength(3);
    expect(calls.filter((c) => c.op === 'open')).toHaveLength(1);
    expect(store.getAddress(created.id)?.address).toBe('support@example.test');
    // The store keeps what it wrote while the file is unchanged; another one (as in another process) parses the file through conf.
    const other = openStore({ directory: dir, engine: recordingConf(calls) });
    expect(other.getAddress(created.id)?.address).toBe('support@example.test');
    expect(calls.filter((c) => c.op === 'read').length).toBeGreaterThan(0);
    // Every call found the file missing or a plain file, never anything else.
    expect(calls.filter((c) => !/^(missing|file \d+)$/u.test(c.found))).toEqual([]);
    // conf's own format, readable by a plain conf (or electron-store) of an earlier version.
    const plain = new Conf<Record<string, unknown>>({ cwd: dir, configName: 'config', accessPropertiesByDotNotation: false });
    expect(plain.store['settings']).toMatchObject({ theme: 'dark' });
    expect(readFileSync(path, 'utf8')).toMatch(/^\{\n\t"schemaVersion": \d+,/u);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('the services write the settings and every verification history through the engine they are given', async () => {
    const dir = freshDir();
    const calls: Call[] = [];
    const services = createServices({ dataDirectory: dir, mode: 'cli', logger: silentLogger, keychain: async () => memoryKeychain(), documentEngine: recordingConf(calls), validateOutput: false });
    const address = services.store.createAddress(FIELDS);
    services.verificationStore.update(address.id, () => ({ state: initialStatus({ addressId: address.id, domain: 'example.test' }), history: emptyHistory(address.id) }));
    const written = new Set(calls.filter((c) => c.op === 'write').map((c) => c.path));
    expect(written).toEqual(new Set([join(dir, 'config.json'), join(dir, 'verification', `${address.id}.json`)]));
    await services.verification.stopScheduler();
  });

  it("a history file that holds conf's own __internal__ key does not carry it into the next version: conf writes exactly the validated document", () => {
    const dir = freshDir();
    const calls: Call[] = [];
    const store = openVerificationStore({ directory: dir, engine: recordingConf(calls) });
    const entry = { state: initialStatus({ addressId: 'a-kept', domain: 'example.test' }), history: emptyHistory('a-kept') };
    store.update('a-kept', () => entry);
    const path = store.pathOf('a-kept');
    // Unknown keys of a history are dropped when it is read (conf's own bookkeeping key among them).
    const withInternal = { ...(JSON.parse(readFileSync(path, 'utf8')) as object), __internal__: { migrations: { version: '9.9.9' } } };
    writeFileSync(path, JSON.stringify(withInternal, undefined, '\t'));
    const reopened = openVerificationStore({ directory: dir, engine: recordingConf(calls) });
    expect(reopened.get('a-kept')?.state.addressId).toBe('a-kept');
    reopened.update('a-kept', () => entry);
    expect(calls.filter((c) => c.op === 'write' && c.path === path)).toHaveLength(2);
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')) as object)).not.toContain('__internal__');
  });
});

describe('conf is handed only checked files', () => {
  it('a config.json that is a link is neither read nor written through by conf: the link is moved aside, its target untouched', () => {
    const dir = freshDir();
    const outside = join(freshDir(), 'elsewhere.json');
    const original = settingsDocument('outside@example.test');
    writeFileSync(outside, original);
    const before = statSync(outside);
    symlinkSync(outside, join(dir, 'config.json'));
    const calls: Call[] = [];
    const store = openStore({ directory: dir, engine: recordingConf(calls) });
    store.createAddress(FIELDS);
    expect(store.notices().map((n) => n.kind)).toEqual(['symlink']);
    expect(store.listAddresses().map((a) => a.address)).toEqual(['support@example.test']);
    expect(calls.filter((c) => c.found === 'link')).toEqual([]);
    expect(calls.some((c) => c.op === 'write')).toBe(true);
    expect(readFileSync(outside, 'utf8')).toBe(original);
    expect(statSync(outside).mtimeMs).toBe(before.mtimeMs);
    expect(lstatSync(join(dir, 'config.json')).isFile()).toBe(true);
  });

  it('a config.json swapped for a link after it was read, inside the lock, is not written through: the change is refused and the target untouched', () => {
    const dir = freshDir();
    const outside = join(freshDir(), 'elsewhere.json');
    const original = settingsDocument('outside@example.test');
    writeFileSync(outside, original);
    const calls: Call[] = [];
    const store = openStore({ directory: dir, engine: recordingConf(calls) });
    const path = join(dir, 'config.json');
    let error: unknown;
    try {
      store.updateSettings({ theme: 'dark' });
      changeWith(store, () => swapForLink(path, outside));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/^Relayproof did not save this change: its settings file .*config\.json became a link to .*elsewhere\.json after Relayproof had read it/u);
    // conf resolves a link and writes to its target: it was never asked to.
    expect(calls.filter((c) => c.op === 'write' && c.found === 'link')).toEqual([]);
    expect(readFileSync(outside, 'utf8')).toBe(original);
    expect(readdirSync(join(outside, '..'))).toEqual(['elsewhere.json']);
    // The next change moves the link aside and reports it.
    expect(store.updateSettings({ theme: 'light' }).theme).toBe('light');
    expect(store.notices().map((n) => n.kind)).toEqual(['symlink']);
    expect(readFileSync(outside, 'utf8')).toBe(original);
  });

  it("a history file swapped for a link inside the lock is not written through either (the link's target is never written)", () => {
    const dir = freshDir();
    const target = join(freshDir(), 'authorized_keys');
    writeFileSync(target, 'ssh-ed25519 AAAA admin@example.test\n');
    const calls: Call[] = [];
    const store = openVerificationStore({ directory: dir, engine: recordingConf(calls) });
    const entry = () => ({ state: initialStatus({ addressId: 'a-raced', domain: 'example.test' }), history: emptyHistory('a-raced') });
    store.update('a-raced', entry);
    expect(() =>
      store.update('a-raced', () => {
        swapForLink(store.pathOf('a-raced'), target);
        return entry();
      }),
    ).toThrow(StoreUnavailableError);
    expect(calls.filter((c) => c.op === 'write' && c.found === 'link')).toEqual([]);
    expect(readFileSync(target, 'utf8')).toBe('ssh-ed25519 AAAA admin@example.test\n');
  });

  it('what conf read counts only if the path still holds the file that was checked: a link swapped in just before conf reads is never used', () => {
    const dir = freshDir();
    const path = join(dir, 'config.json');
    const outside = join(freshDir(), 'elsewhere.json');
    const original = settingsDocument('outside@example.test');
    writeFileSync(outside, original);
    openStore({ directory: dir }).createAddress(FIELDS);
    const calls: Call[] = [];
    // Between document-file's checked read and conf's read by path, the file becomes a link.
    const store = openStore({ directory: dir, engine: recordingConf(calls, { beforeRead: (at, nth) => nth === 1 && at === path && swapForLink(at, outside) }) });
    // conf did read the target in that window (it follows links); its content is not shown...
    expect(calls.filter((c) => c.op === 'read' && c.found === 'link')).toHaveLength(1);
    expect(store.listAddresses().map((a) => a.address)).not.toContain('outside@example.test');
    // ...the link is found by the checks on the next attempt and moved aside, the target untouched.
    expect(store.notices().map((n) => n.kind)).toEqual(['symlink']);
    expect(readFileSync(outside, 'utf8')).toBe(original);
  });

  it('a settings file over the size limit is never handed to conf: moved aside unread', () => {
    const dir = freshDir();
    const path = join(dir, 'config.json');
    // Valid JSON that conf would parse happily, only too large.
    writeFileSync(path, settingsDocument('big@example.test'));
    const size = statSync(path).size;
    const calls: Call[] = [];
    const store = openStore({ directory: dir, maxBytes: size - 1, engine: recordingConf(calls) });
    expect(store.notices().map((n) => n.kind)).toEqual(['too-large']);
    expect(calls.filter((c) => c.found === `file ${size}`)).toEqual([]);
    expect(store.listAddresses()).toEqual([]);
  });

  it('a file that grew over the limit after it was read is not handed to conf to replace', () => {
    const dir = freshDir();
    const calls: Call[] = [];
    const store = openStore({ directory: dir, maxBytes: 64 * 1024, engine: recordingConf(calls) });
    const path = join(dir, 'config.json');
    expect(() => changeWith(store, () => truncateSync(path, 1024 * 1024))).toThrow(/grew to 1 MiB, more than the 64 KiB it can be/u);
    expect(calls.filter((c) => c.op === 'write' && c.found === `file ${1024 * 1024}`)).toEqual([]);
  });

  it("a lock taken over by another process while conf was writing is reported, not passed off as a clean save", () => {
    const dir = freshDir();
    const path = join(dir, 'config.json');
    let takeOver = false;
    const store = openStore({
      directory: dir,
      engine: recordingConf([], {
        afterWrite: (at) => {
          // What a process that judged this lock stale would leave: its own lock file.
          if (takeOver && at === path) writeFileSync(lockPathOf(path), JSON.stringify({ pid: process.ppid, hostname: 'elsewhere', since: new Date().toISOString(), token: 'someone-else' }));
        },
      }),
    });
    takeOver = true;
    expect(() => store.updateSettings({ theme: 'dark' })).toThrow(/another Relayproof process took it over while this change was being saved, so the change may have been overwritten/u);
    rmSync(lockPathOf(path));
  });
});

/**
 * The store on real files in a temporary directory, through the real `conf` backend.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { idSchema, type AddressFields, type Settings } from '../../src-preload/contract';
import { CURRENT_SCHEMA_VERSION, openStore, storeDocumentSchema, type Migration, type OpenStoreDeps } from './store';
import { testAddressFields } from '../testing/address-fields';
import { MIGRATIONS, checkMigrations, runMigrations } from './store-document';

const root = mkdtempSync(join(tmpdir(), 'relayproof-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dirCount = 0;
function freshDir(): string {
  const dir = join(root, `case-${++dirCount}`);
  mkdirSync(dir);
  return dir;
}

/** A clock that moves one second per call, so timestamps and backup names are predictable. */
function steppingClock(start = '2026-11-05T10:00:00.000Z'): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 1000));
}

function open(directory: string, extra: Partial<OpenStoreDeps> = {}) {
  return openStore({ directory, clock: steppingClock(), ...extra });
}

const configPath = (dir: string) => join(dir, 'config.json');
const readJson = (dir: string): Record<string, unknown> => JSON.parse(readFileSync(configPath(dir), 'utf8')) as Record<string, unknown>;
const tmpLeftovers = (dir: string) => readdirSync(dir).filter((name) => /\.tmp/u.test(name));

const fields = testAddressFields({
  address: 'support@example.com',
  platform: 'zendesk',
  provider: 'm365',
  host: 'smtp.office365.com',
  username: 'support@example.com',
  authKind: 'app-password',
  selectors: ['selector1'],
});

const DEFAULT_SETTINGS = { theme: 'system', dnsServers: [], ehloName: null, smtpTimeoutSeconds: 30, pinnedCertificates: [], rotationReminderDays: 90 };

function validRow(id: string, address: string) {
  return { ...fields, address, id, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', secretChangedAt: null };
}

describe('a new store', () => {
  it('creates config.json with the schema version and default settings, readable by the owner only', () => {
    const dir = freshDir();
    const store = open(dir);
    expect(store.path).toBe(configPath(dir));
    expect(readJson(dir)).toEqual({ schemaVersion: CURRENT_SCHEMA_VERSION, settings: DEFAULT_SETTINGS, addresses: [], notices: [], wizardDraft: null, events: [], sesIdentities: [] });
    expect(store.settings()).toEqual(DEFAULT_SETTINGS);
    expect(store.notices()).toEqual([]);
    expect(statSync(configPath(dir)).mode & 0o777).toBe(0o600);
  });

  it('creates a missing data directory', () => {
    const dir = join(freshDir(), 'nested', 'data');
    open(dir);
    expect(existsSync(configPath(dir))).toBe(true);
  });
});

describe('addresses and settings', () => {
  it('create, update, secret timestamp and delete survive reopening', () => {
    const dir = freshDir();
    const store = open(dir);
    const created = store.createAddress(fields);
    expect(idSchema.safeParse(created.id).success).toBe(true);
    expect(created.id).toMatch(/^a-[a-z2-7]{12}$/u);
    expect(created).toMatchObject({ createdAt: '2026-11-05T10:00:01.000Z', updatedAt: '2026-11-05T10:00:01.000Z', secretChangedAt: null });

    const updated = store.updateAddress(created.id, { port: 465, security: 'tls' });
    expect(updated).toMatchObject({ port: 465, security: 'tls', createdAt: created.createdAt, updatedAt: '2026-11-05T10:00:02.000Z' });
    expect(store.setSecretChangedAt(created.id, '2026-11-05T11:00:00.000Z')?.secretChangedAt).toBe('2026-11-05T11:00:00.000Z');
    const second = store.createAddress({ ...fields, address: 'billing@example.com', environment: 'sandbox' });

    const reopened = open(dir);
    expect(reopened.listAddresses().map((a) => [a.id, a.address, a.port, a.secretChangedAt])).toEqual([
      [created.id, 'support@example.com', 465, '2026-11-05T11:00:00.000Z'],
      [second.id, 'billing@example.com', 587, null],
    ]);
    expect(reopened.getAddress(second.id)?.environment).toBe('sandbox');

    expect(reopened.deleteAddress(created.id)).toBe(true);
    expect(reopened.deleteAddress(created.id)).toBe(false);
    expect(open(dir).listAddresses().map((a) => a.id)).toEqual([second.id]);
  });

  it('an update cannot change the id or timestamps, and an unknown id changes nothing', () => {
    const dir = freshDir();
    const store = open(dir);
    const created = store.createAddress(fields);
    const sneaky = { port: 2525, id: 'a-hijacked', createdAt: '2000-01-01T00:00:00.000Z' } as Partial<AddressFields>;
    expect(store.updateAddress(created.id, sneaky)).toMatchObject({ id: created.id, port: 2525, createdAt: created.createdAt });
    const before = readFileSync(configPath(dir));
    expect(store.updateAddress('a-unknown', { port: 25 })).toBeUndefined();
    expect(store.setSecretChangedAt('a-unknown', null)).toBeUndefined();
    expect(readFileSync(configPath(dir))).toEqual(before);
  });

  it('the file holds only the agreed address fields: no secret field exists', () => {
    const dir = freshDir();
    open(dir).createAddress(fields);
    const [row] = readJson(dir)['addresses'] as Record<string, unknown>[];
    expect(Object.keys(row ?? {}).sort()).toEqual(
      ['address', 'authKind', 'createdAt', 'environment', 'forwardingMailbox', 'host', 'id', 'lastTest', 'mailbox', 'platform', 'platformSubdomain', 'port', 'proceedReason', 'provider', 'rotationReminderDays', 'route', 'secretChangedAt', 'security', 'selectors', 'setup', 'updatedAt', 'username'].sort(),
    );
  });

  it('settings updates merge, persist, and ignore undefined', () => {
    const dir = freshDir();
    const store = open(dir);
    expect(store.updateSettings({ theme: 'dark', dnsServers: ['192.0.2.53:5353'] })).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark', dnsServers: ['192.0.2.53:5353'] });
    store.updateSettings({ smtpTimeoutSeconds: 60, theme: undefined } as unknown as Partial<Settings>);
    expect(open(dir).settings()).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark', dnsServers: ['192.0.2.53:5353'], smtpTimeoutSeconds: 60 });
  });

  it('an invalid change throws and leaves the file byte for byte as it was', () => {
    const dir = freshDir();
    const store = open(dir);
    store.createAddress(fields);
    const before = readFileSync(configPath(dir));
    expect(() => store.updateSettings({ smtpTimeoutSeconds: 1 })).toThrow(/Refusing to write an invalid settings file/u);
    expect(() => store.createAddress({ ...fields, host: 'smtp.example.com\r\nRCPT TO:<x@evil.test>' })).toThrow();
    expect(() => store.updateAddress(store.listAddresses()[0]?.id ?? '', { port: 70000 })).toThrow(/port/u);
    expect(readFileSync(configPath(dir))).toEqual(before);
  });

  it('an injected id generator that repeats is retried, then refused', () => {
    const dir = freshDir();
    const ids = ['a-one', 'a-one', 'a-two'];
    const store = open(dir, { newId: () => ids.shift() ?? 'a-one' });
    expect(store.createAddress(fields).id).toBe('a-one');
    expect(store.createAddress(fields).id).toBe('a-two');
    expect(() => store.createAddress(fields)).toThrow(/newId/u);
    expect(store.listAddresses()).toHaveLength(2);
  });

  it('leaves no temporary files behind', () => {
    const dir = freshDir();
    const store = open(dir);
    for (let i = 0; i < 20; i++) store.createAddress({ ...fields, address: `user${i}@example.com` });
    store.updateSettings({ theme: 'light' });
    expect(tmpLeftovers(dir)).toEqual([]);
    expect(readdirSync(dir)).toEqual(['config.json']);
  });
});

// ---------------------------------------------------------------------------
// Damaged files

function validDocumentBytes(): Buffer {
  const doc = { schemaVersion: 1, settings: { ...DEFAULT_SETTINGS, theme: 'dark' }, addresses: [validRow('a-first', 'first@example.com'), validRow('a-second', 'second@example.com')], notices: [] };
  return Buffer.from(JSON.stringify(doc, undefined, '\t'));
}

/** Writes `bytes` as config.json, opens the store, and checks what every recovery must do. */
function openDamaged(bytes: Buffer | string) {
  const dir = freshDir();
  const original = Buffer.from(bytes);
  writeFileSync(configPath(dir), original);
  const store = open(dir);
  const notices = store.notices();
  expect(notices).toHaveLength(1);
  const notice = notices[0];
  if (notice === undefined || notice.backupPath === null) throw new Error('expected a notice with a backup');
  // Nothing is lost: the backup holds the original bytes, named as agreed, and the message says where.
  expect(readFileSync(notice.backupPath)).toEqual(original);
  expect(notice.backupPath).toBe(join(dir, 'config.corrupt-2026-11-05T10-00-01.000Z.json'));
  expect(notice.message).toContain(notice.backupPath);
  expect(notice.message).not.toContain('undefined');
  // The store is usable and the notice is in the file until dismissed.
  const created = store.createAddress({ ...fields, address: 'after@example.com' });
  const reopened = open(dir);
  expect(reopened.getAddress(created.id)?.address).toBe('after@example.com');
  expect(reopened.notices()).toEqual(notices);
  expect(storeDocumentSchema.safeParse(readJson(dir)).success).toBe(true);
  expect(tmpLeftovers(dir)).toEqual([]);
  return { dir, store: reopened, notice, original };
}

describe('batches', () => {
  it('createAddresses stores many addresses and their events in one write', () => {
    const dir = freshDir();
    let writes = 0;
    const store = open(dir, { onWrite: () => (writes += 1) });
    const before = writes;
    const rows = Array.from({ length: 50 }, (_, i) => ({ ...fields, address: `user${i}@example.com`, username: `user${i}@example.com` }));
    const created = store.createAddresses(rows, { event: (a, index) => ({ kind: 'imported', addressId: a.id, address: a.address, platform: a.platform, environment: a.environment, detail: `row ${index + 1}` }) });
    expect(writes - before).toBe(1);
    expect(created.map((a) => a.address)).toEqual(rows.map((r) => r.address));
    expect(new Set(created.map((a) => a.id)).size).toBe(50);
    expect(store.listAddresses()).toHaveLength(50);
    expect(store.events().map((e) => e.detail)).toEqual(rows.map((_, i) => `row ${i + 1}`));
  });
});

describe('status of many addresses at once', () => {
  const lastTest = (summary: string) => ({ at: '2026-11-05T10:00:00.000Z', ok: true, summary, platformReady: null, blockers: [] });

  it('setAddressStatuses: one write, each update sees the address as it is in the file; what another store wrote meanwhile stays', () => {
    const dir = freshDir();
    let writes = 0;
    const fleet = open(dir, { onWrite: () => (writes += 1) });
    const [a, b, gone] = fleet.createAddresses(['a', 'b', 'c'].map((n) => ({ ...fields, address: `${n}@example.com`, username: `${n}@example.com` })));
    // Another process (a CLI `address add`, an edit, a delete) after this store last read the file.
    const cli = open(dir);
    cli.createAddress({ ...fields, address: 'added@example.com', username: 'added@example.com' });
    cli.updateAddress(b?.id ?? '', { host: 'smtp.example.net' });
    cli.deleteAddress(gone?.id ?? '');
    const before = writes;
    const seen: string[] = [];
    const changed = fleet.setAddressStatuses([
      { id: a?.id ?? '', update: () => ({ lastTest: lastTest('a passed') }) },
      // The test spoke for the old server: declines.
      { id: b?.id ?? '', update: (now) => (seen.push(now.host), now.host === 'smtp.office365.com' ? { lastTest: lastTest('b passed') } : null) },
      { id: gone?.id ?? '', update: () => ({ lastTest: lastTest('gone') }) },
    ]);
    expect(writes - before).toBe(1);
    expect(changed).toBe(1);
    expect(seen).toEqual(['smtp.example.net']);
    const after = open(dir);
    expect(after.listAddresses().map((x) => x.address)).toEqual(['a@example.com', 'b@example.com', 'added@example.com']);
    expect(after.getAddress(a?.id ?? '')?.lastTest?.summary).toBe('a passed');
    expect(after.getAddress(b?.id ?? '')?.lastTest).toBeNull();
  });

  it('a read after another store changed the file sees the change; what a read returns cannot be changed in place', () => {
    const dir = freshDir();
    const one = open(dir);
    const created = one.createAddress(fields);
    const other = open(dir);
    other.updateSettings({ theme: 'dark' });
    expect(one.settings().theme).toBe('dark');
    const read = one.getAddress(created.id);
    // Reads share the last parse while the file is unchanged: a caller changing it would change every later read.
    expect(() => Object.assign(read ?? {}, { host: 'evil.example' })).toThrow(TypeError);
    expect(one.getAddress(created.id)?.host).toBe('smtp.office365.com');
  });
});

describe('damaged settings files', () => {
  it('truncated JSON: corrupt-json, says where it was cut off, starts clean', () => {
    const full = validDocumentBytes();
    const cut = full.subarray(0, 200);
    const { notice, store } = openDamaged(cut);
    expect(notice.kind).toBe('corrupt-json');
    expect(notice.message).toMatch(/^Relayproof's settings file was not valid JSON \(cut off at byte 200: /u);
    expect(notice.message).toContain('Your addresses are still in that file');
    expect(store.listAddresses().map((a) => a.address)).toEqual(['after@example.com']);
    expect(store.settings()).toEqual(DEFAULT_SETTINGS);
  });

  it('JSON broken in the middle: corrupt-json names the byte', () => {
    const { notice } = openDamaged('{"schemaVersion": 1, "settings": {"theme": "dark",, }}');
    expect(notice.kind).toBe('corrupt-json');
    expect(notice.message).toMatch(/not valid JSON \([^)]* at byte \d+\)/u);
  });

  it('an empty file: empty', () => {
    expect(openDamaged('').notice.kind).toBe('empty');
    expect(openDamaged('  \n\t').notice.message).toContain('was empty (4 bytes)');
  });

  it('wrong types: keeps every valid setting and address row, lists what was dropped', () => {
    const doc = {
      schemaVersion: CURRENT_SCHEMA_VERSION,
      settings: { theme: 'dark', smtpTimeoutSeconds: 'thirty', rotationReminderDays: 30, colour: 'blue' },
      addresses: [validRow('a-good1', 'good1@example.com'), { ...validRow('a-bad1', 'bad@example.com'), port: 99999 }, 'nonsense', validRow('a-good2', 'good2@example.com'), validRow('a-good1', 'dupe@example.com')],
      notices: [],
      extra: true,
    };
    const { notice, store } = openDamaged(JSON.stringify(doc));
    expect(notice.kind).toBe('invalid-content');
    expect(store.settings()).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark', rotationReminderDays: 30 });
    expect(store.listAddresses().map((a) => a.id).slice(0, 2)).toEqual(['a-good1', 'a-good2']);
    expect(notice.message).toContain('started with the settings and 2 of 5 addresses it could read');
    for (const part of ['setting "smtpTimeoutSeconds"', 'setting "colour"', 'address 2 (bad@example.com): port', 'address 3', 'address 5 (dupe@example.com): its id a-good1 is used', '"extra" (not a Relayproof setting)']) {
      expect(notice.message).toContain(part);
    }
  });

  it('not an object at all: invalid-content with defaults', () => {
    const { notice, store } = openDamaged('[1, 2, 3]');
    expect(notice.kind).toBe('invalid-content');
    expect(store.settings()).toEqual(DEFAULT_SETTINGS);
  });

  it('no schemaVersion and no migration for it: invalid-content, rows still salvaged', () => {
    const { notice, store } = openDamaged(JSON.stringify({ settings: { theme: 'light' }, addresses: [validRow('a-kept', 'kept@example.com')] }));
    expect(notice.kind).toBe('invalid-content');
    expect(notice.message).toContain('it has no schemaVersion');
    expect(store.getAddress('a-kept')?.address).toBe('kept@example.com');
    expect(store.settings().theme).toBe('light');
  });

  it('a newer format: future-version, original kept unchanged in the backup, not overwritten in place', () => {
    const newer = JSON.stringify({ schemaVersion: 7, settings: { theme: 'dark', aiAssistant: true }, addresses: [validRow('a-old-shape', 'x@example.com')], notices: [], vault: {} });
    const { notice, dir } = openDamaged(newer);
    expect(notice.kind).toBe('future-version');
    expect(notice.message).toContain(`written by a newer Relayproof (settings format 7; this version understands format ${CURRENT_SCHEMA_VERSION})`);
    expect(readJson(dir)['schemaVersion']).toBe(CURRENT_SCHEMA_VERSION);
    expect(readFileSync(configPath(dir), 'utf8')).not.toBe(newer);
  });

  it('config.json is a folder (unreadable): moved aside whole, store starts clean', () => {
    const dir = freshDir();
    mkdirSync(configPath(dir));
    writeFileSync(join(configPath(dir), 'inside.txt'), 'keep me');
    const store = open(dir);
    const [notice] = store.notices();
    expect(notice?.kind).toBe('unreadable');
    expect(notice?.message).toContain('could not read its settings file (it is a folder, not a file)');
    expect(readFileSync(join(notice?.backupPath ?? '', 'inside.txt'), 'utf8')).toBe('keep me');
    expect(statSync(configPath(dir)).isFile()).toBe(true);
    store.createAddress(fields);
    expect(open(dir).listAddresses()).toHaveLength(1);
  });

  // root ignores directory permissions, so the rename would succeed and the case cannot be shown.
  const isRoot = process.getuid?.() === 0;
  it.skipIf(isRoot)(`a file that cannot be moved aside is not touched and the open fails with the reason${isRoot ? ' (skipped: running as root)' : ''}`, () => {
    const dir = freshDir();
    writeFileSync(configPath(dir), '{broken');
    chmodSync(dir, 0o500);
    try {
      expect(() => open(dir)).toThrow(/moving it aside .* failed/u);
      expect(readFileSync(configPath(dir), 'utf8')).toBe('{broken');
    } finally {
      chmodSync(dir, 0o700);
    }
  });

  it('a byte order mark (Notepad) is not damage: no notice, rewritten without it', () => {
    const dir = freshDir();
    writeFileSync(configPath(dir), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), validDocumentBytes()]));
    const store = open(dir);
    expect(store.notices()).toEqual([]);
    expect(store.listAddresses()).toHaveLength(2);
    expect(readFileSync(configPath(dir))[0]).toBe(0x7b);
  });

  it('a damaged file with a byte order mark is backed up with the mark', () => {
    const { original, notice } = openDamaged(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"schemaVersion": 1,')]));
    expect(original[0]).toBe(0xef);
    expect(notice.message).toContain('cut off at byte 23');
  });

  it('two recoveries in the same second keep both backups', () => {
    const dir = freshDir();
    const fixed = () => new Date('2026-11-05T12:00:00.000Z');
    writeFileSync(configPath(dir), 'first damage');
    openStore({ directory: dir, clock: fixed });
    writeFileSync(configPath(dir), 'second damage');
    const store = openStore({ directory: dir, clock: fixed });
    // The first notice lived in the file that was damaged the second time; both backups remain.
    expect(store.notices().map((n) => n.backupPath)).toEqual([join(dir, 'config.corrupt-2026-11-05T12-00-00.000Z-2.json')]);
    const backups = readdirSync(dir).filter((name) => name.startsWith('config.corrupt-')).sort();
    expect(backups.map((name) => readFileSync(join(dir, name), 'utf8'))).toEqual(['second damage', 'first damage']);
    expect(backups).toEqual(['config.corrupt-2026-11-05T12-00-00.000Z-2.json', 'config.corrupt-2026-11-05T12-00-00.000Z.json']);
  });

  it('damage while the store is open is recovered on the next read, with a notice', () => {
    const dir = freshDir();
    const store = open(dir);
    store.createAddress(fields);
    writeFileSync(configPath(dir), '{"schemaVersion": 1, "addresses": [');
    expect(store.listAddresses()).toEqual([]);
    const [notice] = store.notices();
    expect(notice?.kind).toBe('corrupt-json');
    expect(readFileSync(notice?.backupPath ?? '', 'utf8')).toBe('{"schemaVersion": 1, "addresses": [');
  });

  it('a notice stays until dismissed, and dismissing keeps the backup', () => {
    const { dir, store, notice } = openDamaged('{');
    expect(store.dismissNotice('n-unknown')).toBe(false);
    expect(store.dismissNotice(notice.id)).toBe(true);
    expect(open(dir).notices()).toEqual([]);
    expect(existsSync(notice.backupPath ?? '')).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// Migrations

describe('migrations', () => {
  it('run in order, each seeing the previous result', () => {
    const trail: number[] = [];
    const step = (from: number): Migration => ({
      from,
      to: from + 1,
      migrate: (doc) => {
        trail.push(from);
        return { ...doc, steps: [...((doc['steps'] as number[] | undefined) ?? []), from] };
      },
    });
    // Listed out of order on purpose: the runner picks by `from`.
    const outcome = runMigrations({ schemaVersion: 0 }, 0, [step(2), step(0), step(1)], 3);
    expect(outcome).toEqual({ ok: true, document: { schemaVersion: 3, steps: [0, 1, 2] }, applied: [1, 2, 3] });
    expect(trail).toEqual([0, 1, 2]);
    expect(runMigrations({}, 0, [step(0), step(2)], 3)).toEqual({ ok: false, reason: 'this Relayproof cannot upgrade settings format 1' });
  });

  it('a wrong migration list is refused before the file is touched', () => {
    const m = (from: number, to: number): Migration => ({ from, to, migrate: (d) => ({ ...d }) });
    expect(() => checkMigrations([m(0, 2)], 3)).toThrow(/n to n\+1/u);
    expect(() => checkMigrations([m(0, 1), m(0, 1)], 3)).toThrow(/Two migrations/u);
    expect(() => checkMigrations([m(1, 2)], 1)).toThrow(/beyond/u);
    expect(() => openStore({ directory: freshDir(), migrations: [m(0, 2)] })).toThrow();
  });

  it('a file from before versioning is migrated, rewritten at the current version, with a copy of the original', () => {
    const dir = freshDir();
    const legacy = JSON.stringify({ theme: 'dark', accounts: [{ email: 'legacy@example.com', smtpHost: 'smtp.example.com' }] });
    writeFileSync(configPath(dir), legacy);
    const toV1: Migration = {
      from: 0,
      to: 1,
      migrate: (doc) => ({
        settings: { theme: doc['theme'] },
        addresses: ((doc['accounts'] as Array<Record<string, string>> | undefined) ?? []).map((a, i) => ({
          ...fields,
          address: a['email'],
          username: a['email'],
          host: a['smtpHost'],
          id: `a-legacy${i}`,
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt: '2026-01-01T00:00:00.000Z',
          secretChangedAt: null,
        })),
      }),
    };
    const store = open(dir, { migrations: [toV1, ...MIGRATIONS] });
    expect(store.notices()).toEqual([]);
    expect(store.settings().theme).toBe('dark');
    expect(store.getAddress('a-legacy0')?.host).toBe('smtp.example.com');
    expect(readJson(dir)['schemaVersion']).toBe(CURRENT_SCHEMA_VERSION);
    expect(readFileSync(join(dir, 'config.before-migration-v0-2026-11-05T10-00-01.000Z.json'), 'utf8')).toBe(legacy);
    // Already current: reopening migrates nothing and copies nothing.
    open(dir, { migrations: [toV1, ...MIGRATIONS] });
    expect(readdirSync(dir).sort()).toEqual(['config.before-migration-v0-2026-11-05T10-00-01.000Z.json', 'config.json']);
  });

  it('a migration that throws: invalid-content notice, original in the backup', () => {
    const dir = freshDir();
    writeFileSync(configPath(dir), '{"old": true}');
    const store = open(dir, { migrations: [{ from: 0, to: 1, migrate: () => { throw new Error('unexpected layout'); } }] });
    const [notice] = store.notices();
    expect(notice?.kind).toBe('invalid-content');
    expect(notice?.message).toContain('upgrading it from format 0 failed (unexpected layout)');
    expect(readFileSync(notice?.backupPath ?? '', 'utf8')).toBe('{"old": true}');
  });
});

// ---------------------------------------------------------------------------
// Several writers

describe('several writers', () => {
  it('two stores in one process see each other and lose nothing', () => {
    const dir = freshDir();
    const a = open(dir);
    const b = open(dir);
    for (let i = 0; i < 10; i++) {
      a.createAddress({ ...fields, address: `a${i}@example.com` });
      b.createAddress({ ...fields, address: `b${i}@example.com` });
    }
    b.updateSettings({ theme: 'dark' });
    expect(a.listAddresses()).toHaveLength(20);
    expect(a.settings().theme).toBe('dark');
    expect(storeDocumentSchema.safeParse(readJson(dir)).success).toBe(true);
  });
  // Several processes at once (16 writers, a killed lock holder, a live one): document-file.test.ts.
});

/**
 * Hostile data files UNDER their byte limits (a security review's findings F2
 * and F3), run through the built `relayproof` command (bundled privately for this file) as
 * separate processes, with each process's peak memory recorded as it exits.
 *
 * - F2: a 31 MB `config.json` of `{"schemaVersion":2,"addresses":[{},{},…]}` (limit 32 MiB)
 *   made every command run out of memory after a minute and leave `config.json.lock`
 *   behind. Now the file is moved aside unparsed (too many entries) or salvaged with the
 *   row count checked first, every command answers, and peak memory stays under 300 MB.
 * - F3: the single `verification.json` of earlier versions (split once into per-address
 *   files) could be 256 MiB; millions of `{}` in it passed 6.5 GB, a 250 MB string 905 MB.
 *   Its limit is now the per-address one (64 MiB), its entries are counted before parsing,
 *   and a file within both is still handled in under 300 MB.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEntries, type BuiltEntries } from '../testing/built-entries';

const root = mkdtempSync(join(tmpdir(), 'relayproof-hostile-files-'));
let built: BuiltEntries;
/** Records the process's peak memory when it exits (`node --import`). */
const peakMemoryHook = join(root, 'peak-memory.mjs');
beforeAll(async () => {
  built = await buildEntries({ cli: 'src-main/cli/cli.ts' });
  writeFileSync(peakMemoryHook, "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.PEAK_MEMORY_FILE, String(process.resourceUsage().maxRSS * 1024)));\n");
}, 120_000);
afterAll(() => {
  built.remove();
  rmSync(root, { recursive: true, force: true });
});

const PEAK_LIMIT = 300 * 1024 * 1024;
let caseCount = 0;
function freshDir(name: string): string {
  const dir = join(root, `${name}-${++caseCount}`);
  mkdirSync(dir);
  return dir;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly peakMemory: number;
}

function run(args: readonly string[], data: string): Promise<Run> {
  const peakFile = join(root, `peak-${++caseCount}`);
  return new Promise((resolve) => {
    // A 4 GB heap, as in the review: the old code reached it; the limit below is what counts.
    const child = spawn(process.execPath, ['--max-old-space-size=4096', '--import', peakMemoryHook, built.path('cli'), ...args], {
      env: { ...process.env, ...built.env, RELAYPROOF_DATA_DIR: data, PEAK_MEMORY_FILE: peakFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr, peakMemory: existsSync(peakFile) ? Number(readFileSync(peakFile, 'utf8')) : Number.NaN }));
  });
}

/** `{"schemaVersion":2,"addresses":[{},{},…]}` of about `bytes` bytes. */
function emptyRows(bytes: number): string {
  const count = Math.floor((bytes - 40) / 3);
  return `{"schemaVersion":2,"addresses":[${'{},'.repeat(count)}{}]}`;
}

interface Doctor {
  checks: Array<{ id: string; status: string; summary: string; detail: Record<string, unknown> }>;
}

function settingsNotices(doctor: Run): Array<{ kind: string; message: string; backupPath: string }> {
  const report = JSON.parse(doctor.stdout) as Doctor;
  return (report.checks.find((c) => c.id === 'settings')?.detail['notices'] as Array<{ kind: string; message: string; backupPath: string }> | undefined) ?? [];
}

describe('F2: a settings file of millions of empty rows, under the 32 MiB limit', () => {
  it('31 MB of `{},`: address list, status and doctor each answer; the file is moved aside unparsed and reported; no lock is left', async () => {
    const content = emptyRows(31 * 1000 * 1000);
    for (const args of [
      ['address', 'list', '--json'],
      ['status', '--json'],
      ['doctor', '--json'],
    ]) {
      const data = freshDir('rows');
      writeFileSync(join(data, 'config.json'), content);
      const result = await run(args, data);
      // doctor exits 1 when any check fails (no keychain here); the others answer 0.
      expect({ args, code: args[0] === 'doctor' ? 0 : result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect([0, 1]).toContain(result.code);
      if (args[0] !== 'doctor') expect(JSON.parse(result.stdout)).toMatchObject({ ok: true });
      expect(result.peakMemory).toBeLessThan(PEAK_LIMIT);
      expect(statSync(join(data, 'config.json')).size).toBeLessThan(10_000);
      expect(readdirSync(data).filter((f) => f.endsWith('.lock'))).toEqual([]);
      if (args[0] === 'doctor') {
        const notices = settingsNotices(result);
        expect(notices.map((n) => n.kind)).toEqual(['invalid-content']);
        expect(notices[0]?.message).toContain('it holds more than 1,000,000 entries');
        expect(notices[0]?.message).toContain('started with default settings and no addresses');
        // The original is kept, byte for byte, for the admin to look at.
        expect(statSync(notices[0]?.backupPath ?? '').size).toBe(content.length);
      }
    }
  }, 240_000);

  it('400,000 empty rows (800,000 entries, under the budget): the rows are counted before they are validated, the notice lists a few and says how many more', async () => {
    const data = freshDir('rows');
    writeFileSync(join(data, 'config.json'), `{"schemaVersion":2,"addresses":[${'{},'.repeat(399_999)}{}]}`);
    const result = await run(['doctor', '--json'], data);
    expect({ answered: [0, 1].includes(result.code ?? -1), stderr: result.stderr }).toEqual({ answered: true, stderr: '' });
    expect(result.peakMemory).toBeLessThan(PEAK_LIMIT);
    const notices = settingsNotices(result);
    expect(notices.map((n) => n.kind)).toEqual(['invalid-content']);
    expect(notices[0]?.message).toContain('More than 5000 addresses');
    expect(notices[0]?.message).toContain('0 of 400000 addresses');
    // 5,000 rows looked at, each dropped, plus one line for the rest: ten named, the others counted.
    expect(notices[0]?.message).toContain('and 4,991 more');
    expect(notices[0]?.message).toContain('addresses 5001 to 400000 (Relayproof keeps at most 5000 addresses)');
    expect(readdirSync(data).filter((f) => f.endsWith('.lock'))).toEqual([]);
  }, 120_000);
});

describe('F3: the single verification.json of earlier versions, under its limit', () => {
  // Twice the settings budget: this file may be twice the size (20 full histories, read once);
  // measured about 320 MB unparsed and 380 MB for a 60 MB string, against 0.9 to 6.5 GB before.
  const LEGACY_PEAK_LIMIT = 2 * PEAK_LIMIT;
  function legacy(data: string, content: string): void {
    writeFileSync(join(data, 'verification.json'), content);
  }
  function historyNotices(doctor: Run): Array<{ kind: string; message: string; backupPath: string }> {
    const report = JSON.parse(doctor.stdout) as Doctor;
    return (report.checks.find((c) => c.id === 'verification-history')?.detail['notices'] as Array<{ kind: string; message: string; backupPath: string }> | undefined) ?? [];
  }

  it('60 MB of `{},` in one address: moved aside unparsed and reported; status answers', async () => {
    const data = freshDir('legacy');
    const content = `{"schemaVersion":1,"addresses":{"a-legacy0001":{"state":{},"history":{"runs":[${'{},'.repeat(20_000_000)}{}]}}}}`;
    legacy(data, content);
    const status = await run(['status', '--json'], data);
    expect({ code: status.code, stderr: status.stderr }).toEqual({ code: 0, stderr: '' });
    expect(status.peakMemory).toBeLessThan(LEGACY_PEAK_LIMIT);
    expect(existsSync(join(data, 'verification.json'))).toBe(false);
    const doctor = await run(['doctor', '--json'], data);
    const notices = historyNotices(doctor);
    expect(notices.map((n) => n.kind)).toEqual(['invalid-content']);
    expect(notices[0]?.message).toContain('it holds more than 2,000,000 entries');
    expect(statSync(notices[0]?.backupPath ?? '').size).toBe(content.length);
  }, 120_000);

  it('a 60 MB string: parsed, found invalid and moved aside in under 600 MB', async () => {
    const data = freshDir('legacy');
    legacy(data, `{"schemaVersion":1,"addresses":{"a-legacy0001":"${'x'.repeat(60_000_000)}"}}`);
    const status = await run(['status', '--json'], data);
    expect({ code: status.code, stderr: status.stderr }).toEqual({ code: 0, stderr: '' });
    expect(status.peakMemory).toBeLessThan(LEGACY_PEAK_LIMIT);
    expect(existsSync(join(data, 'verification.json'))).toBe(false);
  }, 120_000);

  it('a file over 64 MiB (once allowed up to 256 MiB) is moved aside unread, like the 250 MB string of the review', async () => {
    const data = freshDir('legacy');
    legacy(data, `{"schemaVersion":1,"addresses":{"a-legacy0001":"${'x'.repeat(65 * 1024 * 1024)}"}}`);
    const doctor = await run(['doctor', '--json'], data);
    expect(doctor.peakMemory).toBeLessThan(LEGACY_PEAK_LIMIT);
    expect(historyNotices(doctor).map((n) => n.kind)).toEqual(['too-large']);
  }, 120_000);
});

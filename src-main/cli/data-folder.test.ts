/**
 * The shared data folder on the user's path: the built `relayproof` command (bundled
 * privately for this file, as `out/main/cli.js` is), run as separate processes.
 *
 * - Issue 13: sixteen `relayproof address add` started together all store their address,
 *   each with its password in the OS keychain and none orphaned; eight adding the SAME
 *   address together store it once (the duplicate check runs inside the settings lock); `doctor` lists keychain
 *   entries without an address and `doctor --remove-orphans` deletes exactly those. These
 *   run in a private D-Bus session with a throwaway gnome-keyring (its files in a
 *   temporary XDG_DATA_HOME), so they never see or delete another test's entries.
 * - Issue 12: a 600 MB settings file (sparse: no disk used) does not stop any command; it
 *   is moved aside unread (the process's peak memory stays far below its size) and
 *   reported, as are a 600 MB history and Microsoft 365 registrations file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEntries, type BuiltEntries } from '../testing/built-entries';

const root = mkdtempSync(join(tmpdir(), 'relayproof-data-folder-'));
let built: BuiltEntries;
/** Records the process's peak memory when it exits (`node --import`). */
const peakMemoryHook = join(root, 'peak-memory.mjs');
/** Makes a file named after the process in $READY_DIR when it starts reading standard input (`node --import`). */
const readyHook = join(root, 'ready.mjs');
beforeAll(async () => {
  built = await buildEntries({ cli: 'src-main/cli/cli.ts', writer: 'src-main/testing/store-writer.ts' });
  writeFileSync(
    readyHook,
    "import { writeFileSync } from 'node:fs';\nconst iterate = process.stdin[Symbol.asyncIterator];\nprocess.stdin[Symbol.asyncIterator] = function () {\n  writeFileSync(`${process.env.READY_DIR}/${process.pid}`, '');\n  return iterate.call(this);\n};\n",
  );
  writeFileSync(peakMemoryHook, "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.PEAK_MEMORY_FILE, String(process.resourceUsage().maxRSS * 1024)));\n");
}, 120_000);
afterAll(() => {
  built.remove();
  rmSync(root, { recursive: true, force: true });
});

let caseCount = 0;
function freshDir(name: string): string {
  const dir = join(root, `${name}-${++caseCount}`);
  mkdirSync(dir);
  return dir;
}

const hasCommand = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
const keyringSkip = ['dbus-run-session', 'gnome-keyring-daemon'].filter((c) => !hasCommand(c));
if (keyringSkip.length > 0) console.warn(`[data-folder.test] SKIPPING the keychain cases: ${keyringSkip.join(' and ')} not installed (apt-get install dbus gnome-keyring)`);

/**
 * Runs `script` (sh) in a private D-Bus session with a new, unlocked gnome-keyring.
 * `$CLI` runs the built command; outputs go to files in `$OUT`.
 */
function inKeyringSession(script: string, env: Record<string, string>): Promise<number | null> {
  const xdg = freshDir('xdg');
  const header = `set -u\necho -n relayproof-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null\n`;
  return new Promise((resolve) => {
    const child = spawn('dbus-run-session', ['--', 'sh', '-c', header + script], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: xdg, XDG_DATA_HOME: xdg, XDG_RUNTIME_DIR: xdg, CLI: `${process.execPath} ${built.path('cli')}`, ...built.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (code) => resolve(code));
  });
}

const json = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

interface Doctor {
  checks: Array<{ id: string; status: string; summary: string; detail: Record<string, unknown> }>;
  orphanCleanup?: { done: boolean; removed?: string[]; kept?: unknown[]; reason?: string };
}
interface Listed {
  addresses: Array<{ id: string; address: string; secret: { stored: boolean | null } }>;
}

const addCommand = (address: string, secretVar: string, out: string, envPrefix = '') =>
  `printf '%s' "${secretVar}" | ${envPrefix}$CLI address add --address ${address} --platform generic --environment production --provider custom --host 127.0.0.1 --port 587 --security starttls --user ${address} --password-stdin --json > ${out}.json 2> ${out}.err; echo $? > ${out}.code`;

describe.skipIf(keyringSkip.length > 0)('relayproof address add, sixteen at once', () => {
  it('every one of 16 concurrent `address add` is stored with its password, and no keychain entry is orphaned', async () => {
    const data = freshDir('data');
    const out = freshDir('out');
    const adds = Array.from({ length: 16 }, (_, i) => `( ${addCommand(`user${i}@example.test`, `Secret-${i}-$$`, `${out}/add-${i}`)} ) &`).join('\n');
    const code = await inKeyringSession(`${adds}\nwait\n$CLI address list --json > ${out}/list.json\n$CLI doctor --json > ${out}/doctor.json\n`, { RELAYPROOF_DATA_DIR: data });
    expect(code).toBe(0);

    const failed = Array.from({ length: 16 }, (_, i) => i).filter((i) => readFileSync(join(out, `add-${i}.code`), 'utf8').trim() !== '0');
    expect(failed.map((i) => readFileSync(join(out, `add-${i}.err`), 'utf8'))).toEqual([]);
    const listed = json<Listed>(join(out, 'list.json')).addresses;
    expect(listed.map((a) => a.address).sort()).toEqual(Array.from({ length: 16 }, (_, i) => `user${i}@example.test`).sort());
    expect(listed.filter((a) => a.secret.stored !== true)).toEqual([]);
    // Every `ok` printed is an address that exists.
    const said = Array.from({ length: 16 }, (_, i) => json<{ ok: boolean; address: { id: string } }>(join(out, `add-${i}.json`)));
    expect(said.every((s) => s.ok)).toBe(true);
    expect(new Set(said.map((s) => s.address.id))).toEqual(new Set(listed.map((a) => a.id)));
    const orphans = json<Doctor>(join(out, 'doctor.json')).checks.find((c) => c.id === 'keychain-orphans');
    expect(orphans).toMatchObject({ status: 'pass', detail: { orphans: [] } });
  }, 240_000);

  it('eight concurrent `address add` of the SAME address store it once; the others are refused as duplicates and leave no keychain entry', async () => {
    const data = freshDir('data');
    const out = freshDir('out');
    // The race made certain rather than lucky: each add starts, opens the store and waits
    // for its password on standard input (the \`go\` pipe; it says so in \`ready/\`); then
    // another process holds the settings lock while all eight get their passwords, so every
    // add reads the file (no such address yet) and waits at the lock until the holder dies.
    const adds = Array.from({ length: 8 }, (_, i) =>
      `( ${addCommand('same@example.test', '', `${out}/add-${i}`).replace(/^printf '%s' "" \| \$CLI/u, `(cat ${out}/go; printf '%s' "Same-${i}-$$") | $CLI_READY`)} ) &`,
    ).join('\n');
    const script = [
      `mkdir ${out}/ready`,
      `mkfifo ${out}/go`,
      adds,
      `until [ "$(ls ${out}/ready | wc -l)" -ge 8 ]; do sleep 0.1; done`,
      `$WRITER hold-lock ${data} > ${out}/holder &`,
      'HOLDER=$!',
      `until grep -q locked ${out}/holder; do sleep 0.1; done`,
      `: > ${out}/go`,
      // Enough for eight processes on two busy cores to check and reach the lock, well
      // inside the 10 s a process waits for it.
      'sleep 3',
      'kill -9 $HOLDER',
      'wait',
      `$CLI address list --json > ${out}/list.json`,
      `$CLI doctor --json > ${out}/doctor.json`,
    ].join('\n');
    const code = await inKeyringSession(`${script}\n`, {
      RELAYPROOF_DATA_DIR: data,
      READY_DIR: join(out, 'ready'),
      CLI_READY: `${process.execPath} --import ${readyHook} ${built.path('cli')}`,
      WRITER: `${process.execPath} ${built.path('writer')}`,
    });
    expect(code).toBe(0);

    const listed = json<Listed>(join(out, 'list.json')).addresses;
    expect(listed.map((a) => [a.address, a.secret.stored])).toEqual([['same@example.test', true]]);
    const codes = Array.from({ length: 8 }, (_, i) => readFileSync(join(out, `add-${i}.code`), 'utf8').trim());
    expect(codes.filter((c) => c === '0')).toHaveLength(1);
    const winner = codes.indexOf('0');
    expect(json<{ ok: boolean; address: { id: string } }>(join(out, `add-${winner}.json`)).address.id).toBe(listed[0]?.id);
    // Each refusal says why, in the words the check uses for a duplicate.
    const refusals = codes.flatMap((c, i) => (c === '0' ? [] : [readFileSync(join(out, `add-${i}.json`), 'utf8') + readFileSync(join(out, `add-${i}.err`), 'utf8')]));
    expect(refusals).toHaveLength(7);
    for (const text of refusals) expect(text).toContain('same@example.test is already connected to');
    // A refused create's password never stays behind in the keychain.
    const orphans = json<Doctor>(join(out, 'doctor.json')).checks.find((c) => c.id === 'keychain-orphans');
    expect(orphans).toMatchObject({ status: 'pass', detail: { orphans: [] } });
  }, 240_000);

  it('doctor lists keychain entries without an address; --remove-orphans deletes exactly those', async () => {
    const here = freshDir('data');
    const elsewhere = freshDir('data');
    const out = freshDir('out');
    const script = [
      addCommand('kept@example.test', 'Kept-$$', `${out}/kept`),
      // A secret whose address is not in this data folder: an orphan here.
      addCommand('gone@example.test', 'Gone-$$', `${out}/gone`, `RELAYPROOF_DATA_DIR=${elsewhere} `),
      `$CLI doctor --json > ${out}/before.json`,
      `$CLI doctor --remove-orphans --json > ${out}/removed.json`,
      `$CLI doctor --json > ${out}/after.json`,
      `RELAYPROOF_DATA_DIR=${elsewhere} $CLI address list --json > ${out}/elsewhere.json`,
      `$CLI address list --json > ${out}/here.json`,
    ].join('\n');
    expect(await inKeyringSession(`${script}\n`, { RELAYPROOF_DATA_DIR: here })).toBe(0);

    const goneId = json<{ address: { id: string } }>(join(out, 'gone.json')).address.id;
    const before = json<Doctor>(join(out, 'before.json')).checks.find((c) => c.id === 'keychain-orphans');
    expect(before).toMatchObject({ status: 'warn', detail: { orphans: [{ account: goneId, addressId: goneId, purpose: 'smtp' }] } });
    expect(before?.summary).toContain(`1 keychain entry belongs to no address`);
    const removed = json<Doctor>(join(out, 'removed.json'));
    expect(removed.orphanCleanup).toEqual({ done: true, removed: [goneId], kept: [] });
    expect(json<Doctor>(join(out, 'after.json')).checks.find((c) => c.id === 'keychain-orphans')?.status).toBe('pass');
    // The other folder's address lost its password (that is what the command is for); this folder's kept its own.
    expect(json<Listed>(join(out, 'elsewhere.json')).addresses.map((a) => a.secret.stored)).toEqual([false]);
    expect(json<Listed>(join(out, 'here.json')).addresses.map((a) => [a.address, a.secret.stored])).toEqual([['kept@example.test', true]]);
  }, 120_000);
});

describe('a 600 MB settings file', () => {
  const SIX_HUNDRED_MB = 600 * 1024 * 1024;

  function sparse(path: string): void {
    writeFileSync(path, '');
    truncateSync(path, SIX_HUNDRED_MB);
  }

  function run(args: readonly string[], data: string): Promise<{ code: number | null; stdout: string; stderr: string; peakMemory: number }> {
    const peakFile = join(data, '..', `peak-${++caseCount}`);
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', peakMemoryHook, built.path('cli'), ...args], {
        env: { ...process.env, ...built.env, RELAYPROOF_DATA_DIR: data, PEAK_MEMORY_FILE: peakFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr, peakMemory: Number(readFileSync(peakFile, 'utf8')) }));
    });
  }

  it('address list, status and doctor each still work; the file is moved aside unread and reported', async () => {
    for (const args of [
      ['address', 'list', '--json'],
      ['status', '--json'],
    ]) {
      const data = freshDir('big');
      sparse(join(data, 'config.json'));
      const result = await run(args, data);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: true });
      // Reading the file would have taken more than 600 MB (or thrown "Cannot create a string longer than …").
      expect(result.peakMemory).toBeLessThan(300 * 1024 * 1024);
      expect(statSync(join(data, 'config.json')).size).toBeLessThan(10_000);
    }

    const data = freshDir('big');
    sparse(join(data, 'config.json'));
    sparse(join(data, 'm365-apps.json'));
    mkdirSync(join(data, 'verification'));
    sparse(join(data, 'verification', 'a-big.json'));
    const doctor = await run(['doctor', '--json'], data);
    expect(doctor.peakMemory).toBeLessThan(300 * 1024 * 1024);
    const report = JSON.parse(doctor.stdout) as Doctor;
    const settings = report.checks.find((c) => c.id === 'settings');
    const history = report.checks.find((c) => c.id === 'verification-history');
    const notices = [...((settings?.detail['notices'] as Array<{ kind: string; backupPath: string }> | undefined) ?? []), ...((history?.detail['notices'] as Array<{ kind: string; backupPath: string }> | undefined) ?? [])];
    expect(notices.map((n) => [n.kind, n.backupPath.replace(/-\d{4}-.*$/u, '')])).toEqual([
      ['too-large', join(data, 'config.corrupt')],
      ['too-large', join(data, 'm365-apps.corrupt')],
      ['too-large', join(data, 'verification', 'a-big.corrupt')],
    ]);
    for (const n of notices) expect(statSync(n.backupPath).size).toBe(SIX_HUNDRED_MB);
    expect(settings?.summary).toContain('was 600 MiB, more than a settings file can be');
  }, 120_000);
});

// `npm test`: system prerequisites, build, typecheck, lint, vitest, Playwright, and one
// final summary line `N passed, N failed, N skipped` over every suite (CI reads it).
//
// Tests that need the OS keychain run inside a private D-Bus session with a throwaway
// gnome-keyring (its files in a temporary XDG_DATA_HOME), so `npm test` never touches
// the admin's own keyring or settings.
//
// Two runs at once on one machine do not meet: each builds into its own folder
// (.test-runs/<run>, handed to the e2e fixtures as RELAYPROOF_BUILD_DIR), gives
// Playwright its own X server (so its own clipboard) and its own output folder, and the
// type check, which writes tsc's shared cache, takes a lock.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Debian packages the tests need, with the command that proves each is there. */
const PREREQUISITES = [
  { pkg: 'libsecret-1-dev', present: () => existsSync('/usr/include/libsecret-1/libsecret/secret.h') },
  { pkg: 'libsecret-tools', present: () => hasCommand('secret-tool') },
  { pkg: 'gnome-keyring', present: () => hasCommand('gnome-keyring-daemon') },
  { pkg: 'dbus', present: () => hasCommand('dbus-daemon') },
  { pkg: 'dbus-x11', present: () => hasCommand('dbus-launch') },
  { pkg: 'libglib2.0-bin', present: () => hasCommand('gdbus') },
  { pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  { pkg: 'xvfb', present: () => hasCommand('Xvfb') },
  { pkg: 'xauth', present: () => hasCommand('xauth') },
  // The Node clipboard backend (browser mode, CLI) is tested for real on Xvfb; xclip reads
  // the X clipboard independently of the app's own tool (clipboardy's xsel).
  { pkg: 'xclip', present: () => hasCommand('xclip') },
  { pkg: 'openssl', present: () => hasCommand('openssl') },
  // keytar is compiled with node-gyp when the libsecret headers arrive after `npm ci`.
  { pkg: 'build-essential', present: () => hasCommand('g++') && hasCommand('make') },
  { pkg: 'python3', present: () => hasCommand('python3') },
  // A real IMAP mailbox (with LMTP delivery) for the verification-email tests.
  { pkg: 'dovecot-imapd', present: () => existsSync('/usr/lib/dovecot/imap') },
  { pkg: 'dovecot-lmtpd', present: () => existsSync('/usr/lib/dovecot/lmtp') },
  // The Zendesk disconnect script (bash) is run for real against a local HTTP server.
  { pkg: 'curl', present: () => hasCommand('curl') },
  { pkg: 'jq', present: () => hasCommand('jq') },
  // `relayproof completion zsh|fish` is loaded by the real shells.
  { pkg: 'zsh', present: () => hasCommand('zsh') },
  { pkg: 'fish', present: () => hasCommand('fish') },
];

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function run(label, command, args, options = {}) {
  console.log(`\n=== ${label}: ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  return result.status ?? 1;
}

function ensurePrerequisites() {
  if (process.platform !== 'linux') return true;
  const missing = PREREQUISITES.filter((p) => !p.present()).map((p) => p.pkg);
  if (missing.length === 0) return true;
  const install = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    console.error(`The tests need these Debian packages: ${missing.join(' ')}\nInstall them, then run \`npm test\` again:\n\n  sudo sh -c '${install}'\n`);
    return false;
  }
  console.log(`Installing test prerequisites: ${missing.join(' ')}`);
  return run('apt', 'sh', ['-c', install], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }) === 0;
}

/**
 * keytar is optional at install time (it needs the libsecret headers); build it now that
 * they exist. True when it loads: the product needs the keychain, so on Linux a keytar
 * that still cannot load is a failure, not a reason to skip the keychain tests.
 */
function ensureKeytar() {
  const loads = () => spawnSync(process.execPath, ['-e', "require('keytar')"], { cwd: root, stdio: 'ignore' }).status === 0;
  if (loads()) return true;
  console.log('keytar is not built yet; building it against libsecret.');
  const installed = existsSync(join(root, 'node_modules', 'keytar', 'package.json'));
  if (installed) run('keytar', 'npm', ['rebuild', 'keytar']);
  else run('keytar', 'npm', ['install', '--no-save', '--no-audit', '--no-fund', 'keytar@7.9.0']);
  return loads();
}

/** Wrap a command in a private D-Bus session with an unlocked, throwaway keyring. */
function inKeyringSession(command, args, dataHome) {
  const script = 'echo -n relayproof-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"';
  return { command: 'dbus-run-session', args: ['--', 'sh', '-c', script, 'sh', command, ...args], env: { XDG_DATA_HOME: dataHome } };
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const skipReasons = [];
/** Names of the failing tests, printed again just above the summary so the tail of a CI log shows them. */
const failures = [];

function countStep(label, status) {
  if (status === 0) totals.passed += 1;
  else {
    totals.failed += 1;
    failures.push(label);
    console.log(`✗ ${label} failed`);
  }
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Blocks this (synchronous) script for a while. */
function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Runs `work` while holding a lock folder; a lock whose owner died is taken over. */
async function withLockAsync(lockDir, label, work) {
  mkdirSync(dirname(lockDir), { recursive: true });
  for (let waited = 0; ; waited += 1) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(join(lockDir, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
      if (owner !== 0 && !alive(owner)) rmSync(lockDir, { recursive: true, force: true });
      else {
        if (waited === 0) console.log(`\n=== ${label}: waiting for another test run (pid ${owner || '?'}) to finish it`);
        sleep(1_000);
      }
    }
  }
  writeFileSync(join(lockDir, 'pid'), String(process.pid));
  try {
    return await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * A private X server for this run (its display number chosen by Xvfb itself), or null
 * without Xvfb: the Electron project and the browser-mode clipboard get a display that
 * no other run and no desktop session shares.
 */
function startXvfb() {
  if (process.platform !== 'linux' || !hasCommand('Xvfb')) return null;
  const numberFile = join(work, 'xvfb-display');
  const fd = openSync(numberFile, 'w+');
  const child = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x1024x24'], { stdio: ['ignore', 'ignore', 'ignore', fd] });
  closeSync(fd);
  for (let i = 0; i < 100; i++) {
    const text = readFileSync(numberFile, 'utf8');
    if (text.includes('\n')) return { display: `:${text.trim()}`, stop: () => child.kill() };
    sleep(100);
  }
  child.kill();
  return null;
}

const work = mkdtempSync(join(tmpdir(), 'relayproof-test-'));
const keyringHome = join(work, 'xdg-data');
const runId = `${Date.now()}-${process.pid}`;
const buildDir = join(root, '.test-runs', runId);
const e2eOutput = join(root, 'e2e', 'artifacts', 'runs', runId);
const baseEnv = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', RELAYPROOF_TEST: '1', RELAYPROOF_BUILD_DIR: buildDir, RELAYPROOF_E2E_OUTPUT_DIR: e2eOutput };

try {
  if (!ensurePrerequisites()) {
    totals.failed += 1;
  } else {
    if (process.platform === 'linux') countStep('keytar loads (OS keychain support)', ensureKeytar() ? 0 : 1);
    // Tests against a stale or missing build would prove nothing: stop here.
    const built = run('build', process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--outDir', buildDir]);
    countStep('build', built);
    if (built === 0) await runSuites();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  rmSync(buildDir, { recursive: true, force: true });
}

/**
 * Runs commands side by side, each one's output held back and printed whole when it
 * ends (two interleaved logs are unreadable); resolves to their exit statuses in order.
 */
function runSideBySide(steps) {
  return Promise.all(
    steps.map(
      ({ label, command, args }) =>
        new Promise((done) => {
          const chunks = [];
          const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
          child.stdout.on('data', (chunk) => chunks.push(chunk));
          child.stderr.on('data', (chunk) => chunks.push(chunk));
          child.on('error', (error) => chunks.push(Buffer.from(`${error.message}\n`)));
          child.on('close', (code) => {
            console.log(`\n=== ${label}: ${[command, ...args].join(' ')}`);
            process.stdout.write(Buffer.concat(chunks));
            done(code ?? 1);
          });
        }),
    ),
  );
}

async function runSuites() {
  // The type check and lint are single-threaded: on two cores they run side by side.
  // tsc -b writes its cache (node_modules/.cache/tsc) in place: one run at a time.
  const lock = join(root, 'node_modules', '.cache', 'relayproof-typecheck.lock');
  const [typecheck, lint] = await withLockAsync(lock, 'typecheck', () =>
    runSideBySide([
      { label: 'typecheck', command: bin('tsc'), args: ['-b'] },
      { label: 'lint', command: bin('eslint'), args: ['-c', 'src-main/dev/eslint.config.js', '--max-warnings', '0', 'src-main', 'src-preload', 'src-renderer', 'e2e'] },
    ]),
  );
  countStep('typecheck', typecheck);
  countStep('lint', lint);

  // vitest
  const vitestJson = join(work, 'vitest.json');
  const hasSession = process.platform === 'linux' && hasCommand('dbus-run-session') && hasCommand('gnome-keyring-daemon');
  const vitestArgs = ['run', '--config', 'src-main/dev/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`];
  const vitest = hasSession ? inKeyringSession(bin('vitest'), vitestArgs, keyringHome) : { command: bin('vitest'), args: vitestArgs, env: {} };
  const vitestStatus = run('vitest', vitest.command, vitest.args, { env: { ...baseEnv, ...vitest.env } });
  const vitestReport = readJson(vitestJson);
  if (vitestReport === null) countStep('vitest (no report)', vitestStatus === 0 ? 1 : vitestStatus);
  else {
    totals.passed += vitestReport.numPassedTests;
    totals.failed += vitestReport.numFailedTests;
    totals.skipped += vitestReport.numPendingTests + (vitestReport.numTodoTests ?? 0);
    for (const suite of vitestReport.testResults ?? [])
      for (const t of suite.assertionResults ?? []) {
        if (t.status === 'skipped' || t.status === 'pending') skipReasons.push(`vitest: ${t.fullName ?? t.title}`);
        if (t.status === 'failed') failures.push(`vitest: ${relative(root, suite.name ?? '')} › ${t.fullName ?? t.title}`);
      }
    // A suite that failed to load, a failing beforeAll (its tests show as skipped) or an
    // unhandled error (tests show as passed) leave numFailedTests at 0: vitest's own
    // exit status is the truth then.
    if (vitestStatus !== 0 && vitestReport.numFailedTests === 0) countStep('vitest (suite errors: see above)', 1);
  }

  // Playwright (browser project always; Electron project where the binary exists)
  const pwJson = join(work, 'playwright.json');
  const pwArgs = ['test', '-c', 'e2e/playwright.config.ts', '--reporter=list,json'];
  const pw = hasSession ? inKeyringSession(bin('playwright'), pwArgs, keyringHome) : { command: bin('playwright'), args: pwArgs, env: {} };
  // An X display of this run's own for the Electron project and for the serve processes
  // (browser mode copies a secret to the clipboard through clipboardy, and the wizard
  // spec reads it back with xclip): never the desktop's clipboard, never another run's.
  const xvfb = startXvfb();
  const display = xvfb === null ? {} : { DISPLAY: xvfb.display, XAUTHORITY: '', WAYLAND_DISPLAY: '', XDG_SESSION_TYPE: 'x11' };
  let pwStatus;
  try {
    pwStatus = run('playwright', pw.command, pw.args, { env: { ...baseEnv, ...pw.env, ...display, PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson } });
  } finally {
    xvfb?.stop();
  }
  // Traces and screenshots of a failing run stay; a passing run leaves nothing behind.
  if (pwStatus === 0) rmSync(e2eOutput, { recursive: true, force: true });
  else console.log(`Playwright's traces and screenshots of this run: ${e2eOutput}`);
  const pwReport = readJson(pwJson);
  if (pwReport === null) countStep('playwright (no report)', pwStatus === 0 ? 1 : pwStatus);
  else {
    const stats = pwReport.stats ?? {};
    totals.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
    totals.failed += stats.unexpected ?? 0;
    totals.skipped += stats.skipped ?? 0;
    const visit = (suite) => {
      for (const spec of suite.specs ?? [])
        for (const t of spec.tests ?? []) {
          for (const a of t.annotations ?? []) if (a.type === 'skip' && a.description) skipReasons.push(`playwright ${t.projectName}: ${a.description}`);
          if (t.status === 'unexpected') failures.push(`playwright ${t.projectName}: ${spec.file}:${spec.line} › ${spec.title}`);
        }
      for (const child of suite.suites ?? []) visit(child);
    };
    for (const suite of pwReport.suites ?? []) visit(suite);
    if ((pwReport.errors ?? []).length > 0) totals.failed += pwReport.errors.length;
    else if (pwStatus !== 0 && (stats.unexpected ?? 0) === 0) countStep('playwright (run errors: see above)', 1);
  }
}

if (skipReasons.length > 0) {
  console.log('\nSkipped, with reasons:');
  const counted = new Map();
  for (const reason of skipReasons) counted.set(reason, (counted.get(reason) ?? 0) + 1);
  for (const [reason, count] of counted) console.log(`  - ${reason}${count > 1 ? ` (${count} tests)` : ''}`);
}
if (failures.length > 0) {
  console.log('\nFailed:');
  for (const name of failures) console.log(`  ✗ ${name}`);
}
const summary = `${totals.passed} passed, ${totals.failed} failed${totals.skipped > 0 ? `, ${totals.skipped} skipped` : ''}`;
console.log(`\n${summary}`);
process.exit(totals.failed > 0 ? 1 : 0);

/**
 * Whole-process CLI benchmarks (`npm run bench`; alone:
 * `npx vitest run --config e2e/bench/vitest.config.ts e2e/bench/cli-process.bench-run.ts`).
 * The CLI is built with the project's own electron-vite config into a private folder and
 * started as `relayproof` is: a new `node` process per run, start-up and module loading
 * included, which is what an admin pays. Each ratio's baseline is measured in the same run,
 * alternating with Relayproof; printed, never asserted:
 *   (a) `relayproof --help` ÷ `node -e 0` (target ≤ 2.5x);
 *   (b) `relayproof smtp test` (STARTTLS, AUTH, MAIL/RCPT, DATA) ÷ `swaks` against the same
 *       server (target ≤ 2x), and the peak RSS of each (target ≤ 80 MiB);
 *   (c) `relayproof spf DOMAIN --ip IP` ÷ `spfquery` at 50 ms per DNS answer (target ≤ 1.0x);
 *   (d) `relayproof check` at 50 ms per answer ÷ (node start + 1.2 × the DNS critical path);
 *   (e) `relayproof serve`: from start to its printed link (target ≤ 300 ms).
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResolver } from '../../src-main/dns/resolver';
import { serverAddress } from '../../src-main/dns/servers';
import { startTestDnsServer, type TestDnsServer } from '../../src-main/testing/dns-test-server';
import { reverseName, rr, type ZoneRecord } from '../../src-main/testing/dns-zone';
import { startSmtpPeer, type SmtpPeer } from '../../src-main/testing/smtp-peer';
import { createTestPki, type TestPki } from '../../src-main/testing/tls-certs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const ROUNDS = 7;
const LATENCY_MS = 50;
const USER = 'bench@example.com';
const SECRET = 'bench-secret';
const D = 'cli-bench.example';
const SPF_CHAIN = [D, `l1._spf.${D}`, `l2._spf.${D}`, `l3._spf.${D}`];
const zone: ZoneRecord[] = [
  rr.txt(D, `v=spf1 include:l1._spf.${D} include:mail.zendesk.com mx -all`),
  rr.txt(`l1._spf.${D}`, `v=spf1 include:l2._spf.${D} ip4:10.1.0.0/16 -all`),
  rr.txt(`l2._spf.${D}`, `v=spf1 include:l3._spf.${D} ip4:10.2.0.0/16 -all`),
  rr.txt(`l3._spf.${D}`, 'v=spf1 ip4:10.3.0.0/16 -all'),
  rr.txt('mail.zendesk.com', 'v=spf1 ip4:198.51.100.0/24 ~all'),
  rr.mx(D, 10, `mail.${D}`),
  rr.a(`mail.${D}`, '192.0.2.25'),
  rr.a(`out.${D}`, '10.3.1.1'),
  rr.txt(`_dmarc.${D}`, `v=DMARC1; p=reject; rua=mailto:dmarc@${D}`),
];

let outDir: string;
let cli: string;
let dataDir: string;
let pki: TestPki;
let caFile: string;
let smtp: SmtpPeer;
let dns: TestDnsServer;

/** Wall time (ms) and, when GNU time is installed, peak RSS (KiB) and CPU time (user + system, ms) of one process. */
interface ProcessRun {
  readonly ms: number;
  readonly rssKiB: number | null;
  readonly cpuMs: number | null;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const gnuTime = spawnSync('/usr/bin/time', ['-f', '%M %U %S', 'true'], { encoding: 'utf8' }).status === 0;

/** Asynchronous: the servers answer from this process's event loop while the child runs. */
function runProcess(command: string, args: readonly string[], options: { readonly stdin?: string; readonly env?: NodeJS.ProcessEnv } = {}): Promise<ProcessRun> {
  const rssFile = join(outDir, `rss-${process.hrtime.bigint()}`);
  const [file, argv] = gnuTime ? ['/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, command, ...args]] : [command, [...args]];
  const started = performance.now();
  return new Promise((done) => {
    const child = execFile(file, argv, { encoding: 'utf8', env: { ...process.env, ...options.env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const ms = performance.now() - started;
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      let rssKiB: number | null = null;
      let cpuMs: number | null = null;
      if (gnuTime) {
        // The last line: GNU time puts "Command exited with non-zero status N" before it.
        const [rss, user, system] = (readFileSync(rssFile, 'utf8').trim().split('\n').at(-1) ?? '').split(' ').map(Number);
        rssKiB = rss ?? null;
        cpuMs = user !== undefined && system !== undefined ? (user + system) * 1000 : null;
        rmSync(rssFile, { force: true });
      }
      done({ ms, rssKiB, cpuMs, code, stdout, stderr });
    });
    child.stdin?.end(options.stdin ?? '');
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Alternates the two so that a busy moment on the shared machine hits both alike. */
async function sideBySide(ours: () => Promise<ProcessRun>, theirs: () => Promise<ProcessRun>): Promise<{ ours: ProcessRun[]; theirs: ProcessRun[] }> {
  await ours();
  await theirs();
  const a: ProcessRun[] = [];
  const b: ProcessRun[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    a.push(await ours());
    b.push(await theirs());
  }
  return { ours: a, theirs: b };
}

const ms = (runs: readonly ProcessRun[]) => median(runs.map((r) => r.ms));
/** CPU time says what a run costs when the shared machine's load stretches wall times. */
const cpu = (runs: readonly ProcessRun[]) => (gnuTime ? `${median(runs.map((r) => r.cpuMs ?? NaN)).toFixed(0)} ms` : 'n/a');
const mib = (runs: readonly ProcessRun[]) => (gnuTime ? `${(median(runs.map((r) => r.rssKiB ?? NaN)) / 1024).toFixed(0)} MiB` : 'n/a (GNU time not installed)');

/**
 * Node reads NODE_EXTRA_CA_CERTS at start-up, and any value costs it about 40 ms (it builds
 * the whole root store then): only `smtp test` needs the test CA, so only it gets one, and
 * every `node` baseline runs in the same environment as the Relayproof run it is set
 * against. (A shell that exports the system bundle there would otherwise slow the baseline
 * alone and flatter every ratio.)
 */
const env = (options: { readonly trustTestCa?: boolean } = {}): NodeJS.ProcessEnv => ({
  RELAYPROOF_DATA_DIR: dataDir,
  RELAYPROOF_RESOURCES_DIR: join(ROOT, 'resources'),
  NODE_EXTRA_CA_CERTS: options.trustTestCa === true ? caFile : undefined,
  NODE_ENV: 'production',
});
const relayproof = (args: readonly string[], options: { readonly stdin?: string; readonly trustTestCa?: boolean } = {}) =>
  runProcess(process.execPath, [cli, ...args], { env: env(options), ...(options.stdin !== undefined ? { stdin: options.stdin } : {}) });
const bareNode = () => runProcess(process.execPath, ['-e', '0'], { env: env() });

beforeAll(async () => {
  // The shipped build (electron-vite, this repository's config), in a folder of its own so
  // that a build by someone else on the machine cannot change what is measured.
  outDir = mkdtempSync(join(tmpdir(), 'relayproof-cli-bench-'));
  const built = spawnSync(join(ROOT, 'node_modules', '.bin', 'electron-vite'), ['build', '--outDir', join(outDir, 'out'), '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`electron-vite build failed: ${built.stderr}`);
  symlinkSync(join(ROOT, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  // As installed, out/ sits under the package's package.json ("type": "module"): without
  // one, node would parse each chunk as CommonJS first and again as a module.
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type: 'module' }));
  // The package's bin, as `relayproof` runs: the CommonJS starter, which imports cli.js.
  cli = join(outDir, 'out', 'main', 'relayproof.cjs');
  dataDir = join(outDir, 'data');
  pki = createTestPki();
  caFile = join(outDir, 'ca.pem');
  writeFileSync(caFile, pki.ca);
  smtp = await startSmtpPeer({ security: 'starttls', certificate: pki.leaf, account: { username: USER, secret: SECRET } });
  dns = await startTestDnsServer({
    zones: [
      { origin: 'example', records: zone },
      { origin: 'com', records: zone.filter((r) => r.name.endsWith('.com')) },
      { origin: '10.in-addr.arpa', records: [rr.ptr(reverseName('10.3.1.1'), `out.${D}`)] },
    ],
    latencyMs: LATENCY_MS,
  });
}, 180_000);
afterAll(async () => {
  await smtp?.close();
  await dns?.close();
  pki?.cleanup();
  rmSync(outDir, { recursive: true, force: true });
});

describe('relayproof as a whole process', () => {
  it('start: relayproof --help vs node -e 0', async () => {
    const runs = await sideBySide(
      () => relayproof(['--help']),
      bareNode,
    );
    expect(runs.ours.every((r) => r.code === 0 && r.stdout.includes('Usage: relayproof'))).toBe(true);
    console.log(
      `bench cli.start relayproof --help / node -e 0: ${(ms(runs.ours) / ms(runs.theirs)).toFixed(2)}x (target <= 2.5x) — relayproof ${ms(runs.ours).toFixed(0)} ms, node ${ms(runs.theirs).toFixed(0)} ms; peak RSS ${mib(runs.ours)} vs ${mib(runs.theirs)}; median of ${ROUNDS}`,
    );
  });

  it('smtp test: relayproof smtp test --send vs swaks, same server and steps', async () => {
    const swaks = spawnSync('sh', ['-c', 'command -v swaks && perl -MNet::SSLeay -e1'], { stdio: 'ignore' }).status === 0;
    if (!swaks) {
      console.log('bench cli.smtp-test relayproof/swaks: skipped — swaks with TLS is not installed (apt-get install swaks libnet-ssleay-perl)');
      return;
    }
    const runs = await sideBySide(
      () =>
        relayproof(['smtp', 'test', '--host', '127.0.0.1', '--port', String(smtp.port), '--security', 'starttls', '--user', USER, '--password-stdin', '--from', USER, '--to', USER, '--send'], { stdin: SECRET, trustTestCa: true }),
      () =>
        runProcess('swaks', ['--server', '127.0.0.1', '--port', String(smtp.port), '--tls', '--auth', 'PLAIN', '--auth-user', USER, '--auth-password', SECRET, '--from', USER, '--to', USER, '--silent', '2']),
    );
    const failed = runs.ours.find((r) => r.code !== 0);
    if (failed !== undefined) throw new Error(`relayproof smtp test failed (exit ${failed.code}): ${failed.stdout}${failed.stderr}`);
    expect(runs.theirs.every((r) => r.code === 0)).toBe(true);
    console.log(
      `bench cli.smtp-test relayproof/swaks wall time: ${(ms(runs.ours) / ms(runs.theirs)).toFixed(2)}x (target <= 2x) — relayproof ${ms(runs.ours).toFixed(0)} ms, swaks ${ms(runs.theirs).toFixed(0)} ms (STARTTLS, AUTH PLAIN, MAIL/RCPT, DATA); CPU relayproof ${cpu(runs.ours)}, swaks ${cpu(runs.theirs)}; peak RSS relayproof ${mib(runs.ours)} (target <= 80 MiB), swaks ${mib(runs.theirs)}; median of ${ROUNDS}`,
    );
  });

  it(`spf --ip vs spfquery at ${LATENCY_MS} ms per DNS answer`, async () => {
    if (spawnSync('sh', ['-c', 'command -v spfquery'], { stdio: 'ignore' }).status !== 0) {
      console.log('bench cli.spf relayproof/spfquery: skipped — spfquery is not installed (apt-get install spf-tools-perl)');
      return;
    }
    // Net::DNS (spfquery) reads its servers from RES_NAMESERVERS / RES_OPTIONS.
    const spfqueryEnv = { RES_NAMESERVERS: '127.0.0.1', RES_OPTIONS: `port:${dns.port}` };
    const spfquery = () => runProcess('spfquery', ['--scope', 'mfrom', '--id', `postmaster@${D}`, '--ip', '10.3.1.1', '--helo-id', `out.${D}`], { env: spfqueryEnv });
    const probe = await spfquery();
    if (probe.stdout.split('\n')[0]?.trim() !== 'pass') {
      console.log(`bench cli.spf relayproof/spfquery: skipped — spfquery could not use the loopback DNS server (${probe.stdout.split('\n')[0] ?? ''}${probe.stderr.split('\n')[0] ?? ''})`);
      return;
    }
    dns.resetQueries();
    const once = await relayproof(['spf', D, '--ip', '10.3.1.1', '--helo', `out.${D}`, '--dns-server', dns.address, '--json']);
    const questions = dns.queries.map((q) => `${q.type} ${q.name.toLowerCase()}`);
    const repeated = questions.filter((q, i) => questions.indexOf(q) !== i);
    expect((JSON.parse(once.stdout) as { result: string }).result).toBe('pass');
    const runs = await sideBySide(() => relayproof(['spf', D, '--ip', '10.3.1.1', '--helo', `out.${D}`, '--dns-server', dns.address]), spfquery);
    expect(runs.ours.every((r) => r.code === 0)).toBe(true);
    console.log(
      `bench cli.spf relayproof/spfquery at ${LATENCY_MS} ms per answer: ${(ms(runs.ours) / ms(runs.theirs)).toFixed(2)}x (target <= 1.0x) — relayproof ${ms(runs.ours).toFixed(0)} ms (${questions.length} DNS questions, ${repeated.length} asked twice), spfquery ${ms(runs.theirs).toFixed(0)} ms; CPU relayproof ${cpu(runs.ours)}, spfquery ${cpu(runs.theirs)}; median of ${ROUNDS}`,
    );
  });

  it(`check at ${LATENCY_MS} ms per DNS answer vs node start + 1.2 × the DNS critical path`, async () => {
    // The critical path: the longest chain of lookups that wait on each other (the SPF
    // includes, one level at a time), asked in turn from this process.
    const resolver = () => createResolver({ servers: [serverAddress('127.0.0.1', dns.port)], kind: 'explicit', timeoutMs: 2000, retries: 0 });
    const critical: number[] = [];
    const checks: ProcessRun[] = [];
    const nodes: ProcessRun[] = [];
    const args = ['check', D, '--platform', 'zendesk', '--ip', '10.3.1.1', '--helo', `out.${D}`, '--dns-server', dns.address, '--json'];
    await relayproof(args);
    for (let i = 0; i < ROUNDS; i += 1) {
      const r = resolver();
      const started = performance.now();
      for (const name of SPF_CHAIN) await r.lookup(name, 'TXT');
      critical.push(performance.now() - started);
      checks.push(await relayproof(args));
      nodes.push(await bareNode());
    }
    const report = JSON.parse(checks[0]?.stdout ?? '{}') as { items?: unknown[] };
    expect(Array.isArray(report.items)).toBe(true);
    const budget = ms(nodes) + 1.2 * median(critical);
    console.log(
      `bench cli.check wall / (node start + 1.2 × critical path) at ${LATENCY_MS} ms per answer: ${(ms(checks) / budget).toFixed(2)}x (target <= 1.0x) — relayproof check ${ms(checks).toFixed(0)} ms, node start ${ms(nodes).toFixed(0)} ms, critical path ${median(critical).toFixed(0)} ms (${SPF_CHAIN.length} dependent lookups); CPU relayproof check ${cpu(checks)}, node ${cpu(nodes)}; peak RSS ${mib(checks)}; median of ${ROUNDS}`,
    );
  });

  it('serve: from start to the printed link', async () => {
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      const started = performance.now();
      const child = spawn(process.execPath, [cli, 'serve', '--no-open', '--port', '0'], { env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] });
      const link = await new Promise<number>((done, failed) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (/http:\/\/127\.0\.0\.1:\d+/u.test(out)) done(performance.now() - started);
        });
        child.on('exit', (code) => failed(new Error(`relayproof serve ended (exit ${code}) before printing its link: ${out}`)));
      });
      times.push(link);
      await new Promise<void>((done) => {
        child.removeAllListeners('exit');
        child.on('exit', () => done());
        child.kill('SIGINT');
      });
    }
    console.log(`bench cli.serve start to printed link: ${median(times).toFixed(0)} ms (target <= 300 ms, build excluded); median of ${ROUNDS}`);
  });
});

/**
 * `relayproof --help` starts about as fast as `node` itself because the built entry loads
 * no dependency: every command's modules come in with `import()` when it runs. Checked
 * on a real build with a module-resolution hook that names every package the process
 * loads, so a static import slipped back into the entry fails here.
 */
import { execFile } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { terminalText } from '../../src-preload/contract/visible-text';
import { buildEntries, type BuiltEntries } from '../testing/built-entries';
import { startByteCountingServer } from '../testing/byte-counting-server';
import { startTestDnsServer } from '../testing/dns-test-server';
import { rr } from '../testing/dns-zone';

const run = promisify(execFile);
let built: BuiltEntries;
let hook: string;

/**
 * Prints `loaded <package> <time>` on stderr for every package under node_modules the
 * process resolves, `loaded-file <url> <time>` for every other file (the build's own chunks), and
 * `net <time>` whenever the process sends a UDP datagram or opens a TCP connection. The
 * times are the process's own high-resolution clock (time origin + now, the same in the
 * loader's thread), so "the first packet left before zod loaded" is judged inside the
 * process, not by when a busy test runner got round to receiving it.
 */
const HOOK = `
import { register } from 'node:module';
import dgram from 'node:dgram';
import net from 'node:net';
const now = () => performance.timeOrigin + performance.now();
const send = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function (...args) { process.stderr.write('net ' + now() + '\\n'); return send.apply(this, args); };
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) { process.stderr.write('net ' + now() + '\\n'); return connect.apply(this, args); };
register('data:text/javascript,' + encodeURIComponent(\`
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const m = /node_modules\\\\/((?:@[^/]+\\\\/)?[^/]+)/.exec(resolved.url);
  if (m) process.stderr.write('loaded ' + m[1] + ' ' + (performance.timeOrigin + performance.now()) + '\\\\n');
  else if (resolved.url.startsWith('file:')) process.stderr.write('loaded-file ' + resolved.url + ' ' + (performance.timeOrigin + performance.now()) + '\\\\n');
  return resolved;
}\`));
`;

beforeAll(async () => {
  built = await buildEntries({ cli: 'src-main/cli/cli.ts' }, { starter: true });
  hook = join(built.directory, 'hook.mjs');
  writeFileSync(hook, HOOK);
}, 120_000);
afterAll(() => built?.remove());

async function loaded(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  entry: 'cli' | 'starter' = 'cli',
): Promise<{ packages: string[]; stdout: string; firstLoaded: ReadonlyMap<string, number>; files: string[]; fileLoaded: ReadonlyMap<string, number>; firstPacket: number | null }> {
  const result = await run(process.execPath, ['--import', hook, entry === 'cli' ? built.path('cli') : built.starter, ...args], { env: { ...process.env, ...built.env, RELAYPROOF_DATA_DIR: join(built.directory, 'data'), ...env } }).catch(
    (error: { stdout: string; stderr: string }) => error,
  );
  const firstLoaded = new Map<string, number>();
  const files = new Set<string>();
  const fileLoaded = new Map<string, number>();
  let firstPacket: number | null = null;
  for (const line of result.stderr.split('\n')) {
    const [word, name, at] = line.split(' ');
    if (word === 'net' && name !== undefined) firstPacket = Math.min(firstPacket ?? Infinity, Number(name));
    if (word === 'loaded' && name !== undefined && !firstLoaded.has(name)) firstLoaded.set(name, Number(at));
    if (word === 'loaded-file' && name !== undefined) {
      const file = fileURLToPath(name);
      files.add(file);
      if (!fileLoaded.has(file)) fileLoaded.set(file, Number(at));
    }
  }
  return { packages: [...firstLoaded.keys()].sort(), stdout: result.stdout, firstLoaded, files: [...files], fileLoaded, firstPacket };
}

/** Which of these functions the loaded files define (the build is not minified, so the names survive). */
function defined(files: readonly string[], names: readonly string[]): string[] {
  const sources = files.map((file) => readFileSync(file, 'utf8'));
  return names.filter((name) => sources.some((source) => source.includes(`function ${name}(`)));
}

it('--help, --version, per-command help and completion scripts load no package at all', async () => {
  for (const args of [['--help'], ['--version'], ['status', '--help'], ['help', 'smtp', 'test'], ['completion', 'bash']]) expect((await loaded(args)).packages, args.join(' ')).toEqual([]);
});

it('a command loads its own modules only: explain never loads the Microsoft 365, IMAP, mail-authentication or clipboard packages', async () => {
  const { packages } = await loaded(['explain', '535 5.7.8 authentication failed']);
  expect(packages).toContain('zod');
  for (const heavy of ['@azure/msal-node', 'imapflow', 'mailauth', 'clipboardy']) expect(packages).not.toContain(heavy);
});

it('blocklist and bounce load neither the Microsoft 365, IMAP, mail-authentication nor clipboard packages', async () => {
  for (const args of [['blocklist', 'not a target!'], ['bounce', join(built.directory, 'missing.eml')]]) {
    const { packages } = await loaded(args);
    // The command ran (its input checks load zod) ...
    expect(packages, args.join(' ')).toContain('zod');
    // ... without the packages it has no use for.
    for (const heavy of ['@azure/msal-node', 'imapflow', 'mailauth', 'clipboardy', 'nodemailer']) expect(packages, args.join(' ')).not.toContain(heavy);
  }
});

it('spf with --dns-server imports no package: not zod (its arguments are checked with the plain field rules), not dns2\'s entry point (its servers and clients)', async () => {
  // A refused --ip: the command module and everything it imports have loaded, and no DNS question leaves.
  // dns2's codec is required by its file path (wire.ts), which this import hook does not see.
  const { packages } = await loaded(['spf', 'example.com', '--ip', '192.0.2.999', '--dns-server', '127.0.0.1:9']);
  expect(packages).toEqual([]);
});

it('check sends its first DNS question before it loads zod, and with --dns-server reads no settings (no conf, no ajv)', async () => {
  // The checklist's questions leave while the contract's schemas and the platform data load.
  const dns = await startTestDnsServer({ zones: [{ origin: 'example', records: [rr.txt('lazy.example', 'v=spf1 -all')] }] });
  try {
    const { firstLoaded, stdout, firstPacket } = await loaded(['check', 'lazy.example', '--dns-server', dns.address, '--json']);
    expect(JSON.parse(stdout)).toMatchObject({ domain: 'lazy.example' });
    expect(dns.queries.length).toBeGreaterThan(0);
    const zod = firstLoaded.get('zod');
    expect(zod).toBeDefined();
    expect(firstPacket).not.toBeNull();
    expect(firstPacket ?? Infinity).toBeLessThan(zod ?? 0);
    for (const unused of ['conf', 'ajv', 'nodemailer', 'mailauth']) expect(firstLoaded.has(unused), unused).toBe(false);
  } finally {
    await dns.close();
  }
});

it("check asks the domain's TXT record (the head of its SPF chain) before its command module loads, and only once", async () => {
  const dns = await startTestDnsServer({ zones: [{ origin: 'example', records: [rr.txt('early.example', 'v=spf1 include:_spf.early.example -all'), rr.txt('_spf.early.example', 'v=spf1 -all')] }] });
  try {
    const { stdout, fileLoaded, firstPacket } = await loaded(['check', 'Early.Example.', '--dns-server', dns.address, '--json'], { NODE_ENV: 'production' });
    expect(JSON.parse(stdout)).toMatchObject({ domain: 'early.example' });
    const commandModule = [...fileLoaded].find(([file]) => /[\\/]dns-commands[^\\/]*$/u.test(file))?.[1];
    expect(commandModule).toBeDefined();
    expect(firstPacket).not.toBeNull();
    expect(firstPacket ?? Infinity).toBeLessThan(commandModule ?? 0);
    expect(dns.queries.filter((q) => q.name.toLowerCase() === 'early.example' && q.type === 'TXT')).toHaveLength(1);
    // Options the command refuses before asking anything: nothing is asked at all.
    const nine = Array.from({ length: 9 }, () => ['--dns-server', dns.address]).flat();
    for (const refused of [['--ip', '192.0.2.999'], ['--from', 'a@early.example'], ['--environment', 'production'], ['--route', 'relay'], ['--platform', 'No Such'], nine]) {
      dns.resetQueries();
      await loaded(['check', 'early.example', ...refused, '--dns-server', dns.address]);
      expect(dns.queries, refused.join(' ')).toEqual([]);
    }
  } finally {
    await dns.close();
  }
});

it("the relayproof executable (a CommonJS starter) asks check's first question before the ES-module CLI is even resolved, and hands it over: asked once", async () => {
  const dns = await startTestDnsServer({ zones: [{ origin: 'example', records: [rr.txt('early.example', 'v=spf1 include:_spf.early.example -all'), rr.txt('_spf.early.example', 'v=spf1 -all')] }] });
  try {
    const direct = await loaded(['check', 'early.example', '--dns-server', dns.address, '--json'], { NODE_ENV: 'production' });
    const directQueries = dns.queries.map((q) => `${q.name.toLowerCase()} ${q.type}`).sort();
    dns.resetQueries();
    const { stdout, fileLoaded, firstPacket } = await loaded(['check', 'Early.Example.', '--dns-server', dns.address, '--json'], { NODE_ENV: 'production' }, 'starter');
    const report = JSON.parse(stdout) as { domain: string; items: { id: string; status: string }[] };
    expect(report.domain).toBe('early.example');
    // The same verdicts as the ES-module CLI started directly, from the same questions, each asked once.
    const verdicts = (r: { items: { id: string; status: string }[] }) => r.items.map((i) => `${i.id} ${i.status}`);
    expect(verdicts(report)).toEqual(verdicts(JSON.parse(direct.stdout) as typeof report));
    expect(dns.queries.map((q) => `${q.name.toLowerCase()} ${q.type}`).sort()).toEqual(directQueries);
    expect(dns.queries.filter((q) => q.name.toLowerCase() === 'early.example' && q.type === 'TXT')).toHaveLength(1);
    const esmCli = [...fileLoaded].find(([file]) => /[\\/]cli\.mjs$/u.test(file))?.[1];
    expect(esmCli).toBeDefined();
    expect(firstPacket).not.toBeNull();
    expect(firstPacket ?? Infinity).toBeLessThan(esmCli ?? 0);
    // Refused input asks nothing through the starter either, and is refused by the CLI as before.
    for (const refused of [['--ip', '192.0.2.999'], ['--password', 'x'], ['--route', 'relay']]) {
      dns.resetQueries();
      const result = await run(process.execPath, [built.starter, 'check', 'early.example', ...refused, '--dns-server', dns.address], { env: { ...process.env, ...built.env } }).then(
        () => ({ code: 0 }),
        (error: { code: number }) => error,
      );
      expect(result.code, refused.join(' ')).toBe(2);
      expect(dns.queries, refused.join(' ')).toEqual([]);
    }
  } finally {
    await dns.close();
  }
});

it('the relayproof executable answers --help, --version and per-command help without loading any package', async () => {
  for (const args of [['--help'], ['--version'], ['check', '--help']]) {
    const { packages, stdout } = await loaded(args, {}, 'starter');
    expect(packages, args.join(' ')).toEqual([]);
    expect(stdout, args.join(' ')).toMatch(/relayproof|\d+\.\d+/u);
  }
});

it('the relayproof executable says in one line that it could not start when the ES-module CLI is missing (a damaged install)', async () => {
  const moved = `${built.path('cli')}.moved`;
  renameSync(built.path('cli'), moved);
  try {
    const result = await run(process.execPath, [built.starter, '--version'], { env: { ...process.env, ...built.env } }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Relayproof could not start: .*cli\.mjs.*\n$/u);
  } finally {
    renameSync(moved, built.path('cli'));
  }
});

it('check as installed (production: no output validation) loads no zod at all: its input is read by the plain reader, the platform files are the ones the build validated', async () => {
  const dns = await startTestDnsServer({ zones: [{ origin: 'example', records: [rr.txt('lazy.example', 'v=spf1 -all')] }] });
  try {
    const args = ['check', 'lazy.example', '--platform', 'zendesk', '--ip', '192.0.2.1', '--helo', 'out.lazy.example', '--selector', 'Sel1', '--dns-server', dns.address, '--json'];
    const { packages, stdout } = await loaded(args, { NODE_ENV: 'production' });
    expect(JSON.parse(stdout)).toMatchObject({ domain: 'lazy.example', platform: 'zendesk' });
    expect(packages).toEqual([]);
    // Input the plain reader leaves to the schema (here a refused selector) loads it, and is refused in its words.
    const refused = await loaded([...args.slice(0, -3), '--selector', 'bad selector', '--dns-server', dns.address], { NODE_ENV: 'production' });
    expect(refused.packages).toContain('zod');
  } finally {
    await dns.close();
  }
});

it('smtp test reads a settings file that needs nothing without conf or ajv (the store, its lock and its writer stay closed), and loads the message composer only with --send', async () => {
  // A refused port: the test runs through the dispatcher and its settings, and fails at once.
  const args = ['smtp', 'test', '--host', '127.0.0.1', '--port', '9', '--security', 'none', '--from', 'a@example.com'];
  // The first run creates config.json (through the store, with conf); the next only reads it.
  await loaded(args);
  const { packages, stdout } = await loaded(args);
  expect(stdout).toContain('127.0.0.1');
  // The command ran: its input checks load zod.
  expect(packages).toContain('zod');
  for (const unused of ['conf', 'ajv', 'nodemailer']) expect(packages).not.toContain(unused);
});

it('smtp test to an IP address connects before it loads zod, and loads the platform data and its guidance only with --platform', async () => {
  // A server that refuses at once: the test ends at its greeting.
  const server = await startByteCountingServer('421 4.3.2 Service not available\r\n');
  const platformCode = ['platformGuidance', 'unknownPlatformProblem', 'statusPageLines'];
  try {
    const args = ['smtp', 'test', '--host', '127.0.0.1', '--port', String(server.port), '--security', 'none', '--from', 'a@example.com'];
    const plain = await loaded(args);
    expect(plain.stdout).toContain('421 4.3.2 Service not available');
    const zod = plain.firstLoaded.get('zod');
    expect(zod).toBeDefined();
    expect(server.connections).toHaveLength(1);
    expect(plain.firstPacket).not.toBeNull();
    expect(plain.firstPacket ?? Infinity).toBeLessThan(zod ?? 0);
    // The engine ran, and none of the platform code was loaded for it.
    expect(defined(plain.files, ['runConnectionTest', ...platformCode])).toEqual(['runConnectionTest']);
    const zendesk = await loaded([...args, '--platform', 'zendesk']);
    expect(zendesk.stdout).toContain('421 4.3.2 Service not available');
    expect(defined(zendesk.files, platformCode)).toEqual(platformCode);
  } finally {
    await server.close();
  }
});

it('the usage text, written without the escaping, is exactly what the escaping would print', async () => {
  const { stdout } = await loaded(['--help']);
  expect(stdout).toContain('Usage: relayproof <command>');
  expect(terminalText(stdout, { keepLineBreaks: true })).toBe(stdout);
});

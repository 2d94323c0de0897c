import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { COMMANDS, COMMON_OPTIONS, commandNames } from './command-table';
import { completionScript } from './completion';
import { nearestName } from './nearest-name';
import { runCli } from './run';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'relayproof-help-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const { NO_COLOR: _ignored, TERM: _term, ...inherited } = process.env;
  const code = await runCli(args, { stdout, stderr, stdin: Object.assign(Readable.from([]), { isTTY: true }), env: { ...inherited, RELAYPROOF_DATA_DIR: dataDir, ...env } });
  return { code, stdout: out, stderr: err };
}

/** Every command that runs on its own, as its words: `['smtp', 'test']`, `['status']`. */
const LEAVES = COMMANDS.flatMap((c) => (c.subcommands === undefined ? [{ path: [c.name], command: c }] : c.subcommands.map((s) => ({ path: [c.name, s.name], command: s }))));

describe('per-command help', () => {
  it('status --help prints the usage of status instead of "Unknown option"', async () => {
    const run = await cli(['status', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: relayproof status \[ADDRESS_ID\] \[--watch\] \[--reset\]/u);
    expect(run.stdout).toContain('--watch');
    expect(run.stderr).toBe('');
  });

  it('every command and subcommand has its usage, the same through --help, -h and help, listing each option it takes', async () => {
    for (const { path, command } of LEAVES) {
      const viaFlag = await cli([...path, '--help']);
      expect(viaFlag.code, path.join(' ')).toBe(0);
      expect(viaFlag.stdout).toContain(`Usage: relayproof ${path.join(' ')}`);
      for (const option of [...command.options, ...COMMON_OPTIONS]) expect(viaFlag.stdout, `${path.join(' ')} --${option.name}`).toContain(`--${option.name}`);
      expect((await cli(['help', ...path])).stdout).toBe(viaFlag.stdout);
      expect((await cli([...path, '-h'])).stdout).toBe(viaFlag.stdout);
    }
  });

  it('a command with subcommands lists them, and help with a positional or option before --help still finds the command', async () => {
    for (const group of ['address', 'smtp', 'm365', 'message']) {
      const run = await cli(['help', group]);
      expect(run.code).toBe(0);
      // A name too long for the column has its summary on the next line.
      for (const sub of COMMANDS.find((c) => c.name === group)?.subcommands ?? []) expect(run.stdout).toMatch(new RegExp(`  relayproof ${group} ${sub.name}[ \\n]`, 'u'));
    }
    expect((await cli(['addresses', 'test', 'a-1', '--help'])).stdout).toContain('Usage: relayproof address test ID [--send-as]');
    expect((await cli(['smtp', 'test', '--host', 'h', '--help'])).stdout).toContain('Usage: relayproof smtp test');
  });

  it('after --, --help is a value, not a request for usage', async () => {
    const run = await cli(['completion', '--', '--help']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
  });

  it('the main usage names every command and points to per-command help', async () => {
    const run = await cli(['--help']);
    for (const command of COMMANDS) expect(run.stdout).toContain(`  ${command.name}`);
    expect(run.stdout).toContain('relayproof help <command>');
  });
});

describe('suggestions', () => {
  it('an unknown option names the nearest one the command takes', async () => {
    const run = await cli(['check', 'example.com', '--dns-sever', '127.0.0.1:53']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown option '--dns-sever'. Did you mean --dns-server?");
    expect((await cli(['status', '--wacth'])).stderr).toContain('Did you mean --watch?');
    expect((await cli(['smtp', 'test', '--transcipt'])).stderr).toContain('Did you mean --transcript?');
  });

  it('an option far from every known one gets no guess, only the way to the list', async () => {
    const run = await cli(['status', '--frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('Did you mean');
    expect(run.stderr).toContain('--help');
  });

  it('an unknown command or subcommand names the nearest, without loading the command', async () => {
    const command = await cli(['stauts']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('Did you mean `relayproof status`?');
    const sub = await cli(['smtp', 'tset']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain('Did you mean `relayproof smtp test`?');
    expect((await cli(['help', 'm365', 'toekn'])).stderr).toContain('Did you mean `relayproof m365 token`?');
    expect((await cli(['help', 'chekc'])).stderr).toContain('Did you mean `relayproof check`?');
  });

  it('a mistyped name is echoed escaped: it cannot send a terminal control sequence', async () => {
    const run = await cli(['st\u001b[2Jatus']);
    expect(run.stderr).not.toContain('\u001b');
  });

  it('nearest: a swap is one edit, a prefix counts, short names get one edit only', () => {
    expect(nearestName('--dsn-server', ['--dns-server', '--ip'])).toBe('--dns-server');
    expect(nearestName('--dns', ['--ip', '--dns-server'])).toBe('--dns-server');
    expect(nearestName('--xy', ['--ip', '--yes'])).toBeUndefined();
    expect(nearestName('--ipp', ['--ip'])).toBe('--ip');
  });
});

describe('--version', () => {
  it('--version and version print the package version', async () => {
    for (const args of [['--version'], ['version']]) {
      const run = await cli(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${packageJson.version}\n`);
    }
  });
});

describe('completion', () => {
  const run = promisify(execFile);

  it('the bash script is valid bash and completes commands, subcommands, options and values', async () => {
    const script = (await cli(['completion', 'bash'])).stdout;
    const file = join(dataDir, 'relayproof.bash');
    writeFileSync(file, script);
    await expect(run('bash', ['-n', file])).resolves.toBeDefined();
    // Drive the function as bash's completion would, and read what it offers.
    const complete = async (...words: string[]): Promise<string[]> => {
      const line = `source ${file}; COMP_WORDS=(relayproof ${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}; _relayproof; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return (await run('bash', ['-c', line])).stdout.split('\n').filter((l) => l !== '');
    };
    expect(await complete('st')).toEqual(['status']);
    expect(await complete('smtp', '')).toEqual(['test', 'probe']);
    expect(await complete('check', 'example.com', '--dns')).toEqual(['--dns-server']);
    expect(await complete('smtp', 'test', '--security', '')).toEqual(['starttls', 'tls', 'none']);
    expect(await complete('addresses', 'test', '--s')).toEqual(['--send-as']);
    expect(await complete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
  });

  it('the zsh and fish scripts name every command, subcommand and option', () => {
    for (const shell of ['zsh', 'fish'] as const) {
      const script = completionScript(shell);
      for (const command of COMMANDS) {
        for (const name of commandNames(command)) expect(script, `${shell} ${name}`).toContain(name);
        for (const sub of [command, ...(command.subcommands ?? [])]) {
          expect(script).toContain(sub.name);
          for (const option of sub.options) expect(script, `${shell} ${sub.name} --${option.name}`).toMatch(shell === 'fish' ? new RegExp(`-l ${option.name}\\b`, 'u') : new RegExp(`'--${option.name}:`, 'u'));
        }
      }
    }
    expect(completionScript('zsh').startsWith('#compdef relayproof')).toBe(true);
  });

  /** True when `shell` is on PATH; otherwise the test says why it skips. */
  const hasShell = async (shell: string): Promise<boolean> => run('sh', ['-c', `command -v ${shell}`]).then(
    () => true,
    () => false,
  );

  it('the fish script loads in a real fish and completes commands, subcommands, options and values', async (context) => {
    if (!(await hasShell('fish'))) {
      context.skip('fish is not installed (npm test installs it on Debian as root)');
      return;
    }
    const file = join(dataDir, 'relayproof.fish');
    writeFileSync(file, (await cli(['completion', 'fish'])).stdout);
    await expect(run('fish', ['-n', file])).resolves.toBeDefined();
    // `complete -C LINE` asks fish what it would offer at the end of LINE: the real engine.
    const complete = async (line: string): Promise<string[]> =>
      (await run('fish', ['--no-config', '-c', `source ${file}; complete -C '${line}'`])).stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\t')[0] ?? '');
    expect(await complete('relayproof sm')).toEqual(['smtp']);
    expect((await complete('relayproof smtp ')).sort()).toEqual(['probe', 'test']);
    expect((await complete('relayproof smtp test --security ')).sort()).toEqual(['none', 'starttls', 'tls']);
    expect(await complete('relayproof check example.com --dns')).toEqual(['--dns-server']);
    expect((await complete('relayproof completion ')).sort()).toEqual(['bash', 'fish', 'zsh']);
  });

  it('the zsh script is valid zsh and its function offers commands, subcommands, options and values', async (context) => {
    if (!(await hasShell('zsh'))) {
      context.skip('zsh is not installed (npm test installs it on Debian as root)');
      return;
    }
    const file = join(dataDir, '_relayproof');
    writeFileSync(file, (await cli(['completion', 'zsh'])).stdout);
    await expect(run('zsh', ['-n', file])).resolves.toBeDefined();
    // zsh's completion widgets need a terminal; the script's own logic runs in a real zsh
    // with _describe, compadd and _files standing in, printing what they were given.
    const harness = [
      '_describe() { local arr=$2; local e; for e in ${(P)arr}; do print -r -- "${e%%:*}"; done }',
      'compadd() { shift; local w; for w in "$@"; do print -r -- "$w"; done }',
      "_files() { print -r -- '<files>' }",
      `source ${file} >/dev/null`,
    ].join('\n');
    const complete = async (...words: string[]): Promise<string[]> => {
      const call = `words=(relayproof ${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length + 1}; _relayproof`;
      return (await run('zsh', ['-f', '-c', `${harness}\n${call}`])).stdout.split('\n').filter((l) => l !== '');
    };
    expect(await complete('')).toContain('smtp');
    expect(await complete('smtp', '')).toEqual(['test', 'probe']);
    expect(await complete('smtp', 'test', '--security', '')).toEqual(['starttls', 'tls', 'none']);
    expect(await complete('check', 'example.com', '--')).toContain('--dns-server');
    expect(await complete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(await complete('address', 'import', '')).toEqual(['<files>']);
  });

  it('names in the table are plain words, so the scripts need no quoting for them', () => {
    for (const command of COMMANDS) {
      for (const sub of [command, ...(command.subcommands ?? [])]) {
        for (const word of [...commandNames(sub), ...sub.options.map((o) => o.name), ...(sub.arguments ?? []), ...sub.options.flatMap((o) => o.choices ?? [])]) expect(word).toMatch(/^[a-z0-9][a-z0-9-]*$/u);
      }
    }
  });

  it('an unknown shell is a usage error', async () => {
    const result = await cli(['completion', 'powershell']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bash|zsh|fish');
  });
});

describe('plain marks', () => {
  it('NO_COLOR and TERM=dumb turn the leading marks into words; otherwise they stay UTF-8 even when piped', async () => {
    const marked = await cli(['doctor']);
    expect(marked.stdout).toMatch(/^[✓!✗] node /mu);
    for (const env of [{ NO_COLOR: '1' }, { TERM: 'dumb' }]) {
      const plain = await cli(['doctor'], env);
      expect(plain.code).toBe(marked.code);
      expect(plain.stdout).toMatch(/^(PASS|WARN|FAIL) node /mu);
      expect(plain.stdout).not.toMatch(/^ *[✓✗]/mu);
    }
    // An empty NO_COLOR does not count (no-color.org).
    expect((await cli(['doctor'], { NO_COLOR: '' })).stdout).toMatch(/^[✓!✗] node /mu);
  });
});

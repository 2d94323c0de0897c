/**
 * `relayproof explain … | head`: the reader closes the pipe before the command has written
 * everything. The built command (bundled privately for this file) used to crash with an
 * unhandled EPIPE; it now ends quietly with its own status.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildEntries, type BuiltEntries } from '../testing/built-entries';

let built: BuiltEntries;
beforeAll(async () => {
  built = await buildEntries({ cli: 'src-main/cli/cli.ts' });
}, 120_000);
afterAll(() => built.remove());

function runWithClosedStdout(args: readonly string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [built.path('cli'), ...args], { env: { ...process.env, ...built.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed before the command has started writing: its first write meets a pipe without a reader.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

it('explain with its output piped to a reader that has already closed: exits 0, nothing on stderr', async () => {
  const result = await runWithClosedStdout(['explain', '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.']);
  expect(result).toEqual({ code: 0, signal: null, stderr: '' });
}, 60_000);

it('the same with --json', async () => {
  const result = await runWithClosedStdout(['explain', '--json', '550 5.7.1 Relaying denied']);
  expect(result).toEqual({ code: 0, signal: null, stderr: '' });
}, 60_000);

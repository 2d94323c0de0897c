/**
 * Runs the real `relayproof` command in-process with captured output, a data directory
 * of the test's choosing, and stdin that is either a terminal (nothing piped) or the
 * given text.
 */
import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../cli/run';
import type { CliIo } from '../cli/io';

export interface CliRunOptions {
  /** Stops a long-running command (`status --watch`) as Ctrl+C would. */
  readonly signal?: AbortSignal;
  /** Short re-check timers and backoff for the services the command opens. */
  readonly verification?: CliIo['verification'];
  /** Called with everything printed to stdout so far, after each write (to act while the command runs). */
  readonly onStdout?: (stdoutSoFar: string) => void;
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCliCaptured(args: readonly string[], dataDir: string, stdinText?: string, options: CliRunOptions = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => {
    out += c.toString();
    options.onStdout?.(out);
  });
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const stdin = stdinText === undefined ? Object.assign(Readable.from([]), { isTTY: true }) : Readable.from([Buffer.from(stdinText)]);
  const code = await runCli(args, {
    stdout,
    stderr,
    stdin,
    env: { ...process.env, RELAYPROOF_DATA_DIR: dataDir },
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.verification !== undefined ? { verification: options.verification } : {}),
  });
  return { code, stdout: out, stderr: err };
}

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readBoundedFile } from '../app/bounded-file';
import { terminalText } from '../../src-preload/contract/visible-text';
import type { ServicesOptions } from '../services';
import { nearestName } from './nearest-name';
/**
 * What a CLI command may touch, passed in so tests drive the real commands with
 * captured streams and a temporary data directory.
 */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  /** Ends a long-running command (`status --watch`) as SIGINT does: how an in-process caller stops it. */
  readonly signal?: AbortSignal;
  /** Re-check timers and backoff of the services a command opens (tests; the defaults otherwise). */
  readonly verification?: ServicesOptions['verification'];
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, checkFailed: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class UsageError extends Error {}

/**
 * Characters JSON.stringify leaves raw (RFC 8259 only requires escaping C0, `"` and `\`)
 * that a terminal would still obey or hide: DEL and C1 controls, bidi controls, zero-width
 * characters, the line and paragraph separators.
 */
const JSON_UNSAFE = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/gu;

/**
 * `--json` output. Outside values (server replies, DNS text, headers) keep their exact
 * characters for the program reading it, but the hidden ones are written as `\uXXXX`
 * escapes: the same JSON value, and nothing a terminal would obey or hide.
 */
export function printJson(io: CliIo, value: unknown): void {
  const text = JSON.stringify(value, null, 2).replace(JSON_UNSAFE, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
  io.stdout.write(`${text}\n`);
}

/**
 * Human output on standard output. Every character a terminal would obey or hide (ESC,
 * CR, bidi overrides, zero-width ...) is shown as a visible escape, whichever value it came
 * in; line breaks in Relayproof's own text stay. An outside value that may hold a line
 * break of its own goes through `terminalText` first, so it cannot forge a line.
 */
export function printText(io: CliIo, text: string): void {
  io.stdout.write(marksFor(io, terminalText(text, { keepLineBreaks: true })));
}

/**
 * The words a mark at the start of a line stands for, all four letters so columns stay aligned.
 * Relayproof prints no colours; its marks (✓ ✗ …) are UTF-8 text that survives a pipe or a
 * file and that grep finds, so they stay there too. They give way to words only when the
 * reader asks for plain output: NO_COLOR set (https://no-color.org; its users are often on a
 * screen reader or a limited terminal) or TERM=dumb.
 */
const MARK_WORDS: Readonly<Record<string, string>> = { '✓': 'PASS', '✗': 'FAIL', '!': 'WARN', '…': 'WAIT', '✎': 'NEED', '–': 'SKIP', '·': 'SKIP' };

/** Whether the environment asks for plain ASCII marks. */
export function wantsPlainMarks(env: NodeJS.ProcessEnv): boolean {
  return (env['NO_COLOR'] ?? '') !== '' || env['TERM'] === 'dumb';
}

/** Every command's marks in one place: a line's leading mark (after its indent, before a space) as a word. */
function marksFor(io: CliIo, text: string): string {
  if (!wantsPlainMarks(io.env)) return text;
  return text.replace(/^( *)([✓✗!…✎–·])(?= )/gmu, (_match, indent: string, mark: string) => `${indent}${MARK_WORDS[mark] ?? mark}`);
}

/**
 * One value that came from outside (a server reply, a header, a claim, a row of a file)
 * for a line of human output: its hidden characters escaped and its line breaks too, so
 * it cannot forge a line of Relayproof's own ("✓ DKIM: pass").
 */
export function oneLine(value: string | null | undefined): string {
  return terminalText(value ?? '');
}

/** Human output on standard error, escaped like `printText`. */
export function printErrorText(io: CliIo, text: string): void {
  io.stderr.write(marksFor(io, terminalText(text, { keepLineBreaks: true })));
}

/**
 * Read a secret from standard input (`--password-stdin`): the only way a secret enters
 * the CLI. argv is visible to every user on the machine through `ps`.
 */
export async function readSecretFromStdin(io: CliIo, maxBytes = 8192): Promise<string> {
  if (io.stdin.isTTY === true) {
    throw new UsageError('--password-stdin reads the secret from a pipe, for example: secret-tool lookup … | relayproof … --password-stdin');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > maxBytes) throw new UsageError(`The secret on standard input is longer than ${maxBytes} bytes.`);
    chunks.push(buffer);
  }
  // One trailing newline is what `echo` and most password managers add; it is not part of the secret.
  const secret = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/u, '');
  if (secret === '') throw new UsageError('No secret was given on standard input.');
  return secret;
}

/** Options of one command, as parsed; commands read their own names from `values`. */
export interface ParsedOptions {
  readonly values: Readonly<Record<string, string | boolean | string[] | boolean[] | undefined>>;
  readonly positionals: readonly string[];
}

/** parseArgs with `--json` on every command; a parse error is a usage error (exit 2). */
export function parseOptions(args: readonly string[], options: NonNullable<ParseArgsConfig['options']>, allowPositionals = false): ParsedOptions {
  let parsed: ParsedOptions;
  try {
    parsed = parseArgs({ args: [...args], options: { json: { type: 'boolean' }, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(unknownOptionMessage(error, Object.keys(options)) ?? (error instanceof Error ? error.message : String(error)));
  }
  if (!allowPositionals && parsed.positionals.length > 0) throw new UsageError(`Unexpected argument "${parsed.positionals[0]}".`);
  return parsed;
}

/**
 * "Unknown option '--dns-sever'. Did you mean --dns-server?" instead of parseArgs' advice about
 * `--`, which fits a typo far less often than a near name does.
 */
function unknownOptionMessage(error: unknown, names: readonly string[]): string | undefined {
  if (!(error instanceof Error) || (error as NodeJS.ErrnoException).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return undefined;
  const typed = /Unknown option '([^']*)'/u.exec(error.message)?.[1];
  if (typed === undefined) return undefined;
  const near = nearestName(typed, ['json', ...names].map((n) => `--${n}`));
  return `Unknown option '${typed}'. ${near !== undefined ? `Did you mean ${near}?` : 'Add --help to the command for the options it takes.'} (A value that begins with "-" goes after "--".)`;
}

/** Print a failed Result: JSON with --json, else the message and hint on stderr. */
export function reportError(io: CliIo, json: boolean, error: { code: string; message: string; hint?: string | undefined }): ExitCode {
  if (json) printJson(io, { ok: false, error });
  else printErrorText(io, `${error.message}${error.hint ? `\n${error.hint}` : ''}\n`);
  return error.code === 'invalid-input' || error.code === 'not-found' ? EXIT.usage : EXIT.checkFailed;
}

/** Operation id of a long CLI operation (events and cancellation use it). */
export function cliOperationId(): string {
  return `cli_${process.pid}_${Date.now()}`;
}

/** `12.3 MB`, `640 KB`: a size in the words of a file manager. */
function size(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1_000_000) return `${Math.ceil(bytes / 1000)} KB`;
  return bytes % 1_000_000 === 0 ? `${bytes / 1_000_000} MB` : `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/**
 * A file the admin hands in (an import file, a CA certificate, an app certificate), read
 * by the shared bounded reader (size checked on the opened file, read stopped at the
 * limit, devices and pipes refused). `what` names it for the message.
 */
export async function readUserFile(path: string, maxBytes: number, what: string): Promise<{ readonly ok: true; readonly text: string } | { readonly ok: false; readonly message: string }> {
  const read = await readBoundedFile(path, maxBytes);
  if (read.ok) return { ok: true, text: read.bytes.toString('utf8') };
  switch (read.reason) {
    case 'missing':
      return { ok: false, message: `Cannot read ${path}: there is no such file.` };
    case 'folder':
      return { ok: false, message: `${path} is a folder; give ${what} inside it.` };
    case 'denied':
      return { ok: false, message: `Cannot read ${path}: permission denied.` };
    case 'not-a-file':
      return { ok: false, message: `${path} is not a regular file (a device or a pipe); give ${what} as a file.` };
    case 'too-large':
      return { ok: false, message: `${path} is ${size(read.size)}; ${what} can be at most ${size(maxBytes)}.` };
    case 'grew':
      return { ok: false, message: `${path} grew past ${size(maxBytes)} while it was read; ${what} can be at most ${size(maxBytes)}.` };
    case 'error':
      return { ok: false, message: `Cannot read ${path} (${read.code ?? 'error'}).` };
  }
}

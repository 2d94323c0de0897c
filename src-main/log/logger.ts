/**
 * Structured log lines (JSON, one per line) to a file in the data directory and/or a
 * stream. Fields whose name says "secret" are never written, whatever their value:
 * the log is something admins attach to support tickets.
 */
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Key names that hold secrets (`password`, `clientSecret`, `accessToken`…), not `passed` or `bypass`. */
const SECRET_KEY =
  /(?:^|[_-])(?:pass(?:word)?|secret|token|authorization|credentials?|cookie)s?$|(?:^|(?<=[a-z0-9]))(?:Pass(?:word)?|Secret|Token|Authorization|Credentials?|Cookie)s?$/u;

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') return redactFields(value as Record<string, unknown>);
  return value;
}

export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) out[key] = SECRET_KEY.test(key) ? '[redacted]' : redactValue(value);
  return out;
}

/** A log past this size is moved to `<name>.1` (one generation kept), so it never fills the disk. */
export const MAX_LOG_BYTES = 5 * 1024 * 1024;

export interface LoggerOptions {
  /** Append JSON lines here; created on first write. */
  readonly file?: string;
  /** Also write human lines here (e.g. process.stderr for `serve`). */
  readonly stream?: NodeJS.WritableStream;
  readonly minLevel?: LogLevel;
  readonly clock?: () => Date;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLogger(options: LoggerOptions = {}): Logger {
  const min = ORDER[options.minLevel ?? 'info'];
  const clock = options.clock ?? (() => new Date());
  let dirReady = false;
  function write(level: LogLevel, message: string, fields: Record<string, unknown> = {}) {
    if (ORDER[level] < min) return;
    const line = { time: clock().toISOString(), level, message, ...redactFields(fields) };
    if (options.file !== undefined) {
      try {
        if (!dirReady) {
          mkdirSync(dirname(options.file), { recursive: true });
          dirReady = true;
        }
        rotateIfLarge(options.file);
        appendFileSync(options.file, `${JSON.stringify(line)}\n`, { mode: 0o600 });
      } catch {
        // A log that cannot be written must never break the operation being logged.
      }
    }
    options.stream?.write(`${level}: ${message}${Object.keys(fields).length > 0 ? ` ${JSON.stringify(redactFields(fields))}` : ''}\n`);
  }
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** Discards everything; for tests that assert on other things. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function rotateIfLarge(file: string): void {
  try {
    if (statSync(file).size > MAX_LOG_BYTES) renameSync(file, `${file}.1`);
  } catch {
    // No file yet: nothing to rotate.
  }
}

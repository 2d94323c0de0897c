/**
 * Reads the settings file ourselves before conf / electron-store see it (they would throw
 * on bad JSON, or reset the file). Whatever is wrong, the original is moved aside
 * untouched, the admin gets a notice naming the backup, and the store starts from what
 * could be kept. Nothing is overwritten without a backup holding the original bytes.
 */
import { constants, copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { StoreNotice } from '../../src-preload/contract';
import {
  CURRENT_SCHEMA_VERSION,
  MAX_NOTICES,
  defaultDocument,
  runMigrations,
  salvageDocument,
  storeDocumentSchema,
  type Migration,
  type Salvage,
  type StoreDocument,
} from './store-document';

export interface RecoveryContext {
  readonly path: string;
  readonly clock: () => Date;
  readonly newNoticeId: () => string;
  readonly migrations: ReadonlyArray<Migration>;
}

export interface Recovered {
  readonly document: StoreDocument;
  /** The file on disk differs from `document` (new, recovered, migrated, or normalized). */
  readonly mustWrite: boolean;
}

/** The file could not be read and could not be moved aside: continuing would destroy it. */
export class StoreUnavailableError extends Error {
  readonly code = 'store-unavailable';
  override readonly name = 'StoreUnavailableError';
}

const BOM = '\uFEFF';
const PASSWORDS_SAFE = 'Passwords are kept in the OS keychain and were not affected.';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function timeStamp(clock: () => Date): string {
  // ":" is not allowed in Windows file names.
  return clock().toISOString().replace(/:/gu, '-');
}

/** `config.<label>-<time>.json` beside the original; never an existing name. */
function sidePath(path: string, label: string, clock: () => Date): string {
  const stem = basename(path).replace(/\.json$/u, '');
  const base = join(dirname(path), `${stem}.${label}-${timeStamp(clock)}`);
  let candidate = `${base}.json`;
  for (let n = 2; existsSync(candidate); n++) candidate = `${base}-${n}.json`;
  return candidate;
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return 'it is a folder, not a file';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    return code === undefined ? error.message : `${code}: ${error.message}`;
  }
  return String(error);
}

/** Where JSON.parse gave up, in bytes of the file, and whether the data simply stops there. */
function describeJsonError(text: string, error: unknown, offset: number): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = /at position (\d+)/u.exec(message);
  const position = at?.[1] === undefined ? undefined : Number(at[1]);
  const cutOff = /Unexpected end of JSON input|Unterminated string/u.test(message) || (position !== undefined && position >= text.trimEnd().length);
  const bytes = (chars: number) => offset + Buffer.byteLength(text.slice(0, chars), 'utf8');
  if (cutOff) return `cut off at byte ${bytes(text.length)}: the data stops in the middle, as after a crash or a full disk`;
  // V8 quotes the start of the input in some messages; the position says enough.
  const reason = message.replace(/, ".*" is not valid JSON$/su, '').replace(/ in JSON at position \d+$/u, '');
  return position === undefined ? reason : `${reason} at byte ${bytes(position)}`;
}

type Problem =
  | { readonly kind: 'unreadable'; readonly reason: string }
  | { readonly kind: 'empty'; readonly size: number }
  | { readonly kind: 'corrupt-json'; readonly reason: string }
  | { readonly kind: 'invalid-content'; readonly reason: string; readonly raw: unknown }
  | { readonly kind: 'future-version'; readonly version: number; readonly raw: unknown };

function startedWith(salvage: Salvage | undefined): string {
  if (salvage === undefined || (salvage.keptAddresses === 0 && salvage.dropped.length === 0)) return 'default settings and no addresses';
  const addresses = salvage.totalAddresses === 0 ? 'no addresses' : `${salvage.keptAddresses} of ${salvage.totalAddresses} addresses`;
  return `the settings and ${addresses} it could read`;
}

function noticeMessage(problem: Problem, path: string, backup: string, salvage: Salvage | undefined): string {
  const moved = `It was moved to ${backup}, and Relayproof started with ${startedWith(salvage)}.`;
  const repair = `Your addresses are still in that file: repair it in a text editor, quit Relayproof, and move it back to ${path}.`;
  const dropped = salvage?.dropped ?? [];
  const shown = dropped.length > 10 ? [...dropped.slice(0, 10), `and ${dropped.length - 10} more`] : dropped;
  const droppedList = shown.length > 0 ? ` Left out: ${shown.join('; ')}.` : '';
  switch (problem.kind) {
    case 'unreadable':
      return `Relayproof could not read its settings file (${problem.reason}). ${moved} If that file holds your addresses, make it readable, quit Relayproof, and move it back to ${path}. ${PASSWORDS_SAFE}`;
    case 'empty':
      return `Relayproof's settings file was empty (${problem.size} bytes), as after a crash or a full disk while it was written. ${moved} ${PASSWORDS_SAFE}`;
    case 'corrupt-json':
      return `Relayproof's settings file was not valid JSON (${problem.reason}). ${moved} ${repair} ${PASSWORDS_SAFE}`;
    case 'invalid-content':
      return `Relayproof's settings file had content it cannot use (${problem.reason}). ${moved}${droppedList} The original is unchanged in the backup. ${PASSWORDS_SAFE}`;
    case 'future-version':
      return `Relayproof's settings file was written by a newer Relayproof (settings format ${problem.version}; this version understands format ${CURRENT_SCHEMA_VERSION}). To keep it unchanged for the newer version, it was moved to ${backup}, and Relayproof started with ${startedWith(salvage)}.${droppedList} To go back to it, install the newer Relayproof, quit it, and move that file back to ${path}; changes made in this version are then replaced. ${PASSWORDS_SAFE}`;
  }
}

/** Read, classify and, when needed, move aside the settings file. */
export function recoverSettingsFile(ctx: RecoveryContext): Recovered {
  const { path } = ctx;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { document: defaultDocument(), mustWrite: true };
    return fromProblem(ctx, { kind: 'unreadable', reason: errorText(error) });
  }

  let text = bytes.toString('utf8');
  const hadBom = text.startsWith(BOM);
  if (hadBom) text = text.slice(BOM.length);
  if (text.trim() === '') return fromProblem(ctx, { kind: 'empty', size: bytes.length });

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return fromProblem(ctx, { kind: 'corrupt-json', reason: describeJsonError(text, error, hadBom ? 3 : 0) });
  }
  if (!isRecord(raw)) return fromProblem(ctx, { kind: 'invalid-content', reason: 'it is not a settings object', raw });

  let version: number;
  if (Object.hasOwn(raw, 'schemaVersion')) {
    const v = raw['schemaVersion'];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      return fromProblem(ctx, { kind: 'invalid-content', reason: `schemaVersion is ${JSON.stringify(v)}, not a format number`, raw });
    }
    version = v;
  } else if (ctx.migrations.some((m) => m.from === 0)) {
    // A file from before versioning, and a migration that knows that layout.
    version = 0;
  } else {
    return fromProblem(ctx, { kind: 'invalid-content', reason: 'it has no schemaVersion', raw });
  }
  if (version > CURRENT_SCHEMA_VERSION) return fromProblem(ctx, { kind: 'future-version', version, raw });

  let migrated = false;
  if (version < CURRENT_SCHEMA_VERSION) {
    const outcome = runMigrations(raw, version, ctx.migrations);
    if (!outcome.ok) return fromProblem(ctx, { kind: 'invalid-content', reason: outcome.reason, raw });
    // A copy, not a move: the migrated document replaces it, and the old format stays readable by an older Relayproof.
    keepCopy(path, sidePath(path, `before-migration-v${version}`, ctx.clock));
    raw = outcome.document;
    migrated = true;
  }

  const checked = storeDocumentSchema.safeParse(raw);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue === undefined ? '' : `${issue.path.map(String).join('.')}: `;
    return fromProblem(ctx, { kind: 'invalid-content', reason: `${where}${issue?.message ?? 'not valid'}`, raw });
  }
  // A BOM is what Notepad adds. The content is fine, but conf and electron-store cannot
  // parse it, so a good file loses those three bytes (damaged ones are moved aside as they are).
  if (hadBom) dropBom(path, bytes);
  // Defaults filled in: write the normalized form once.
  const mustWrite = migrated || JSON.stringify(checked.data) !== JSON.stringify(raw);
  return { document: checked.data, mustWrite };
}

function dropBom(path: string, bytes: Buffer): void {
  const temporary = `${path}.tmp-bom-${process.pid}`;
  try {
    writeFileSync(temporary, bytes.subarray(3), { mode: 0o600 });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new StoreUnavailableError(`Relayproof could not rewrite its settings file ${path} without the byte order mark (${errorText(error)}).`);
  }
}

function keepCopy(from: string, to: string): void {
  try {
    copyFileSync(from, to, constants.COPYFILE_EXCL);
  } catch (error) {
    throw new StoreUnavailableError(`Relayproof could not copy its settings file ${from} to ${to} before upgrading it (${errorText(error)}), so it did not change it.`);
  }
}

function fromProblem(ctx: RecoveryContext, problem: Problem): Recovered {
  const backup = sidePath(ctx.path, 'corrupt', ctx.clock);
  try {
    // A rename keeps the original bytes (or the whole folder, for EISDIR) exactly.
    renameSync(ctx.path, backup);
  } catch (error) {
    throw new StoreUnavailableError(
      `Relayproof's settings file ${ctx.path} cannot be used (${problem.kind}), and moving it aside to ${backup} failed (${errorText(error)}). Relayproof did not change it. Move or repair the file, then start Relayproof again.`,
    );
  }
  const salvage = problem.kind === 'invalid-content' || problem.kind === 'future-version' ? salvageDocument(problem.raw) : undefined;
  const base = salvage?.document ?? defaultDocument();
  const notice: StoreNotice = {
    id: ctx.newNoticeId(),
    at: ctx.clock().toISOString(),
    kind: problem.kind,
    message: noticeMessage(problem, ctx.path, backup, salvage),
    backupPath: backup,
  };
  return { document: { ...base, notices: [...base.notices, notice].slice(-MAX_NOTICES) }, mustWrite: true };
}

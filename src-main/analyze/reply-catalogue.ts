/**
 * The diagnosis catalogue: resources/replies/*.json read and validated with zod at load.
 * Facts that change (provider reply texts, dates) live in those files with a `source`
 * and `checked` date; adding a reply is a JSON edit plus its examples, which the tests
 * feed to `explain`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replyFileSchema, rfc3463FileSchema, type ReplyEntry, type Rfc3463File } from '../../src-preload/contract/analyze';

export interface CompiledEntry {
  readonly entry: ReplyEntry;
  readonly patterns: readonly RegExp[];
  readonly errorCodes: readonly RegExp[];
}

export interface ReplyCatalogue {
  readonly entries: readonly CompiledEntry[];
  readonly rfc3463: Rfc3463File;
}

export type LoadCatalogueResult = { readonly ok: true; readonly catalogue: ReplyCatalogue } | { readonly ok: false; readonly problems: readonly string[] };

const RFC3463_FILE = 'rfc3463.json';

export interface CatalogueIo {
  readonly readFile?: (path: string) => Promise<string>;
  readonly listFiles?: (directory: string) => Promise<string[]>;
}

/** Reads `<resourcesDir>/replies/*.json`. `resourcesDir` is the app's `resources/` folder. */
export async function loadReplyCatalogue(resourcesDir: string, io: CatalogueIo = {}): Promise<LoadCatalogueResult> {
  const read = io.readFile ?? ((path: string) => readFile(path, 'utf8'));
  const list = io.listFiles ?? ((dir: string) => readdir(dir));
  const directory = join(resourcesDir, 'replies');
  const problems: string[] = [];
  let names: string[];
  try {
    names = (await list(directory)).filter((n) => n.endsWith('.json')).sort();
  } catch (error) {
    return { ok: false, problems: [`${directory}: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const files = await Promise.all(
    names.map(async (name) => {
      const path = join(directory, name);
      try {
        return { name, path, json: JSON.parse(await read(path)) as unknown };
      } catch (error) {
        problems.push(`${path}: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      }
    }),
  );
  const entries: ReplyEntry[] = [];
  let rfc3463: Rfc3463File | null = null;
  for (const file of files) {
    if (file === null) continue;
    const schema = file.name === RFC3463_FILE ? rfc3463FileSchema : replyFileSchema;
    // jitless, as readJsonResource: each file is parsed once per process, and compiling a
    // parser for every object schema first cost relayproof smtp test more than the parse.
    const parsed = schema.safeParse(file.json, { jitless: true });
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => `${file.path}: ${i.path.join('.') || '(root)'}: ${i.message}`));
    } else if ('entries' in parsed.data) entries.push(...parsed.data.entries);
    else rfc3463 = parsed.data;
  }
  if (rfc3463 === null && !problems.some((p) => p.includes(RFC3463_FILE))) problems.push(`${join(directory, RFC3463_FILE)}: missing`);
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.code)) problems.push(`duplicate catalogue code "${entry.code}"`);
    seen.add(entry.code);
  }
  if (problems.length > 0 || rfc3463 === null) return { ok: false, problems: problems.sort() };
  return { ok: true, catalogue: { entries: entries.map(compile), rfc3463 } };
}

function compile(entry: ReplyEntry): CompiledEntry {
  return {
    entry,
    patterns: entry.match.text.map((source) => new RegExp(source, 'iu')),
    errorCodes: entry.match.errorCodes.map((code) => new RegExp(`(?<![A-Z0-9_])${code}(?![A-Z0-9_])`, 'u')),
  };
}

/** `resources/` as the running code finds it (`findResourcesDir()`), for tests. */
export { repositoryResourcesDir } from '../providers/platforms';

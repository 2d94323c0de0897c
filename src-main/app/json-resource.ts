/**
 * One reader for the data files in resources/ (platforms, providers, replies, m365):
 * read, parse, validate with zod, and say what is wrong with the file and the path of
 * each problem, so every loader reports a broken file the same way.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import type { AppError } from '../../src-preload/contract';

export type ReadText = (path: string) => Promise<string>;

export const readUtf8: ReadText = (path) => readFile(path, 'utf8');

export type JsonResource<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly string[] };

export async function readJsonResource<S extends z.ZodType>(path: string, schema: S, read: ReadText = readUtf8): Promise<JsonResource<z.output<S>>> {
  let json: unknown;
  try {
    json = JSON.parse(await read(path));
  } catch (error) {
    return { ok: false, problems: [`${path}: ${error instanceof Error ? error.message : String(error)}`] };
  }
  // jitless: zod would otherwise compile a parser (new Function) for each object schema on
  // its first parse, and a data file is parsed once per process: the compiling cost a CLI
  // command more than the parse (resources/platforms: ~60 ms of `relayproof check`).
  const parsed = schema.safeParse(json, { jitless: true });
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${path}: ${i.path.join('.') || '(root)'}: ${i.message}`) };
  return { ok: true, value: parsed.data };
}

/** The data files of resources/, by what they hold for the admin. */
export const RESOURCES = {
  platforms: 'platform data (resources/platforms)',
  providers: 'mail-provider presets (resources/providers)',
  replies: 'reply catalogue (resources/replies)',
  m365: 'Microsoft 365 data (resources/m365.json)',
  blocklists: 'blocklist data (resources/blocklists.json)',
} as const;

export type ResourceName = keyof typeof RESOURCES;

/**
 * The one answer when a data file of resources/ is missing or does not validate: an
 * installation problem, never the admin's input, so the app, browser mode and the CLI
 * say the same thing and carry every problem (file, field, reason) in the details.
 */
export function unreadableResource(name: ResourceName, problems: readonly string[]): { readonly ok: false; readonly error: AppError } {
  return {
    ok: false,
    error: {
      code: 'internal',
      message: `Relayproof could not read its ${RESOURCES[name]}, so this part of the app cannot work.`,
      hint: 'Reinstall Relayproof (from a source checkout: `git status resources` shows what changed there).',
      details: { problems: [...problems] },
    },
  };
}

/**
 * One reader for the data files in resources/ (platforms, providers, replies, m365):
 * read, parse, validate with zod, and say what is wrong with the file and the path of
 * each problem, so every loader reports a broken file the same way.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { z } from 'zod';
import type { AppError } from '../../src-preload/contract';
import { VERIFIED_RESOURCES, type VerifiedKind } from './verified-resources';

export type ReadText = (path: string) => Promise<string>;

export const readUtf8: ReadText = (path) => readFile(path, 'utf8');

export type JsonResource<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly string[] };

export async function readJsonResource<S extends z.ZodType>(path: string, schema: S, read: ReadText = readUtf8): Promise<JsonResource<z.output<S>>> {
  let text: string;
  try {
    text = await read(path);
  } catch (error) {
    return problem(path, error);
  }
  return validateText(path, text, schema);
}

/**
 * readJsonResource for a kind the build validated (verified-resources.ts): a file whose
 * name and SHA-256 the build listed is the very file the schema accepted and returned unchanged, so
 * it is used as parsed, and `schema` (with zod) is not even loaded. Any other text is
 * validated, and refused, exactly as readJsonResource would.
 */
export async function readVerifiedJsonResource<T>(
  path: string,
  kind: VerifiedKind,
  schema: () => Promise<z.ZodType<T>>,
  read: ReadText = readUtf8,
  digests: readonly string[] = VERIFIED_RESOURCES[kind],
): Promise<JsonResource<T>> {
  let text: string;
  try {
    text = await read(path);
  } catch (error) {
    return problem(path, error);
  }
  if (digests.includes(verifiedDigest(basename(path), text))) return { ok: true, value: JSON.parse(text) as T };
  return validateText(path, text, await schema());
}

/** How verified-resources.ts names a file: its name (a kind's schema may depend on it) and the SHA-256 of its text. */
export function verifiedDigest(name: string, text: string): string {
  return `${name}:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

function validateText<S extends z.ZodType>(path: string, text: string, schema: S): JsonResource<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return problem(path, error);
  }
  // jitless: zod would otherwise compile a parser (new Function) for each object schema on
  // its first parse, and a data file is parsed once per process: the compiling cost a CLI
  // command more than the parse (resources/platforms: ~60 ms of `relayproof check`).
  const parsed = schema.safeParse(json, { jitless: true });
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${path}: ${i.path.join('.') || '(root)'}: ${i.message}`) };
  return { ok: true, value: parsed.data };
}

function problem(path: string, error: unknown): { readonly ok: false; readonly problems: readonly string[] } {
  return { ok: false, problems: [`${path}: ${error instanceof Error ? error.message : String(error)}`] };
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

/**
 * One reader for the data files in resources/ (platforms, providers, replies, m365):
 * read, parse, validate with zod, and say what is wrong with the file and the path of
 * each problem, so every loader reports a broken file the same way.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';

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
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${path}: ${i.path.join('.') || '(root)'}: ${i.message}`) };
  return { ok: true, value: parsed.data };
}

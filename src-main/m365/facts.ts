/**
 * resources/m365.json read and validated with zod at load: the Microsoft 365 endpoint,
 * limits, the Basic-auth retirement dates, OAuth 2.0 values, identity-platform errors and
 * the readiness items. Facts that change are updated there, with their source and date.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { m365FactsSchema, type M365Facts } from './schemas';

export type LoadM365FactsResult = { readonly ok: true; readonly facts: M365Facts } | { readonly ok: false; readonly problems: readonly string[] };

/** Reads `<resourcesDir>/m365.json`. `resourcesDir` is the app's `resources/` folder. */
export async function loadM365Facts(resourcesDir: string, io: { readonly readFile?: (path: string) => Promise<string> } = {}): Promise<LoadM365FactsResult> {
  const read = io.readFile ?? ((path: string) => readFile(path, 'utf8'));
  const path = join(resourcesDir, 'm365.json');
  let json: unknown;
  try {
    json = JSON.parse(await read(path));
  } catch (error) {
    return { ok: false, problems: [`${path}: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const parsed = m365FactsSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${path}: ${i.path.join('.') || '(root)'}: ${i.message}`) };
  return { ok: true, facts: parsed.data };
}

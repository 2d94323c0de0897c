/**
 * resources/m365.json read and validated with zod at load: the Microsoft 365 endpoint,
 * limits, the Basic-auth retirement dates, OAuth 2.0 values, identity-platform errors and
 * the readiness items. Facts that change are updated there, with their source and date.
 */
import { join } from 'node:path';
import { readJsonResource } from '../app/json-resource';
import { m365FactsSchema, type M365Facts } from '../../src-preload/contract/m365-schemas';

export type LoadM365FactsResult = { readonly ok: true; readonly facts: M365Facts } | { readonly ok: false; readonly problems: readonly string[] };

/** Reads `<resourcesDir>/m365.json`. `resourcesDir` is the app's `resources/` folder. */
export async function loadM365Facts(resourcesDir: string, io: { readonly readFile?: (path: string) => Promise<string> } = {}): Promise<LoadM365FactsResult> {
  const loaded = await readJsonResource(join(resourcesDir, 'm365.json'), m365FactsSchema, io.readFile);
  return loaded.ok ? { ok: true, facts: loaded.value } : loaded;
}

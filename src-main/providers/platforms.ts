/**
 * Connector platforms as data (resources/platforms/*.json): what each SaaS needs in DNS
 * (SPF include, DKIM selectors and CNAME targets), where inbound mail is forwarded, its
 * limits, the headers that must survive the relay, and its own error phrases. Facts that
 * change live in the JSON with a `source` and `checked` date, validated here with zod (or,
 * for the files the build shipped unchanged, by the build: verified-resources.ts).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { GENERIC_PLATFORM_ID, PLATFORM_ID_PATTERN } from '../../src-preload/contract/platform-ids';
import type { AppError } from '../../src-preload/contract';
import { findResourcesDir } from '../app/resources-dir';
import { readUtf8, readVerifiedJsonResource } from '../app/json-resource';

// Types only: the schema (zod) loads only for a file the build did not validate.
export type { Platform, PlatformDkimSelector, PlatformId } from '../../src-preload/contract/providers';
import type { Platform, PlatformDkimSelector, PlatformId } from '../../src-preload/contract/providers';

const platformSchema = async () => (await import('../../src-preload/contract/providers')).platformSchema;

/** The installed platforms by id, in their display order (`order`, then id). */
export type PlatformCatalog = ReadonlyMap<PlatformId, Platform>;

export type LoadPlatformsResult = { readonly ok: true; readonly platforms: PlatformCatalog } | { readonly ok: false; readonly problems: readonly string[] };

export interface LoadPlatformsOptions {
  readonly readFile?: (path: string) => Promise<string>;
  /** The file names in a folder (default: the file system's). */
  readonly listFiles?: (dir: string) => Promise<readonly string[]>;
}

/**
 * Read and validate every platform: each `resources/platforms/<id>.json` is one, its
 * `id` the file's name. `resourcesDir` is the app's `resources/` folder (the
 * repository's in development and tests; the packaged copy in a built app). The generic
 * platform must be there: it is what a check uses when no platform is named.
 */
export async function loadPlatforms(resourcesDir: string, options: LoadPlatformsOptions = {}): Promise<LoadPlatformsResult> {
  const read = options.readFile ?? readUtf8;
  const list = options.listFiles ?? ((dir: string) => readdir(dir));
  const dir = join(resourcesDir, 'platforms');
  let names: readonly string[];
  try {
    names = await list(dir);
  } catch (error) {
    return { ok: false, problems: [`${dir}: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const platforms: Platform[] = [];
  const problems: string[] = [];
  await Promise.all(
    names
      .filter((name) => name.endsWith('.json'))
      .map(async (name) => {
        const file = join(dir, name);
        const id = name.slice(0, -'.json'.length);
        if (!PLATFORM_ID_PATTERN.test(id)) {
          problems.push(`${file}: the file name must be the platform id (lower-case letters, digits and hyphens)`);
          return;
        }
        const parsed = await readVerifiedJsonResource(file, 'platforms', platformSchema, read);
        if (!parsed.ok) problems.push(...parsed.problems);
        else if (parsed.value.id !== id) problems.push(`${file}: id is "${parsed.value.id}", expected "${id}" (the file name)`);
        else platforms.push(parsed.value);
      }),
  );
  if (problems.length === 0 && !platforms.some((p) => p.id === GENERIC_PLATFORM_ID)) {
    problems.push(`${join(dir, `${GENERIC_PLATFORM_ID}.json`)}: missing (the platform used when none is named)`);
  }
  if (problems.length > 0) return { ok: false, problems: problems.sort() };
  platforms.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
  return { ok: true, platforms: new Map(platforms.map((p) => [p.id, p] as const)) };
}

/**
 * An id that names no installed platform: the caller's input, never a reason to guess.
 * Says which ones exist, with their names.
 */
export function unknownPlatform(id: string, catalog: PlatformCatalog): { readonly ok: false; readonly error: AppError } {
  return { ok: false, error: { code: 'invalid-input', message: unknownPlatformMessage(id, catalog), hint: 'The platforms Relayproof knows are the files in resources/platforms.' } };
}

export function unknownPlatformMessage(id: string, catalog: PlatformCatalog): string {
  const known = [...catalog.values()].map((p) => `${p.id} (${p.label})`).join(', ');
  return `"${id}" is not a platform Relayproof knows. Choose one of: ${known}.`;
}

/**
 * `resources/` as the running code finds it (from source in tests, or from `out/main`
 * when built): the tests' name for `findResourcesDir()`, which walks up from the
 * module instead of assuming a fixed depth.
 */
export function repositoryResourcesDir(): string {
  return findResourcesDir();
}

/** The CNAME target a platform expects for a selector, with `{token}` and `{domain}` filled in. */
export function expectedDkimTarget(entry: PlatformDkimSelector, selector: string, domain: string): string | null {
  return entry.target?.replaceAll('{token}', selector).replaceAll('{domain}', domain).toLowerCase() ?? null;
}

/** Which platform phrase an admin pasted (Zuora's "Could not convert socket to TLS", ...). */
export function matchErrorPhrase(platform: Platform, text: string): Platform['errorPhrases'][number] | null {
  const haystack = text.toLowerCase();
  // Longest first: "Authentication failed: Bad username / password" before "Authentication failed".
  const sorted = [...platform.errorPhrases].sort((a, b) => b.phrase.length - a.phrase.length);
  return sorted.find((p) => haystack.includes(p.phrase.toLowerCase())) ?? null;
}

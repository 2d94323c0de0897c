/**
 * Connector platforms as data (resources/platforms/*.json): what each SaaS needs in DNS
 * (SPF include, DKIM selectors and CNAME targets), where inbound mail is forwarded, its
 * limits, the headers that must survive the relay, and its own error phrases. Facts that
 * change live in the JSON with a `source` and `checked` date, validated here with zod.
 */
import { join } from 'node:path';
import { findResourcesDir } from '../app/resources-dir';
import { readJsonResource, readUtf8 } from '../app/json-resource';
import { checklistPlatformIds } from '../checks/schemas';

export { platformDkimSelectorSchema, platformSchema, type Platform, type PlatformDkimSelector, type PlatformId } from './schemas';
import { platformSchema, type Platform, type PlatformDkimSelector, type PlatformId } from './schemas';

export type PlatformCatalog = ReadonlyMap<PlatformId, Platform>;

export type LoadPlatformsResult = { readonly ok: true; readonly platforms: PlatformCatalog } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Read and validate every platform. `resourcesDir` is the app's `resources/` folder
 * (the repository's in development and tests; the packaged copy in a built app).
 */
export async function loadPlatforms(resourcesDir: string, options: { readFile?: (path: string) => Promise<string> } = {}): Promise<LoadPlatformsResult> {
  const read = options.readFile ?? readUtf8;
  const platforms = new Map<PlatformId, Platform>();
  const problems: string[] = [];
  await Promise.all(
    checklistPlatformIds.map(async (id) => {
      const file = join(resourcesDir, 'platforms', `${id}.json`);
      const parsed = await readJsonResource(file, platformSchema, read);
      if (!parsed.ok) {
        problems.push(...parsed.problems);
      } else if (parsed.value.id !== id) {
        problems.push(`${file}: id is "${parsed.value.id}", expected "${id}"`);
      } else {
        platforms.set(id, parsed.value);
      }
    }),
  );
  return problems.length > 0 ? { ok: false, problems: problems.sort() } : { ok: true, platforms };
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

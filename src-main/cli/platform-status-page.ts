/**
 * The line the CLI prints next to a failure of a platform's address: the platform's status
 * page (resources/platforms `statusPage`), because an incident on the platform's side
 * fails the same way. Read from the data files only.
 */
import { findResourcesDir } from '../app/resources-dir';
import { loadPlatforms } from '../providers/platforms';

export type StatusPageLines = (platformId: string) => string | null;

/** One line per platform id, or null for a platform without a status page (or unreadable data). */
export async function statusPageLines(env: NodeJS.ProcessEnv): Promise<StatusPageLines> {
  const loaded = await loadPlatforms(findResourcesDir(env));
  return (platformId) => {
    const platform = loaded.ok ? loaded.platforms.get(platformId) : undefined;
    const page = platform?.statusPage;
    return platform === undefined || page === undefined ? null : `${page.title}: ${page.url} (if ${platform.shortName} itself has an incident, this fails too)`;
  };
}

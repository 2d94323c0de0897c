/**
 * Where `resources/` (platform, provider and reply data) is. The code runs from source
 * (tests), from `out/main/` and `out/main/chunks/` (built), or inside a packaged app, so
 * the folder is found by walking up from this module rather than at a fixed depth.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function findResourcesDir(env: NodeJS.ProcessEnv = process.env, start: string = import.meta.dirname): string {
  const override = env.RELAYPROOF_RESOURCES_DIR;
  if (override !== undefined && override !== '') return override;
  let dir = start;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'resources');
    if (existsSync(join(candidate, 'platforms'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // Not found: the loaders report the missing files in the admin's words.
  return join(start, '..', '..', 'resources');
}

/**
 * Build step for main: validates the data files of resources/ that a command reads on its
 * quickest paths (resources/platforms, read by every `relayproof check`) with their
 * contract schema, once, and writes the name and SHA-256 of each into the build in place of
 * src-main/app/verified-resources.ts. At run time a file with a listed digest is used
 * without loading zod and building its schemas (about 40 ms of a `check`'s start-up); a
 * file that fails here fails the build, as shipping it would break the app.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import type { z } from 'zod';
import { platformSchema } from '../../src-preload/contract/providers';
import { verifiedDigest } from '../app/json-resource';
import type { VerifiedKind } from '../app/verified-resources';

// By its end: electron-vite runs this from a bundled copy of its config, elsewhere. Vite
// names modules with forward slashes on every system (Windows too).
const MODULE = 'src-main/app/verified-resources.ts';

/** Each kind's folder in resources/ and the schema of a file in it, by its name. */
const KINDS: Readonly<Record<VerifiedKind, (name: string) => z.ZodType>> = {
  platforms: () => platformSchema,
};

/**
 * The digests (verifiedDigest: name and SHA-256) of the `.json` files in `resourcesDir/<kind>/`. A file that does not parse
 * or validate throws with its problems; one the schema would change (a default filled in,
 * a value transformed) is validated at run time instead, as the digest would vouch for
 * data the app never uses as it is.
 */
export function verifiedDigests(resourcesDir: string): Record<VerifiedKind, string[]> {
  const result = {} as Record<VerifiedKind, string[]>;
  for (const [kind, schemaOf] of Object.entries(KINDS) as [VerifiedKind, (name: string) => z.ZodType][]) {
    const dir = join(resourcesDir, kind);
    const digests: string[] = [];
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      const text = readFileSync(join(dir, name), 'utf8');
      const json: unknown = JSON.parse(text);
      const parsed = schemaOf(name).safeParse(json);
      if (!parsed.success) {
        throw new Error(`${join(dir, name)} does not validate: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
      }
      if (isDeepStrictEqual(parsed.data, json)) digests.push(verifiedDigest(name, text));
    }
    result[kind] = digests;
  }
  return result;
}

const isModule = (id: string) => (id.split('?')[0] ?? id).replaceAll('\\', '/').endsWith(MODULE);

/** `resourcesDir`: the repository's resources/ folder, whose files the build ships. */
export function verifiedResources(resourcesDir: string): Plugin {
  let written = false;
  return {
    name: 'relayproof-verified-resources',
    buildStart() {
      written = false;
    },
    load(id) {
      if (!isModule(id)) return null;
      const digests = verifiedDigests(resourcesDir);
      for (const kind of Object.keys(KINDS)) for (const file of readdirSync(join(resourcesDir, kind))) this.addWatchFile(join(resourcesDir, kind, file));
      written = true;
      return `export const VERIFIED_RESOURCES = ${JSON.stringify(digests)};\n`;
    },
    buildEnd(error) {
      // A build that ships the module unreplaced would validate everything at run time, silently slower.
      if (error === undefined && !written && [...this.getModuleIds()].some(isModule)) this.error(`${MODULE} was built without the digests of resources/ (its module id did not match).`);
    },
  };
}

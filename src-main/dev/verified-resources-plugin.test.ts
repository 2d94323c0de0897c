/**
 * The build lists the digest of each shipped platform file that its schema accepts as it
 * is, refuses to build with a broken one, and a file read at run time is trusted only when
 * its text is byte for byte one the build listed; anything else is validated as before.
 */
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { platformSchema } from '../../src-preload/contract/providers';
import { readVerifiedJsonResource, verifiedDigest } from '../app/json-resource';
import { repositoryResourcesDir } from '../providers/platforms';
import { verifiedDigests } from './verified-resources-plugin';

const shipped = join(repositoryResourcesDir(), 'platforms');
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A resources/ folder with these platform files. */
function resources(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'relayproof-verified-'));
  temps.push(dir);
  mkdirSync(join(dir, 'platforms'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'platforms', name), text);
  return dir;
}

const zendesk = readFileSync(join(shipped, 'zendesk.json'), 'utf8');

describe('the build step', () => {
  it('lists the name and digest of every shipped platform file', () => {
    const names = readdirSync(shipped).filter((n) => n.endsWith('.json'));
    expect(names.length).toBeGreaterThan(3);
    expect([...verifiedDigests(repositoryResourcesDir()).platforms].sort()).toEqual(names.map((n) => verifiedDigest(n, readFileSync(join(shipped, n), 'utf8'))).sort());
  });

  it('fails the build on a file that does not validate, naming the file and the field', () => {
    const broken = JSON.stringify({ ...JSON.parse(zendesk), order: 'first' });
    expect(() => verifiedDigests(resources({ 'zendesk.json': broken }))).toThrow(/zendesk\.json does not validate: order/u);
  });

  it('does not list a file the schema would change (a default filled in): that one is validated when read', () => {
    const platform = JSON.parse(zendesk) as { routes: { default?: boolean }[] };
    for (const route of platform.routes) if (route.default === false) delete route.default;
    const changed = JSON.stringify(platform);
    expect(platformSchema.safeParse(JSON.parse(changed)).success).toBe(true);
    expect(verifiedDigests(resources({ 'zendesk.json': changed })).platforms).toEqual([]);
  });
});

describe('reading a file at run time', () => {
  const noSchema = () => Promise.reject(new Error('the schema was loaded'));

  it('uses a listed text as it is, without loading the schema', async () => {
    const file = join(shipped, 'zendesk.json');
    const read = await readVerifiedJsonResource(file, 'platforms', noSchema, undefined, [verifiedDigest('zendesk.json', zendesk)]);
    expect(read).toEqual({ ok: true, value: platformSchema.parse(JSON.parse(zendesk)) });
  });

  it('validates a listed text under another name (a kind may choose its schema by the name)', async () => {
    const dir = resources({ 'zendesk-copy.json': zendesk });
    let loaded = false;
    const schema = () => {
      loaded = true;
      return Promise.resolve(platformSchema);
    };
    const read = await readVerifiedJsonResource(join(dir, 'platforms', 'zendesk-copy.json'), 'platforms', schema, undefined, [verifiedDigest('zendesk.json', zendesk)]);
    expect(loaded).toBe(true);
    expect(read.ok).toBe(true);
  });

  it('validates a text that differs by one byte, and reports its problems as before', async () => {
    const edited = zendesk.replace('"order": 1', '"order": "1"');
    const dir = resources({ 'zendesk.json': edited });
    const file = join(dir, 'platforms', 'zendesk.json');
    let loaded = false;
    const schema = () => {
      loaded = true;
      return Promise.resolve(platformSchema);
    };
    const read = await readVerifiedJsonResource(file, 'platforms', schema, undefined, [verifiedDigest('zendesk.json', zendesk)]);
    expect(loaded).toBe(true);
    expect(read.ok).toBe(false);
    expect(read.ok ? [] : read.problems.join('\n')).toMatch(/zendesk\.json: order/u);
  });

  it('source (development, unit tests) lists nothing: every file is validated', async () => {
    const { VERIFIED_RESOURCES } = await import('../app/verified-resources');
    expect(VERIFIED_RESOURCES).toEqual({ platforms: [] });
  });
});

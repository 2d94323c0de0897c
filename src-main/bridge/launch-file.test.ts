import { chmod, mkdir, readFile, stat, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../testing/transport-support';
import { launchPage, writeLaunchFile, type LaunchFile } from './launch-file';

const LAUNCH_URL = `http://127.0.0.1:41234/?launch=${'c'.repeat(64)}`;

let temp: TempDir;
beforeEach(async () => {
  temp = await makeTempDir('launch-file');
});
afterEach(async () => {
  await temp.remove();
});

async function written(env: NodeJS.ProcessEnv): Promise<LaunchFile> {
  const result = await writeLaunchFile({ launchUrl: LAUNCH_URL, env, tmpdir: temp.path });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe('launch file', () => {
  it('is 0600 in a fresh 0700 directory under the temporary folder when there is no XDG_RUNTIME_DIR; remove() deletes both', async () => {
    const file = await written({});
    expect(fileURLToPath(file.url)).toBe(file.path);
    expect(dirname(dirname(file.path))).toBe(temp.path);
    expect((await stat(file.path)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(file.path))).mode & 0o777).toBe(0o700);
    expect(await readFile(file.path, 'utf8')).toContain(LAUNCH_URL);
    await file.remove();
    await file.remove();
    await expect(stat(dirname(file.path))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('goes straight into XDG_RUNTIME_DIR when that is a private directory of this user', async () => {
    const runtime = join(temp.path, 'runtime');
    await mkdir(runtime, { mode: 0o700 });
    const file = await written({ XDG_RUNTIME_DIR: runtime });
    expect(dirname(file.path)).toBe(runtime);
    await file.remove();
    expect((await stat(runtime)).isDirectory()).toBe(true);
  });

  it('ignores an XDG_RUNTIME_DIR others can read, a symlink to one, or a relative one', async () => {
    const loose = join(temp.path, 'loose');
    await mkdir(loose);
    await chmod(loose, 0o755);
    const private_ = join(temp.path, 'private');
    await mkdir(private_, { mode: 0o700 });
    const link = join(temp.path, 'link');
    await symlink(private_, link);
    for (const dir of [loose, link, 'runtime']) {
      const file = await written({ XDG_RUNTIME_DIR: dir });
      expect(dirname(dirname(file.path))).toBe(temp.path);
      expect((await stat(dirname(file.path))).mode & 0o077).toBe(0);
      await file.remove();
    }
  });

  it('says what went wrong and what to do instead when it cannot be written', async () => {
    const result = await writeLaunchFile({ launchUrl: LAUNCH_URL, env: {}, tmpdir: join(temp.path, 'missing') });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'internal', message: 'Relayproof could not write the file that opens your browser (ENOENT).', hint: 'Open the link printed above in your browser on this machine.' },
    });
  });
});

describe('launch page', () => {
  it('sends the browser on by meta refresh, by script and by a link, and sends no referrer', () => {
    const page = launchPage(LAUNCH_URL);
    expect(page).toContain(`<meta http-equiv="refresh" content="0;url=${LAUNCH_URL}">`);
    expect(page).toContain(`location.replace("${LAUNCH_URL}")`);
    expect(page).toContain(`<a href="${LAUNCH_URL}">`);
    expect(page).toContain('<meta name="referrer" content="no-referrer">');
  });

  it('cannot be broken out of by what the URL contains', () => {
    const page = launchPage('http://127.0.0.1:1/?launch="><script>alert(1)</script>&x=1');
    expect(page).not.toContain('"><script>alert');
    expect(page).not.toContain('</script>&');
    expect(page).toContain('&quot;&gt;&lt;script&gt;');
    expect(page).toContain('\\u003cscript>');
  });
});

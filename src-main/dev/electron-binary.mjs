// Where the Electron binary is, or why there is none: the one answer for `npm start`,
// `npm test` and the post-install message. (`require('electron')` would throw without
// the binary; reading its path.txt does not.)
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The electron package folder, or null when Electron is not installed at all. */
export function electronPackageDir() {
  try {
    return dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** `{ binary, why }`: the executable's path, or null and the reason in the admin's words. */
export function findElectronBinary() {
  const dir = electronPackageDir();
  if (dir === null) return { binary: null, why: 'Electron is not installed' };
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return { binary: null, why: 'the Electron binary was not downloaded (no access to its download server)' };
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { binary, why: null } : { binary: null, why: `the Electron binary is missing at ${binary}` };
}

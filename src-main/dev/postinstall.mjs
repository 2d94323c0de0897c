// Runs after `npm install`. Electron's own install script is disabled in package.json
// ("allowScripts") because it downloads a binary and fails the whole install where the
// network only reaches the npm registry. We run it here instead, and a failure is a
// state ("browser mode"), not an install error.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { electronPackageDir, findElectronBinary } from './electron-binary.mjs';

const require = createRequire(import.meta.url);

const electronDir = electronPackageDir();
const script = electronDir === null ? null : join(electronDir, 'install.js');
if (script === null || !existsSync(script)) {
  console.log('Electron is not installed (production install): `npm start` will use browser mode.');
} else {
  spawnSync(process.execPath, [script], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 180_000,
    env: process.env,
  });
  // Judge by the result, not the exit code: ELECTRON_SKIP_BINARY_DOWNLOAD=1 exits 0
  // without a binary.
  if (findElectronBinary().binary !== null) {
    console.log('Electron binary installed.');
  } else {
    console.log('Electron binary unavailable: `npm start` will use browser mode.');
  }
}

try {
  require('keytar');
} catch (error) {
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  console.log(
    `OS keychain support not installed (${reason}). On Debian: sudo apt-get install libsecret-1-dev build-essential python3, then npm install --no-save keytar@7.9.0`,
  );
}

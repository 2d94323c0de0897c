// `npm run screenshots`: regenerates the README's pictures so they never go stale. Builds
// into a private folder, runs the screenshot spec (browser project) in a throwaway
// keyring session, then copies its chosen first screens (readme-<view>-<theme>.png: the
// wizard, checklist, status and Microsoft 365 guide, light and dark) from the git-ignored
// e2e/artifacts/screens into resources/screenshots, which the README links to.
// `--copy-only` skips the run and copies what the last run left.
//
// The copies are 1280 px wide and go through pngquant (a 256-colour palette: a UI
// screenshot loses nothing visible and shrinks to about a third) when it is installed;
// otherwise they are copied as they are and the command says how to get pngquant.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const screens = join(root, 'e2e', 'artifacts', 'screens');
const target = join(root, 'resources', 'screenshots');
const hasCommand = (name) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
const bin = (name) => join(root, 'node_modules', '.bin', name);

function shoot() {
  const work = mkdtempSync(join(tmpdir(), 'relayproof-screens-'));
  // Inside the repository (git-ignored), as `npm test` does: the build finds resources/ beside it.
  const buildDir = join(root, '.test-runs', `screens-${Date.now()}-${process.pid}`);
  try {
    const built = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--outDir', buildDir], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) return false;
    const args = ['test', '-c', 'e2e/playwright.config.ts', '--project=browser', 'e2e/screenshots.spec.ts', '-g', 'screenshots of every view'];
    // Addresses with a password need a keychain: a private, unlocked one, as `npm test` does.
    const keyring = hasCommand('dbus-run-session') && hasCommand('gnome-keyring-daemon');
    const script = 'echo -n relayproof-screens | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"';
    const [command, commandArgs] = keyring ? ['dbus-run-session', ['--', 'sh', '-c', script, 'sh', bin('playwright'), ...args]] : [bin('playwright'), args];
    const env = {
      ...process.env,
      PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
      RELAYPROOF_TEST: '1',
      RELAYPROOF_BUILD_DIR: buildDir,
      RELAYPROOF_E2E_OUTPUT_DIR: join(work, 'results'),
      XDG_DATA_HOME: join(work, 'xdg-data'),
    };
    return spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env }).status === 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(buildDir, { recursive: true, force: true });
  }
}

if (!process.argv.includes('--copy-only') && !shoot()) {
  console.error('The screenshot spec failed: resources/screenshots was left as it was.');
  process.exit(1);
}

const chosen = readdirSync(screens).filter((name) => /^readme-[a-z0-9-]+-(light|dark)\.png$/u.test(name));
if (chosen.length === 0) {
  console.error(`No readme-*.png in ${screens}: run without --copy-only.`);
  process.exit(1);
}
mkdirSync(target, { recursive: true });
const quantise = hasCommand('pngquant');
for (const name of chosen.sort()) {
  const from = join(screens, name);
  const to = join(target, name.replace(/^readme-/u, ''));
  const squeezed = quantise && spawnSync('pngquant', ['--force', '--skip-if-larger', '--strip', '--quality=70-95', '--output', to, '--', from]).status === 0;
  if (!squeezed) copyFileSync(from, to);
  console.log(`${to.slice(root.length + 1)}  ${Math.round(statSync(to).size / 1024)} KiB`);
}
if (!quantise) console.log('pngquant is not installed, so the pictures were copied uncompressed (sudo apt-get install pngquant).');

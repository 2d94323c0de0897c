// `npm start`: build, then open the Electron window when the binary and a display are
// there; otherwise say why and start browser mode (`relayproof serve`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const dir = dirname(require.resolve('electron/package.json'));
    const pathFile = join(dir, 'path.txt');
    if (!existsSync(pathFile)) return { binary: null, why: 'the Electron binary was not downloaded (no access to its download server)' };
    const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? { binary, why: null } : { binary: null, why: `the Electron binary is missing at ${binary}` };
  } catch {
    return { binary: null, why: 'Electron is not installed' };
  }
}

const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('Build failed; see the errors above.');
  process.exit(build.status ?? 1);
}

const { binary, why } = electronBinary();
const display = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const passthrough = process.argv.slice(2);

let child;
if (binary !== null && display && process.env.RELAYPROOF_BROWSER_MODE !== '1') {
  child = spawn(binary, [root, ...passthrough], { cwd: root, stdio: 'inherit' });
} else {
  const reason = why ?? (display ? 'RELAYPROOF_BROWSER_MODE=1 is set' : 'there is no graphical display (DISPLAY/WAYLAND_DISPLAY unset)');
  console.log(`Starting Relayproof in browser mode because ${reason}.`);
  child = spawn(process.execPath, [join(root, 'out', 'main', 'cli.js'), 'serve', ...passthrough], { cwd: root, stdio: 'inherit' });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

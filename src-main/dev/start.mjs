// `npm start`: build, then open the Electron window when the binary and a display are
// there; otherwise say why and start browser mode (`relayproof serve`).
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('Build failed; see the errors above.');
  process.exit(build.status ?? 1);
}

const { binary, why } = findElectronBinary();
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

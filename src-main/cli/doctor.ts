/**
 * `relayproof doctor`: what this machine offers Relayproof, truthfully. Each fact is a
 * check with a status, so scripts can act on `--json` and admins on the fix text.
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { getServers } from 'node:dns';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Services } from '../services';

export interface DoctorCheck {
  readonly id: 'node' | 'electron' | 'display' | 'keychain' | 'data-directory' | 'settings' | 'verification-history' | 'dns';
  readonly status: 'pass' | 'warn' | 'fail';
  readonly summary: string;
  readonly detail: Record<string, unknown>;
  readonly fix?: string;
}

const MIN_NODE: readonly [number, number] = [20, 19];

export function electronBinaryPath(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('electron/package.json'));
    const pathFile = join(dir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

export function hasDisplay(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

export async function runDoctor(services: Services, env: NodeJS.ProcessEnv): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const nodeOk = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  checks.push({
    id: 'node',
    status: nodeOk ? 'pass' : 'fail',
    summary: `Node.js ${process.versions.node}${nodeOk ? '' : ` (Relayproof needs ${MIN_NODE.join('.')} or newer)`}`,
    detail: { version: process.versions.node },
    ...(nodeOk ? {} : { fix: 'Install Node.js 20.19 or newer.' }),
  });

  const binary = electronBinaryPath();
  checks.push({
    id: 'electron',
    status: binary === null ? 'warn' : 'pass',
    summary: binary === null ? 'Electron binary not installed: `npm start` uses browser mode' : `Electron binary at ${binary}`,
    detail: { binary },
    ...(binary === null ? { fix: 'On a workstation with internet access, run `node node_modules/electron/install.js`.' } : {}),
  });

  const display = hasDisplay(env);
  checks.push({
    id: 'display',
    status: display ? 'pass' : 'warn',
    summary: display ? 'A graphical display is available' : 'No graphical display (DISPLAY/WAYLAND_DISPLAY unset): the app runs in browser mode',
    detail: { DISPLAY: env.DISPLAY ?? null, WAYLAND_DISPLAY: env.WAYLAND_DISPLAY ?? null },
  });

  const keychain = await services.vault.state();
  checks.push({
    id: 'keychain',
    status: keychain.status === 'available' ? 'pass' : 'fail',
    summary: keychain.message,
    detail: { backend: keychain.backend, status: keychain.status },
    ...(keychain.fix !== undefined ? { fix: keychain.fix } : {}),
  });

  let writable = true;
  try {
    accessSync(services.dataDirectory, constants.W_OK);
  } catch {
    writable = false;
  }
  checks.push({
    id: 'data-directory',
    status: writable ? 'pass' : 'fail',
    summary: writable ? `Data directory ${services.dataDirectory}` : `Data directory ${services.dataDirectory} is not writable`,
    detail: { path: services.dataDirectory, writable },
  });

  const notices = services.store.notices();
  checks.push({
    id: 'settings',
    status: notices.length === 0 ? 'pass' : 'warn',
    summary: notices.length === 0 ? `Settings file ${services.store.path}` : notices.map((n) => n.message).join(' '),
    detail: { path: services.store.path, notices },
  });

  const verificationNotices = services.verificationStore.notices();
  checks.push({
    id: 'verification-history',
    status: verificationNotices.length === 0 ? 'pass' : 'warn',
    summary: verificationNotices.length === 0 ? `Verification history ${services.verificationStore.path}` : verificationNotices.map((n) => n.message).join(' '),
    detail: { path: services.verificationStore.path, notices: verificationNotices },
  });

  const configured = services.store.settings().dnsServers;
  const system = getServers();
  checks.push({
    id: 'dns',
    status: configured.length > 0 || system.length > 0 ? 'pass' : 'warn',
    summary: configured.length > 0 ? `DNS servers from settings: ${configured.join(', ')}` : `System DNS servers: ${system.join(', ') || 'none found'}`,
    detail: { configured, system },
  });
  return checks;
}

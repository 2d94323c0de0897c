/**
 * `relayproof doctor`: what this machine offers Relayproof, truthfully. Each fact is a
 * check with a status, so scripts can act on `--json` and admins on the fix text.
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { getServers } from 'node:dns';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type { Services } from '../services';
import { CONFIG_NAME } from '../store/store';
import { findOrphans, removeOrphans, type Orphan, type OrphanRemoval } from '../vault/orphans';
import { APP_VERSION } from '../app/version';
import { hasDisplay } from './display';
import { EXIT, oneLine, parseOptions, printErrorText, printJson, printText, UsageError, type CliIo, type ExitCode } from './io';
import { parseConfig } from './command-table';

export interface DoctorCheck {
  readonly id: 'node' | 'electron' | 'display' | 'keychain' | 'keychain-orphans' | 'data-directory' | 'settings' | 'verification-history' | 'dns';
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
  if (keychain.status === 'available') checks.push(await orphansCheck(services));

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

const addressIdsOf = (services: Services) => () => new Set(services.store.listAddresses().map((a) => a.id));

/**
 * Settings files moved aside as damaged: the addresses in them may own keychain entries
 * that look orphaned now, and deleting those would lose passwords the admin can restore.
 */
function movedAsideSettings(services: Services): string[] {
  return services.store
    .notices()
    .flatMap((n) => (n.backupPath !== null && basename(n.backupPath).startsWith(`${CONFIG_NAME}.`) ? [n.backupPath] : []));
}

function describeOrphan(orphan: Orphan): string {
  return orphan.purpose === 'unknown' ? orphan.account : `${orphan.account} (${orphan.purpose === 'smtp' ? 'SMTP secret' : orphan.purpose})`;
}

async function orphansCheck(services: Services): Promise<DoctorCheck> {
  const found = await findOrphans(services.vault, addressIdsOf(services));
  if (!found.ok) return { id: 'keychain-orphans', status: 'warn', summary: `The keychain entries could not be listed: ${found.error.message}`, detail: { error: found.error.code } };
  const orphans = found.value;
  if (orphans.length === 0) return { id: 'keychain-orphans', status: 'pass', summary: 'Every keychain entry of Relayproof belongs to an address', detail: { orphans: [] } };
  const backups = movedAsideSettings(services);
  const fix =
    backups.length === 0
      ? 'If you do not need them, delete them with `relayproof doctor --remove-orphans`.'
      : `A damaged settings file was moved aside (${backups.join(', ')}); its addresses may own these entries. Restore it as its notice says, or delete them anyway with \`relayproof doctor --remove-orphans --force\`.`;
  return {
    id: 'keychain-orphans',
    status: 'warn',
    summary: `${orphans.length} keychain ${orphans.length === 1 ? 'entry belongs' : 'entries belong'} to no address (left by an address that is gone, e.g. several \`address add\` at once in an earlier version): ${orphans.map(describeOrphan).join(', ')}`,
    detail: { orphans, settingsBackups: backups },
    fix,
  };
}

export type OrphanCleanup =
  | ({ readonly done: true } & OrphanRemoval)
  | { readonly done: false; readonly reason: string };

/**
 * `doctor --remove-orphans`: deletes the keychain entries that belong to no address.
 * Refused while a damaged settings file that was moved aside may still own them, unless forced.
 */
export async function cleanUpOrphans(services: Services, options: { readonly force: boolean }): Promise<OrphanCleanup> {
  const found = await findOrphans(services.vault, addressIdsOf(services));
  if (!found.ok) return { done: false, reason: found.error.message };
  const backups = movedAsideSettings(services);
  if (backups.length > 0 && !options.force && found.value.length > 0) {
    return {
      done: false,
      reason: `Nothing was deleted: a damaged settings file was moved aside (${backups.join(', ')}), and the addresses in it may own these keychain entries. Restore it as its notice says (the passwords then belong to addresses again), or run \`relayproof doctor --remove-orphans --force\` to delete them anyway.`,
    };
  }
  return { done: true, ...(await removeOrphans(services.vault, addressIdsOf(services), found.value)) };
}

/** `relayproof doctor [--remove-orphans [--force]]`. */
export async function runDoctorCommand(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const { values } = parseOptions(args, parseConfig('doctor'));
  if (values.force === true && values['remove-orphans'] !== true) throw new UsageError('--force goes with --remove-orphans.');
  const services = openServices();
  // Before the checks, so that they show what is left.
  const cleanup = values['remove-orphans'] === true ? await cleanUpOrphans(services, { force: values.force === true }) : undefined;
  const checks = await runDoctor(services, io.env);
  const failed = checks.some((c) => c.status === 'fail') || cleanup?.done === false || (cleanup?.kept.length ?? 0) > 0;
  if (values.json === true) {
    printJson(io, { ok: !failed, version: APP_VERSION, checks, ...(cleanup === undefined ? {} : { orphanCleanup: cleanup }) });
  } else {
    if (cleanup?.done === false) printErrorText(io, `${cleanup.reason}\n`);
    else if (cleanup !== undefined) {
      printText(io, `Removed ${cleanup.removed.length} keychain ${cleanup.removed.length === 1 ? 'entry' : 'entries'} without an address${cleanup.removed.length > 0 ? `: ${cleanup.removed.join(', ')}` : ''}.\n`);
      for (const k of cleanup.kept) printText(io, `  kept ${k.account}: ${oneLine(k.reason)}\n`);
    }
    for (const check of checks) {
      const mark = check.status === 'pass' ? '✓' : check.status === 'warn' ? '!' : '✗';
      printText(io, `${mark} ${check.id.padEnd(15)} ${check.summary}\n`);
      if (check.fix !== undefined && check.status !== 'pass') printText(io, `  fix: ${check.fix}\n`);
    }
  }
  return failed ? EXIT.checkFailed : EXIT.ok;
}

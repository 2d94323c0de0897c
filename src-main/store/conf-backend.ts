/** `conf` as the StoreBackend in Node (CLI, browser mode, tests); Electron passes electron-store. */
import Conf from 'conf';
import type { StoreBackend } from './store';

export function confBackend(options: { cwd: string; configName: string }): StoreBackend {
  const conf = new Conf<Record<string, unknown>>({
    cwd: options.cwd,
    configName: options.configName,
    projectName: 'relayproof',
    // openStore has already checked the file; never let conf reset it.
    clearInvalidConfig: false,
    // Addresses and usernames are the admin's business; conf's default is world-readable 0o666.
    configFileMode: 0o600,
    // Validation is zod's job in openStore (one schema for Node and Electron).
    accessPropertiesByDotNotation: false,
    watch: false,
  });
  return {
    path: conf.path,
    // conf re-reads the file on every access, so writes by another process are seen.
    read: () => ({ ...conf.store }),
    // conf writes to a temporary file and renames it over the original (atomically).
    write: (data) => {
      conf.store = data;
    },
  };
}

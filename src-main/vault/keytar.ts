/**
 * Loads the native keytar module. It is CommonJS with a compiled addon, externalized by
 * electron-vite, so the bundled ESM main process needs a runtime require. A missing or
 * unbuilt module is a runtime state of the vault, never a crash at startup.
 */
import { createRequire } from 'node:module';
import { KeychainModuleMissingError } from './keychain-errors';
import type { KeychainBackend } from './vault';

const METHODS = ['getPassword', 'setPassword', 'deletePassword', 'findCredentials'] as const;

function hasMethods(value: unknown): value is KeychainBackend {
  return typeof value === 'object' && value !== null && METHODS.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
}

export interface LoadKeytarOptions {
  /** Module to require; only tests change it (to prove the missing-module path with a real require). */
  readonly moduleName?: string;
}

export async function loadKeytar(options: LoadKeytarOptions = {}): Promise<KeychainBackend> {
  const moduleName = options.moduleName ?? 'keytar';
  const requireNative = createRequire(import.meta.url);
  let loaded: unknown;
  try {
    loaded = requireNative(moduleName);
  } catch (error) {
    // MODULE_NOT_FOUND (optional dependency skipped), a failed dlopen (libsecret absent) or
    // an addon built for another Node/Electron ABI: all fixed by installing and rebuilding.
    throw new KeychainModuleMissingError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  if (!hasMethods(loaded)) {
    throw new KeychainModuleMissingError(`the ${moduleName} module does not provide ${METHODS.join(', ')}`);
  }
  const keytar = loaded;
  // Only the four calls the vault needs leave this file (not findPassword or future additions).
  return {
    getPassword: (service, account) => keytar.getPassword(service, account),
    setPassword: (service, account, password) => keytar.setPassword(service, account, password),
    deletePassword: (service, account) => keytar.deletePassword(service, account),
    findCredentials: (service) => keytar.findCredentials(service),
  };
}

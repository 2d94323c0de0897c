/** electron-store as the StoreBackend in Electron (it throws when imported elsewhere). */
import ElectronStore from 'electron-store';
import type { StoreBackend } from '../store/store';

export function electronStoreBackend(options: { cwd: string; configName: string }): StoreBackend {
  const store = new ElectronStore<Record<string, unknown>>({ cwd: options.cwd, name: options.configName, clearInvalidConfig: false, configFileMode: 0o600 });
  return {
    path: store.path,
    read: () => ({ ...store.store }),
    write: (data) => {
      store.store = data;
    },
  };
}

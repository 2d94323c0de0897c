/**
 * Where settings and logs live. The same folder as Electron's `app.getPath('userData')`
 * for productName "Relayproof", so the app, the CLI and browser mode share one store.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDirectory(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const override = env.RELAYPROOF_DATA_DIR;
  if (override !== undefined && override !== '') return override;
  switch (platform) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Relayproof');
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Relayproof');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Relayproof');
  }
}

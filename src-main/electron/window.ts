/**
 * The one BrowserWindow, with secure defaults: context isolation, sandbox, no Node,
 * web security on, no window.open, no navigation, no permission grants, and external
 * links only through the allowlist.
 */
import { BrowserWindow, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { safeOpenExternal } from './safe-open';

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface AppWindow {
  readonly window: BrowserWindow;
  /** True when an IPC sender frame is our own renderer. */
  isOwnFrame(url: string | undefined): boolean;
}

export function createAppWindow(outDir: string, devServerUrl: string | undefined): AppWindow {
  const rendererFile = join(outDir, 'renderer', 'index.html');
  const rendererUrl = devServerUrl ?? pathToFileURL(rendererFile).toString();

  // Every response carries the CSP too (the meta tag covers file://).
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  const window = new BrowserWindow({
    width: 1200,
    height: 820,
    minWidth: 800,
    minHeight: 560,
    title: 'Relayproof',
    show: false,
    webPreferences: {
      preload: join(outDir, 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });

  window.webContents.setWindowOpenHandler(({ url }) => {
    safeOpenExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (url !== rendererUrl) {
      event.preventDefault();
      safeOpenExternal(url);
    }
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());

  if (devServerUrl !== undefined) void window.loadURL(devServerUrl);
  else void window.loadFile(rendererFile);

  return {
    window,
    isOwnFrame(url) {
      if (url === undefined) return false;
      if (devServerUrl !== undefined) return url.startsWith(devServerUrl);
      // Hash routing keeps the same document; compare without the fragment.
      return url.split('#')[0] === rendererUrl;
    },
  };
}

/**
 * The one BrowserWindow, with secure defaults: context isolation, sandbox, no Node,
 * web security on, no window.open, no navigation, no permission grants, and external
 * links only through the allowlist.
 */
import { BrowserWindow, nativeTheme, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../app/content-security-policy';
import type { RendererLocation } from './ipc';
import { safeOpenExternal } from './safe-open';
import { SECURE_WEB_PREFERENCES } from './web-preferences';


export function rendererLocation(outDir: string, devServerUrl: string | undefined): RendererLocation {
  return devServerUrl !== undefined ? { devServerUrl } : { fileUrl: pathToFileURL(join(outDir, 'renderer', 'index.html')).toString() };
}

export function createAppWindow(outDir: string, location: RendererLocation): BrowserWindow {
  const rendererUrl = location.devServerUrl ?? location.fileUrl ?? '';

  // Every response carries the CSP too (the meta tag covers file://).
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // The renderer needs one permission: writing to the clipboard (Copy buttons). No
  // camera, notifications, clipboard reading or anything else.
  const allowed = (permission: string) => permission === 'clipboard-sanitized-write';
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(allowed(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => allowed(permission));

  const window = new BrowserWindow({
    width: 1200,
    height: 820,
    minWidth: 800,
    minHeight: 560,
    title: 'Relayproof',
    // Shown on ready-to-show, when the page has painted its first frame (index.html
    // paints a placeholder before any script runs), so the admin never sees a blank
    // window; the background matches that frame for resizes and the first composite.
    show: false,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#292929' : '#ffffff',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: join(outDir, 'preload', 'index.cjs') },
  });

  window.webContents.setWindowOpenHandler(({ url }) => {
    safeOpenExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    // Hash routing stays on the same document; anything else leaves the app.
    if (url.split('#')[0] !== rendererUrl.split('#')[0]) {
      event.preventDefault();
      safeOpenExternal(url);
    }
  });
  window.webContents.on('will-redirect', (event, url) => {
    if (url.split('#')[0] !== rendererUrl.split('#')[0]) event.preventDefault();
  });
  window.webContents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());

  void window.loadURL(rendererUrl);
  return window;
}

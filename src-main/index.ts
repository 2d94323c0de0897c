/**
 * Electron entry: single-instance lock, app lifecycle, the window, and the contract
 * registered on IPC. Everything else is plain Node in services.ts.
 */
import { app, dialog, ipcMain, type BrowserWindow } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_CHANNEL } from '../src-preload/contract';
import { electronClipboard } from './electron/clipboard';
import { allowRendererSenders, registerContract } from './electron/ipc';
import { showVerificationNotifications } from './electron/notifications';
import { electronStoreEngine } from './electron/store-engine';
import { createAppWindow, rendererLocation } from './electron/window';
import { createServices, type Services } from './services';
import { StoreUnavailableError } from './store/store';

app.setName('Relayproof');
if (process.env.RELAYPROOF_DATA_DIR) app.setPath('userData', process.env.RELAYPROOF_DATA_DIR);

// Two windows writing one settings file would race: the second launch focuses the first.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let appWindow: BrowserWindow | undefined;
  app.on('second-instance', () => {
    if (appWindow === undefined) return;
    if (appWindow.isMinimized()) appWindow.restore();
    appWindow.focus();
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  void app.whenReady().then(() => {
    const outDir = join(dirname(fileURLToPath(import.meta.url)), '..');
    let services: Services;
    try {
      services = createServices({
        dataDirectory: app.getPath('userData'),
        mode: 'electron',
        documentEngine: electronStoreEngine,
        clipboard: electronClipboard(),
        validateOutput: !app.isPackaged,
      });
    } catch (error) {
      // The settings folder cannot be used at all (not creatable, or a damaged file
      // cannot be moved aside): say so and leave everything as it is.
      const message = error instanceof StoreUnavailableError ? error.message : `Relayproof could not start: ${error instanceof Error ? error.message : String(error)}`;
      dialog.showErrorBox(error instanceof StoreUnavailableError ? 'Relayproof cannot open its settings' : 'Relayproof could not start', message);
      app.exit(1);
      return;
    }
    // A dev server URL is honoured only in development: in a packaged app it would let
    // an environment variable load any page with full access to the contract.
    const location = rendererLocation(outDir, app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL);
    const current = createAppWindow(outDir, location);
    appWindow = current;
    const dispatcher = services.createDispatcher((event) => {
      if (!current.isDestroyed()) current.webContents.send(EVENT_CHANNEL, event);
    });
    registerContract(ipcMain, dispatcher, {
      isAllowedSender: allowRendererSenders(location),
      logger: services.logger,
    });
    // While the app runs, pending verification items are re-checked in the background;
    // what changes raises an OS notification.
    showVerificationNotifications(services.verification, {
      focus: () => {
        if (current.isDestroyed()) return;
        if (current.isMinimized()) current.restore();
        current.focus();
      },
    });
    services.verification.startScheduler();
    app.once('will-quit', () => void services.verification.stopScheduler());
    // A secret copied less than 30 s ago would outlive its clear timer: clear it before
    // quitting (once; the second will-quit finds nothing pending and lets the app go).
    app.on('will-quit', (event) => {
      if (services.clipboard.pending() === 0) return;
      event.preventDefault();
      void services.clipboard.clearPending().finally(() => app.quit());
    });
  });

  app.on('window-all-closed', () => app.quit());
}

/**
 * Electron entry: single-instance lock, app lifecycle, the window, and the contract
 * registered on IPC. Everything else is plain Node in services.ts.
 */
import { app, dialog, ipcMain, type BrowserWindow } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_CHANNEL } from '../src-preload/contract';
import { allowRendererSenders, registerContract } from './electron/ipc';
import { createAppWindow, rendererLocation } from './electron/window';
import { createLogger, type Logger } from './log/logger';
import { deferDispatcher } from './rpc/deferred-dispatcher';
import type { Dispatcher } from './rpc/dispatch';
import type { Services } from './services';

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
    // A dev server URL is honoured only in development: in a packaged app it would let
    // an environment variable load any page with full access to the contract.
    const location = rendererLocation(outDir, app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL);
    // The window first: the page loads and renders while the services and their
    // dependencies (mail, DNS, OAuth, keychain) are imported below, as the CLI does.
    const current = createAppWindow(outDir, location);
    appWindow = current;
    // The same file createServices would log to, so calls refused before it exists are kept.
    const logger = createLogger({ file: join(app.getPath('userData'), 'logs', 'relayproof.log') });
    const services = startServices(logger);
    // Registered now, so the page's first calls wait for the services instead of
    // finding no handler.
    registerContract(
      ipcMain,
      deferDispatcher(
        services.then((started): Dispatcher | undefined =>
          started?.createDispatcher((event) => {
            if (!current.isDestroyed()) current.webContents.send(EVENT_CHANNEL, event);
          }),
        ),
      ),
      { isAllowedSender: allowRendererSenders(location), logger },
    );
    void services.then((started) => {
      if (started !== undefined) void runInBackground(started, current);
    });
  });

  /** The services, or undefined once the admin has been told why they could not start. */
  async function startServices(logger: Logger): Promise<Services | undefined> {
    let unavailable: (new (...args: never[]) => Error) | undefined;
    try {
      const [{ createServices }, { StoreUnavailableError }, { electronStoreEngine }, { electronClipboard }] = await Promise.all([
        import('./services'),
        import('./store/store'),
        import('./electron/store-engine'),
        import('./electron/clipboard'),
      ]);
      unavailable = StoreUnavailableError;
      return createServices({
        dataDirectory: app.getPath('userData'),
        mode: 'electron',
        logger,
        documentEngine: electronStoreEngine,
        clipboard: electronClipboard(),
        validateOutput: !app.isPackaged,
      });
    } catch (error) {
      // The settings folder cannot be used at all (not creatable, or a damaged file
      // cannot be moved aside): say so and leave everything as it is.
      const storeProblem = unavailable !== undefined && error instanceof unavailable;
      const message = storeProblem ? error.message : `Relayproof could not start: ${error instanceof Error ? error.message : String(error)}`;
      dialog.showErrorBox(storeProblem ? 'Relayproof cannot open its settings' : 'Relayproof could not start', message);
      app.exit(1);
      return undefined;
    }
  }

  async function runInBackground(services: Services, current: BrowserWindow): Promise<void> {
    const { showVerificationNotifications } = await import('./electron/notifications');
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
  }

  app.on('window-all-closed', () => app.quit());
}

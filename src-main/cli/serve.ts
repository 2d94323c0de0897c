/**
 * `relayproof serve`: browser mode. The bridge listens on 127.0.0.1 only. The URL with
 * the per-launch token is printed on our own stdout only. The browser opener's argv is
 * visible to every local user (`ps`, `/proc/<pid>/cmdline`), so it gets neither the
 * token nor a launch code: only the path of a 0600 launch file that holds a single-use
 * code (see bridge/launch-file.ts). The file goes once the code is used, after 60 s, or
 * when serve stops.
 */
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDataDirectory } from '../app/data-directory';
import { writeLaunchFile, type LaunchFile } from '../bridge/launch-file';
import { startBridge, type BridgeServices } from '../bridge/server';
import type { Logger } from '../log/logger';
import { deferDispatcher } from '../rpc/deferred-dispatcher';
import type { Services } from '../services';
import { cliLogger } from './cli-logger';
import { hasDisplay } from './display';
import { EXIT, parseOptions, UsageError, type CliIo, type ExitCode } from './io';
import { parseConfig } from './command-table';

export interface ServeOptions {
  readonly port: number;
  readonly open: boolean;
  readonly json: boolean;
}

/** What `runServe` reaches outside the bridge, passed in so tests can watch it. */
export interface ServeDependencies {
  /**
   * Hands the launch file's `file://` URL to the desktop's browser; the default spawns
   * xdg-open/open/explorer with exactly `openerCommand(url)`.
   */
  readonly openUrl?: (url: string, io: CliIo) => void;
  /** Parent of the launch file's own directory when `XDG_RUNTIME_DIR` is unusable; `os.tmpdir()` by default. */
  readonly tmpdir?: string;
  /** Resolves when serving should end; the default waits for SIGINT or SIGTERM. */
  readonly stopped?: Promise<void>;
  readonly rendererDir?: string;
}

/** out/main/cli.js → out/renderer */
export function builtRendererDir(): string {
  // The bundler may place this module in out/main/ or in a chunk folder below it (lazy CLI
  // commands): the renderer is the nearest `renderer/index.html` walking up from here.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i += 1) {
    const candidate = join(dir, '..', 'renderer');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'renderer');
}

/**
 * Services still to be built: `open` is called once the link is printed, so the admin
 * gets it in about the time node takes to start; calls arriving before the services are
 * ready wait for them (rpc/deferred-dispatcher.ts).
 */
export interface PendingServices {
  readonly dataDirectory: string;
  readonly logger: Logger;
  open(): Promise<Services>;
}

export async function runServe(given: Services | PendingServices, io: CliIo, options: ServeOptions, deps: ServeDependencies = {}): Promise<ExitCode> {
  const pending: PendingServices = 'open' in given ? given : { dataDirectory: given.dataDirectory, logger: given.logger, open: () => Promise.resolve(given) };
  let startOpening: (services: Promise<Services>) => void = () => undefined;
  const opened = new Promise<Services>((resolve) => {
    startOpening = resolve;
  });
  const bridgeServices: BridgeServices = {
    // A failed start is reported below (and ends serve); the waiting calls get store-unavailable.
    createDispatcher: (onEvent) => deferDispatcher(opened.then((services) => services.createDispatcher(onEvent))),
  };
  const bridge = await startBridge({ services: bridgeServices, rendererDir: deps.rendererDir ?? builtRendererDir(), port: options.port, logger: pending.logger });
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ url: bridge.url, port: bridge.port, token: bridge.token, dataDirectory: pending.dataDirectory })}\n`);
  } else {
    io.stdout.write(
      `Relayproof is running in browser mode:\n\n  ${bridge.url}\n\nOnly this machine can reach it; the link carries this session's key, so do not share it.\nPress Ctrl+C to stop.\n`,
    );
  }
  let launchFile: LaunchFile | undefined;
  if (options.open && hasDisplay(io.env)) {
    const launch = bridge.launch();
    const written = await writeLaunchFile({ launchUrl: launch.url, env: io.env, ...(deps.tmpdir === undefined ? {} : { tmpdir: deps.tmpdir }) });
    if (written.ok) {
      const file = written.value;
      launchFile = file;
      // Used, expired or serve stopping: the code is dead, so its file has no purpose left.
      void launch.ended.then(() => file.remove());
      (deps.openUrl ?? openInBrowser)(file.url, io);
      if (!options.json) {
        // Snap and Flatpak browsers see their own /tmp and runtime folder: the admin needs to know the way round.
        io.stdout.write('Opening it in your browser through a one-time launch file. If the browser says the file was not found (a Snap or Flatpak browser cannot read it), open the link above instead.\n');
      }
    } else {
      io.stderr.write(`${written.error.message} ${written.error.hint ?? ''}\n`);
    }
  }
  startOpening(pending.open());
  let services: Services;
  try {
    services = await opened;
  } catch (error) {
    // The settings folder is unusable (or the like): say so as any other command does, after closing.
    await bridge.close();
    await launchFile?.remove();
    throw error;
  }
  // While serving, pending verification items are re-checked in the background; changes
  // reach the page as `verification:changes` events (toasts).
  services.verification.startScheduler();

  await (deps.stopped ?? untilSignalled());
  await services.verification.stopScheduler();
  await bridge.close();
  await launchFile?.remove();
  // A secret copied less than 30 s ago would outlive its clear timer: clear it now.
  await services.clipboard.clearPending();
  return EXIT.ok;
}

function untilSignalled(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** The desktop's opener and its whole argv: the launch file's URL and nothing else. */
export function openerCommand(fileUrl: string, platform: NodeJS.Platform = process.platform): { readonly command: string; readonly args: readonly string[] } {
  const command = platform === 'darwin' ? 'open' : platform === 'win32' ? 'explorer' : 'xdg-open';
  return { command, args: [fileUrl] };
}

function openInBrowser(fileUrl: string, io: CliIo): void {
  const { command, args } = openerCommand(fileUrl);
  const failed = () => io.stderr.write(`Could not start ${command}; open the link printed above in your browser.\n`);
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', failed);
    child.unref();
  } catch {
    failed();
  }
}

/** `relayproof serve [--port N] [--no-open]`: the port is checked before the services open. */
export async function runServeCommand(args: readonly string[], io: CliIo, openServices: (logger: Logger) => Promise<Services>): Promise<ExitCode> {
  const { values } = parseOptions(args, parseConfig('serve'));
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535 (0 = random), not "${values.port}".`);
  const dataDirectory = defaultDataDirectory(io.env);
  const logger = cliLogger(dataDirectory);
  return runServe({ dataDirectory, logger, open: () => openServices(logger) }, io, { port, open: values['no-open'] !== true, json: values.json === true });
}

/**
 * `relayproof serve`: browser mode. The bridge listens on 127.0.0.1 only. The URL with
 * the per-launch token is printed on our own stdout only; the browser opener gets a
 * single-use launch code instead, because its argv is visible to every local user
 * through `ps` (and a code is dead once the browser has used it, or after 60 s).
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBridge } from '../bridge/server';
import type { Services } from '../services';
import { hasDisplay } from './doctor';
import { EXIT, type CliIo, type ExitCode } from './io';

export interface ServeOptions {
  readonly port: number;
  readonly open: boolean;
  readonly json: boolean;
}

/** What `runServe` reaches outside the bridge, passed in so tests can watch it. */
export interface ServeDependencies {
  /** Hands a URL to the desktop's browser; the default spawns xdg-open/open/explorer. */
  readonly openUrl?: (url: string, io: CliIo) => void;
  /** Resolves when serving should end; the default waits for SIGINT or SIGTERM. */
  readonly stopped?: Promise<void>;
  readonly rendererDir?: string;
}

/** out/main/cli.js → out/renderer */
export function builtRendererDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'renderer');
}

export async function runServe(services: Services, io: CliIo, options: ServeOptions, deps: ServeDependencies = {}): Promise<ExitCode> {
  const bridge = await startBridge({ services, rendererDir: deps.rendererDir ?? builtRendererDir(), port: options.port, logger: services.logger });
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ url: bridge.url, port: bridge.port, token: bridge.token, dataDirectory: services.dataDirectory })}\n`);
  } else {
    io.stdout.write(
      `Relayproof is running in browser mode:\n\n  ${bridge.url}\n\nOnly this machine can reach it; the link carries this session's key, so do not share it.\nPress Ctrl+C to stop.\n`,
    );
  }
  if (options.open && hasDisplay(io.env)) (deps.openUrl ?? openInBrowser)(bridge.launchUrl(), io);
  // While serving, pending verification items are re-checked in the background; changes
  // reach the page as `verification:changes` events (toasts).
  services.verification.startScheduler();

  await (deps.stopped ?? untilSignalled());
  await services.verification.stopScheduler();
  await bridge.close();
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

function openInBrowser(url: string, io: CliIo): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const failed = () => io.stderr.write(`Could not start ${command}; open the link printed above in your browser.\n`);
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', failed);
    child.unref();
  } catch {
    failed();
  }
}

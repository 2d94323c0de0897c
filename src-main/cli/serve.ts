/**
 * `relayproof serve`: browser mode. The bridge listens on 127.0.0.1 only; the URL it
 * prints carries the per-launch token, so it is shown once and opened directly.
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

/** out/main/cli.js → out/renderer */
export function builtRendererDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'renderer');
}

export async function runServe(services: Services, io: CliIo, options: ServeOptions): Promise<ExitCode> {
  const bridge = await startBridge({ services, rendererDir: builtRendererDir(), port: options.port, logger: services.logger });
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ url: bridge.url, port: bridge.port, token: bridge.token, dataDirectory: services.dataDirectory })}\n`);
  } else {
    io.stdout.write(
      `Relayproof is running in browser mode:\n\n  ${bridge.url}\n\nOnly this machine can reach it; the link carries this session's key, so do not share it.\nPress Ctrl+C to stop.\n`,
    );
  }
  if (options.open && hasDisplay(io.env)) openInBrowser(bridge.url, io);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await bridge.close();
  return EXIT.ok;
}

function openInBrowser(url: string, io: CliIo): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => io.stderr.write(`Could not start ${command}; open the URL above in your browser.\n`));
    child.unref();
  } catch {
    io.stderr.write(`Could not start ${command}; open the URL above in your browser.\n`);
  }
}

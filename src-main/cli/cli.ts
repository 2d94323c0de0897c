#!/usr/bin/env node
/** The ES-module CLI (built to out/main/cli.js), imported by the `relayproof` executable's starter (start.ts, the package's `bin`) or run directly. */
// store-errors has no imports of its own: the entry stays as light as `node` itself.
import { StoreUnavailableError } from '../store/store-errors';
import { runCli } from './run';

// `relayproof explain … | head`: once the reader has closed the pipe, nothing written can be
// read, so the command ends quietly, as cat or grep do, instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof StoreUnavailableError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`Relayproof failed unexpectedly: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

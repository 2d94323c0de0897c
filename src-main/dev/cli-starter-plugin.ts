/**
 * Build step for main: the `relayproof` executable's starter (src-main/cli/start.ts), built
 * after the ES-module output is written, as CommonJS beside it (out/main/relayproof.cjs and
 * its chunks/*.cjs). Node runs a CommonJS file without first setting up its ES-module
 * loader, so `relayproof check`'s first DNS question leaves ~7 ms after node has started
 * instead of after that set-up; the starter then imports the ES-module CLI (`main`).
 * Rolldown writes one format per output, hence a build of its own.
 */
import { resolve } from 'node:path';
import { build, type Plugin } from 'vite';

export interface CliStarterOptions {
  /** The starter's source (src-main/cli/start.ts). */
  readonly source: string;
  /** Its file name in the output folder. */
  readonly fileName: string;
  /** The ES-module CLI it imports, relative to it (`./cli.js`). */
  readonly main: string;
}

/** Builds the starter into `dir` (what the plugin does after the main output is written; built-entries.ts calls it for tests). */
export async function buildCliStarter(dir: string, options: CliStarterOptions): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'warn',
    // The repository (the source is src-main/cli/start.ts), whatever folder the build runs from.
    root: resolve(options.source, '..', '..', '..'),
    define: { __RELAYPROOF_CLI_MAIN__: JSON.stringify(options.main) },
    build: {
      ssr: options.source,
      outDir: dir,
      emptyOutDir: false,
      target: 'node20',
      minify: false,
      rollupOptions: {
        external: [options.main],
        output: { format: 'cjs', entryFileNames: options.fileName, chunkFileNames: 'chunks/start-[name]-[hash].cjs' },
      },
    },
  });
}

export function cliStarter(options: CliStarterOptions): Plugin {
  return {
    name: 'relayproof-cli-starter',
    apply: 'build',
    async writeBundle(output) {
      if (output.dir === undefined) throw new Error('relayproof-cli-starter: the main build has no output folder');
      await buildCliStarter(output.dir, options);
    },
  };
}

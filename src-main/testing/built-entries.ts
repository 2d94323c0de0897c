/**
 * Builds entry points of this repository into a private temporary folder with vite (the
 * bundler electron-vite uses), for tests that run the code as separate processes: the
 * CLI exactly as `relayproof` runs it, or a small writer, started 16 times at once.
 * A private build (about a second) never tests a stale `out/` and lets two test runs
 * share a machine.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { verifiedResources } from '../dev/verified-resources-plugin';
import { buildCliStarter } from '../dev/cli-starter-plugin';

const ROOT = resolve(import.meta.dirname, '..', '..');

export interface BuiltEntries {
  readonly directory: string;
  /** The built file of an entry: `<directory>/<name>.mjs`. */
  path(name: string): string;
  /** With `starter`: the CommonJS starter (`relayproof.cjs`, as the package's bin), which imports `cli.mjs`. */
  readonly starter: string;
  /** Environment for the built processes: resources/ is found through it, not next to the build. */
  readonly env: Readonly<Record<string, string>>;
  remove(): void;
}

/** `entries`: name → source path relative to the repository root. `starter`: also build the `relayproof` executable's CommonJS starter (for a `cli` entry). */
export async function buildEntries(entries: Readonly<Record<string, string>>, options: { readonly starter?: boolean } = {}): Promise<BuiltEntries> {
  const directory = mkdtempSync(join(tmpdir(), 'relayproof-built-'));
  const input = Object.fromEntries(Object.entries(entries).map(([name, source]) => [name, resolve(ROOT, source)]));
  await build({
    configFile: false,
    logLevel: 'warn',
    root: ROOT,
    // As electron-vite's main build: the shipped platform files' digests go into the build.
    plugins: [verifiedResources(join(ROOT, 'resources'))],
    build: {
      ssr: true,
      outDir: directory,
      emptyOutDir: false,
      target: 'node20',
      minify: false,
      rollupOptions: { input, output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' } },
    },
  });
  if (options.starter === true) await buildCliStarter(directory, { source: resolve(ROOT, 'src-main/cli/start.ts'), fileName: 'relayproof.cjs', main: './cli.mjs' });
  // The dependencies stay external (as in out/main): resolved through this link.
  symlinkSync(join(ROOT, 'node_modules'), join(directory, 'node_modules'), 'dir');
  return {
    directory,
    path: (name) => join(directory, `${name}.mjs`),
    starter: join(directory, 'relayproof.cjs'),
    env: { RELAYPROOF_RESOURCES_DIR: join(ROOT, 'resources') },
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

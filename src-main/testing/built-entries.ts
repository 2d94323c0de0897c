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

const ROOT = resolve(import.meta.dirname, '..', '..');

export interface BuiltEntries {
  readonly directory: string;
  /** The built file of an entry: `<directory>/<name>.mjs`. */
  path(name: string): string;
  /** Environment for the built processes: resources/ is found through it, not next to the build. */
  readonly env: Readonly<Record<string, string>>;
  remove(): void;
}

/** `entries`: name → source path relative to the repository root. */
export async function buildEntries(entries: Readonly<Record<string, string>>): Promise<BuiltEntries> {
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
  // The dependencies stay external (as in out/main): resolved through this link.
  symlinkSync(join(ROOT, 'node_modules'), join(directory, 'node_modules'), 'dir');
  return {
    directory,
    path: (name) => join(directory, `${name}.mjs`),
    env: { RELAYPROOF_RESOURCES_DIR: join(ROOT, 'resources') },
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { precompress } from './src-main/dev/precompress';
import { preloadFirstView } from './src-main/dev/preload-first-view';
import { verifiedResources } from './src-main/dev/verified-resources-plugin';
import { cliStarter } from './src-main/dev/cli-starter-plugin';

// Three targets: main (Electron entry + the CLI, which never imports electron),
// preload (CommonJS: a sandboxed preload cannot be ESM) and the renderer.
export default defineConfig({
  main: {
    // The platform files are validated here, once; the build lists their digests and a
    // command reads them without zod (src-main/app/verified-resources.ts).
    // The `relayproof` executable is a CommonJS starter beside the ES-module CLI (cli-starter-plugin.ts).
    plugins: [verifiedResources(resolve(__dirname, 'resources')), cliStarter({ source: resolve(__dirname, 'src-main/cli/start.ts'), fileName: 'relayproof.cjs', main: './cli.js' })],
    build: {
      // zod, conf (with ajv) and nodemailer go into the bundle: as packages, node resolves and
      // compiles each of their hundreds of files on every CLI command (zod alone: ~120 ms and
      // 14 MiB before a schema exists); bundled, only the parts used, in a few files.
      externalizeDeps: { include: ['keytar'], exclude: ['zod', 'conf', 'nodemailer'] },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/index.ts'),
          cli: resolve(__dirname, 'src-main/cli/cli.ts'),
        },
        // The plain field rules (`spf` checks its arguments with them, without zod) in a chunk
        // of their own: left to itself, the bundler put them in the chunk that carries zod and
        // the contract's field schemas, and the command loaded and built those anyway.
        // The Result schema likewise: the dispatcher imports it for output checks (off in a
        // production CLI), and it had been put with the app contract's address schemas.
        output: {
          codeSplitting: {
            groups: [
              { name: 'plain-fields', test: /src-preload[\\/]contract[\\/](plain-fields|hidden-characters)\.ts$/u },
              // ok() and fail() build results without zod; left to itself, the bundler put them in
              // the Result schema's chunk below (result.ts re-exports them), so every command
              // that builds a result loaded zod. First: a group takes its module's imports too.
              { name: 'result-values', test: /src-preload[\\/]contract[\\/]result-values\.ts$/u },
              { name: 'result-schema', test: /src-preload[\\/]contract[\\/]result\.ts$/u },
            ],
          },
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can only require('electron'): bundle zod into it.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    build: {
      // electron-vite leaves the renderer unminified; browser mode sends it over HTTP.
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
    // The app's chunks are preloaded from index.html, beside the small entry that imports
    // them; .br/.gz beside each asset, for browser mode's server to send as they are.
    plugins: [react(), preloadFirstView(['/src-renderer/src/app/app.tsx']), precompress()],
  },
});

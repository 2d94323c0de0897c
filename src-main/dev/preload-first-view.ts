/**
 * Build step for the renderer: the entry chunk is small on purpose (it sends the first
 * view's calls, then imports the app), so the app's chunks would be requested only once
 * it had run. This adds `<link rel="modulepreload">` to index.html for the chunks a
 * dynamic import of `module` needs, so the browser fetches and compiles them beside the
 * entry instead of after it.
 */
import type { Plugin } from 'vite';

/** The parts of a Rollup output chunk this step reads. */
export interface ChunkFacts {
  readonly type: 'chunk' | 'asset';
  readonly fileName: string;
  readonly facadeModuleId?: string | null;
  readonly imports?: readonly string[];
}

/**
 * The files of the chunk built from the module whose id ends with `moduleSuffix`, and of
 * every chunk it imports statically (depth first, each once), except those the HTML
 * already loads (`loaded`). Empty when no chunk was built from that module.
 */
export function preloadFiles(bundle: Readonly<Record<string, ChunkFacts>>, moduleSuffix: string, loaded: ReadonlySet<string>): string[] {
  const start = Object.values(bundle).find((c) => c.type === 'chunk' && (c.facadeModuleId ?? '').endsWith(moduleSuffix));
  if (start === undefined) return [];
  const files: string[] = [];
  const seen = new Set(loaded);
  const visit = (fileName: string) => {
    if (seen.has(fileName)) return;
    seen.add(fileName);
    for (const imported of bundle[fileName]?.imports ?? []) visit(imported);
    files.push(fileName);
  };
  visit(start.fileName);
  return files;
}

/** `modules`: ids' endings, e.g. '/src/app/app.tsx'. */
export function preloadFirstView(modules: readonly string[]): Plugin {
  return {
    name: 'relayproof-preload-first-view',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        const bundle = context.bundle;
        const entry = context.chunk;
        if (bundle === undefined || entry === undefined) return [];
        const loaded = new Set([entry.fileName, ...entry.imports]);
        const files = modules.flatMap((module) => preloadFiles(bundle, module, loaded));
        return [...new Set(files)].map((file) => ({
          tag: 'link',
          attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` },
          injectTo: 'head' as const,
        }));
      },
    },
  };
}

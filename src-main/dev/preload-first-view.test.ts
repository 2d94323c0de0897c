import { describe, expect, it } from 'vitest';
import { preloadFiles, type ChunkFacts } from './preload-first-view';

const chunk = (fileName: string, imports: readonly string[], facadeModuleId: string | null = null): ChunkFacts => ({ type: 'chunk', fileName, imports, facadeModuleId });

// entry → (dynamic) app → view, fluent → react; the entry loads react itself.
const bundle: Record<string, ChunkFacts> = {
  'assets/index.js': chunk('assets/index.js', ['assets/react.js'], '/repo/src-renderer/index.html'),
  'assets/app.js': chunk('assets/app.js', ['assets/view.js', 'assets/fluent.js'], '/repo/src-renderer/src/app/app.tsx'),
  'assets/view.js': chunk('assets/view.js', ['assets/fluent.js', 'assets/react.js']),
  'assets/fluent.js': chunk('assets/fluent.js', ['assets/react.js']),
  'assets/react.js': chunk('assets/react.js', []),
  'assets/wizard.js': chunk('assets/wizard.js', ['assets/fluent.js'], '/repo/src-renderer/src/features/wizard/wizard-view.tsx'),
  'assets/logo.svg': { type: 'asset', fileName: 'assets/logo.svg' },
};

describe('preloadFiles', () => {
  it('lists the chunk built from the module and all it imports, dependencies first, each once', () => {
    expect(preloadFiles(bundle, '/src/app/app.tsx', new Set())).toEqual(['assets/react.js', 'assets/fluent.js', 'assets/view.js', 'assets/app.js']);
  });

  it('leaves out what the HTML loads already, and the chunks only other imports need', () => {
    const files = preloadFiles(bundle, '/src/app/app.tsx', new Set(['assets/index.js', 'assets/react.js']));
    expect(files).toEqual(['assets/fluent.js', 'assets/view.js', 'assets/app.js']);
    expect(files).not.toContain('assets/wizard.js');
  });

  it('lists nothing when no chunk was built from the module', () => {
    expect(preloadFiles(bundle, '/src/app/missing.tsx', new Set())).toEqual([]);
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The Electron entry creates the window before anything heavy loads: its static imports
// are the shell (window, IPC, logger, contract) only; the services and what they pull in
// (mail, DNS, OAuth, keychain, electron-store) arrive by import() after the window exists.
const SHELL_IMPORTS = ['electron', 'node:path', 'node:url', '../src-preload/contract', './electron/ipc', './electron/window', './log/logger', './rpc/deferred-dispatcher'];

async function entryImports(): Promise<{ readonly staticImports: string[]; readonly dynamicImports: string[] }> {
  const path = join(import.meta.dirname, 'index.ts');
  const source = ts.createSourceFile(path, await readFile(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const staticImports: string[] = [];
  const dynamicImports: string[] = [];
  for (const statement of source.statements) {
    // `import type` disappears from the built file: it loads nothing.
    if (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly !== true && ts.isStringLiteral(statement.moduleSpecifier)) {
      staticImports.push(statement.moduleSpecifier.text);
    }
  }
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [specifier] = node.arguments;
      if (specifier !== undefined && ts.isStringLiteral(specifier)) dynamicImports.push(specifier.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { staticImports, dynamicImports };
}

describe('Electron entry', () => {
  it('imports only the shell up front and the services after the window is created', async () => {
    const { staticImports, dynamicImports } = await entryImports();
    expect(staticImports.filter((specifier) => !SHELL_IMPORTS.includes(specifier))).toEqual([]);
    expect(dynamicImports).toEqual(expect.arrayContaining(['./services', './electron/store-engine']));
  });
});

import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The lint rules that keep the contract the one boundary, run on code that breaks them
// (the files need not exist: ESLint picks the rules by the path it is given).
const root = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root, overrideConfigFile: resolve(import.meta.dirname, 'eslint.config.js') });

async function refused(filePath: string, specifier: string, kind: 'import' | 'import type' = 'import'): Promise<boolean> {
  const source = `${kind} { x } from '${specifier}';\nexport const used = x;\n`;
  const [result] = await eslint.lintText(source, { filePath: resolve(root, filePath) });
  return (result?.messages ?? []).some((m) => m.ruleId === 'no-restricted-imports');
}

describe('import boundaries', () => {
  const renderer = 'src-renderer/src/features/checklist/probe.ts';
  const contract = 'src-preload/contract/probe.ts';

  it('the renderer may not import main, the preload script, Node or Electron', async () => {
    expect(await refused(renderer, '../../../../src-main/dns/resolver')).toBe(true);
    expect(await refused(renderer, '../../../../src-main/checks/checklist', 'import type')).toBe(true);
    expect(await refused(renderer, '../../../../src-preload/index')).toBe(true);
    expect(await refused(renderer, '../../../../src-preload')).toBe(true);
    expect(await refused(renderer, 'node:fs')).toBe(true);
    expect(await refused(renderer, 'electron')).toBe(true);
  });

  it('the renderer may import the contract, its own code and packages', async () => {
    expect(await refused(renderer, '../../../../src-preload/contract')).toBe(false);
    expect(await refused(renderer, '../../../../src-preload/contract/checks-schemas')).toBe(false);
    expect(await refused(renderer, '../../api/hooks')).toBe(false);
    expect(await refused(renderer, 'react')).toBe(false);
  });

  it('the contract may not import main, Node or Electron', async () => {
    expect(await refused(contract, '../../src-main/smtp/connection-test')).toBe(true);
    expect(await refused(contract, 'node:crypto')).toBe(true);
    expect(await refused(contract, 'crypto')).toBe(true);
    expect(await refused(contract, 'electron')).toBe(true);
    expect(await refused(contract, './fields')).toBe(false);
    expect(await refused(contract, 'zod')).toBe(false);
  });
});

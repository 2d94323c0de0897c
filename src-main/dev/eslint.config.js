// ESLint flat config (kept inside src-main/dev so the top level holds only what the
// product layout names). Run with `-c`, so patterns are relative to the repo root.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

export default tseslint.config(
  { ignores: ['out/**', '.test-runs/**', 'node_modules/**', 'e2e/artifacts/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['src-main/**/*.{ts,mjs,js}', 'e2e/**/*.ts'],
    languageOptions: { globals: globals.node },
  },
  // The contract is the one boundary. The renderer imports only the contract and its own
  // code; the contract (bundled into the renderer and the sandboxed preload) imports nothing
  // from main, Node or Electron. `regex` is matched against the import specifier as written.
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer reaches main only through the contract (window.relayproof or the bridge).' }],
          patterns: [
            { regex: '(^|/)(src-main|e2e|resources)(/|$)', message: 'The renderer imports only the contract (src-preload/contract) and its own code.' },
            { regex: '(^|/)src-preload(/(?!contract(/|$))|$)', message: 'Import the contract from src-preload/contract; the preload script itself is not renderer code.' },
            { regex: '^node:', message: 'The renderer runs in a browser page: no Node modules.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-preload/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The contract is pure TypeScript + zod; only src-preload/index.ts touches Electron.' },
            ...builtinModules.map((name) => ({ name, message: 'The contract is bundled into the renderer: no Node modules.' })),
          ],
          patterns: [
            { regex: '(^|/)src-main(/|$)', message: 'The contract owns every schema it carries: move what it needs from src-main into src-preload/contract.' },
            { regex: '^node:', message: 'The contract is bundled into the renderer: no Node modules.' },
          ],
        },
      ],
    },
  },
  // rpc/ only adapts channels to services: a capability never depends on the transport
  // (its handlers, the dispatcher, HandlerContext). The transports (rpc, bridge, electron,
  // cli) and the composition root may use it.
  {
    files: ['src-main/{addresses,smtp,checks,dns,vault,store,verification,m365,providers,analyze,blocklists,app,log}/**/*.{ts,mjs,js}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '(^|/)rpc(/|$)', message: 'Capabilities do not import the transport (src-main/rpc): take what you need as a parameter, or give it a capability-local type.' },
          ],
        },
      ],
    },
  },
);

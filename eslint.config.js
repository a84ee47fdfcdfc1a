// Lint enforces where code may run (see docs/architecture.md):
//   renderer/ imports shared/ only; shared/ imports nothing of ours;
//   electron/engine/ never imports 'electron', renderer/ or the Electron glue.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noElectron = { name: 'electron', message: 'The engine runs in plain Node: never import electron here.' };

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'release/**', 'out/**', 'coverage/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['electron/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron],
        patterns: [
          { group: ['**/renderer/**'], message: 'The engine never imports renderer code.' },
          { group: ['../ipc/**', '../../ipc/**', '**/electron/main*', '**/electron/preload*', '**/electron/ipc/**'], message: 'The engine never imports the Electron glue.' },
        ],
      }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron],
        patterns: [
          { group: ['**/electron/**', 'node:*', 'better-sqlite3*', '@noble/*'], message: 'The renderer imports shared/ only: it never reaches main-process code, Node or key material.' },
        ],
      }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron],
        patterns: [
          { group: ['**/electron/**', '**/renderer/**', 'node:*'], message: 'shared/ is the contract: it depends on nothing of ours and no Node API.' },
        ],
      }],
    },
  },
);

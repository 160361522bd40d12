// Lint: typescript-eslint with type information, plus the layer rules:
// src/core is pure (no I/O, no engine/watcher/runner/UI libraries) and imports
// nothing from the use-cases; src/adapters implement contracts and import
// nothing from the use-cases or the CLI.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const ioModules = [
  'node:fs',
  'node:fs/promises',
  'fs',
  'fs/promises',
  'node:child_process',
  'child_process',
  'node:net',
  'net',
  'node:http',
  'http',
  'node:os',
  'os',
  'node:process',
  'dockerode',
  'chokidar',
  'execa',
  'ink',
  'react',
  'vitest/node',
];

/** A relative import of one of these top-level folders of src/ (from anywhere below src/). */
const layerImport = (folders) => `^(\\.\\./)+(${folders.join('|')})/`;

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'src/core/compose/compose-schema-validator.generated.ts',
      'node_modules/**',
      'bench/results/**',
      'templates/**',
      'test/fixtures/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({ name, message: 'src/core is pure: do I/O in src/adapters.' })),
          patterns: [
            {
              regex: layerImport(['app', 'cli']),
              message: 'src/core knows nothing of use-cases: move the type into src/core or src/contracts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: layerImport(['app', 'cli']),
              message:
                'Adapters implement src/contracts: take types from src/contracts or src/core, not src/app or src/cli.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['dockerode', 'chokidar', 'execa', 'vitest/node'].map((name) => ({
            name,
            message: 'Use-cases reach the world through the ports in src/contracts (see app/context.ts).',
          })),
          patterns: [
            {
              regex: layerImport(['adapters', 'cli', 'ui']),
              message:
                'Use-cases reach the world through the ports in src/contracts, injected by the AppContext; the CLI wires the adapters.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/ui/**/*.ts', 'src/ui/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['dockerode', 'chokidar', 'execa'].map((name) => ({
            name,
            message: 'The UI renders events only.',
          })),
        },
      ],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: globals.node } },
);

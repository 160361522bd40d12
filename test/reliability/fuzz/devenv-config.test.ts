/** Fuzzing devenv.yaml parsing (the pure part of adapters/fs/devenv-config-file.ts). */
import { describe, expect, it } from 'vitest';
import { parseDevenvConfig } from '../../../src/core/config/parse-devenv-config.js';
import { fuzzParser, FUZZ_RUNS } from './fuzz-harness.js';
import { documents, fixture } from './yaml-documents.js';

/** Every section devenv.yaml has, in one file. */
const FULL = `compose: [compose.yaml, compose.override.yaml]
tests:
  unit: ['test/unit/**']
  integration: test/integration/**
  vitestConfig: vitest.config.ts
  stallTimeout: 1m30s
watch: { debounceMs: 50, ignore: ['tmp/**'] }
triggers:
  - files: ['migrations/**']
    action: rebuild-test-database
    run: integration
  - files: src/db/*.ts
    run: [test/unit/db.test.ts]
database:
  service: postgres
  urlEnv: DATABASE_URL
  migrate: npm run migrate
  seed: { sql: ['seeds/*.sql'] }
  inputs: ['migrations/**']
secrets:
  STRIPE_KEY: { description: test key, required: [staging, prod], from: [file, env, command], command: 'pass show stripe' }
  OTHER:
environments:
  test: { postgres: fast, ephemeral: true, variables: { A: '1' } }
  staging: { compose: [compose.staging.yaml], engine: 'ssh://deploy@staging.example.com' }
  prod: { compose: compose.prod.yaml, protected: true }
parity:
  allow: ['services.*.deploy']
x-notes: anything
`;

const SEEDS = [
  fixture('templates/minimal/devenv.yaml'),
  fixture('templates/node-postgres-redis/devenv.yaml'),
  FULL,
];

const KEYS = [
  'compose',
  'tests',
  'unit',
  'integration',
  'vitestConfig',
  'stallTimeout',
  'watch',
  'debounceMs',
  'ignore',
  'triggers',
  'files',
  'run',
  'action',
  'database',
  'service',
  'urlEnv',
  'migrate',
  'seed',
  'sql',
  'inputs',
  'secrets',
  'description',
  'required',
  'from',
  'command',
  'environments',
  'dev',
  'test',
  'staging',
  'prod',
  'variables',
  'ephemeral',
  'postgres',
  'engine',
  'protected',
  'parity',
  'allow',
  'x-ext',
];

describe('fuzz: devenv.yaml', () => {
  it('answers every document with a configuration or a located DevenvError', () => {
    const stats = fuzzParser(
      {
        name: 'devenv-yaml',
        files: ['devenv.yaml'],
        codes: ['CONFIG_YAML', 'CONFIG_INVALID'],
        parse: (text: string) =>
          parseDevenvConfig({ path: '/home/dev/project/devenv.yaml', file: 'devenv.yaml', text }),
      },
      documents(SEEDS, KEYS),
    );
    expect(stats.runs).toBe(FUZZ_RUNS);
    expect(stats.crashes + stats.hangs).toBe(0);
  });
});

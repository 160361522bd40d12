/** Fuzzing the compose loader (parse, interpolate, schema, merge, normalize) and interpolation on its own. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveCompose } from '../../../src/core/compose/load-compose.js';
import { interpolateTree } from '../../../src/core/compose/interpolate.js';
import { fuzzParser, FUZZ_RUNS } from './fuzz-harness.js';
import { documents, fixture, trickyString, yamlTree } from './yaml-documents.js';

const SEEDS = [
  'templates/minimal/compose.yaml',
  'templates/example/compose.yaml',
  'templates/node-postgres-redis/compose.yaml',
  'templates/node-postgres-redis/compose.staging.yaml',
  'templates/node-postgres-redis/compose.prod.yaml',
  'test/fixtures/watch-project/compose.integration.yaml',
].map(fixture);

const KEYS = [
  'services',
  'image',
  'build',
  'context',
  'dockerfile',
  'args',
  'target',
  'ports',
  'expose',
  'volumes',
  'environment',
  'env_file',
  'depends_on',
  'condition',
  'healthcheck',
  'test',
  'interval',
  'retries',
  'command',
  'entrypoint',
  'profiles',
  'networks',
  'secrets',
  'configs',
  'file',
  'develop',
  'watch',
  'path',
  'action',
  'extends',
  'service',
  'include',
  'restart',
  'deploy',
  'resources',
  'limits',
  'memory',
  'labels',
  'x-devenv',
  'name',
  'version',
  'working_dir',
  'user',
  'tmpfs',
  'init',
  'ulimits',
  'published',
  'mode',
  'type',
  'source',
  'read_only',
  'external',
  'driver',
  'required',
  'ignore',
  'cpus',
  'shm_size',
];

const WORKING_DIR = '/home/dev/project';
const ENV_FILE = 'A=1\nB="two words"\nexport C=${A}\n';

const environment = fc.dictionary(
  fc.constantFrom('A', 'B', 'POSTGRES_IMAGE', 'REDIS_IMAGE', 'NODE_IMAGE', 'PORT', 'COMPOSE_PROFILES', 'X'),
  trickyString,
  { maxKeys: 5 },
);

describe('fuzz: the compose loader', () => {
  it('answers every document with a model or a located DevenvError', () => {
    const stats = fuzzParser(
      {
        name: 'compose',
        files: ['compose.yaml', 'base.yaml', '.env', '/home/dev/project/.env'],
        codes: [
          'COMPOSE_YAML',
          'COMPOSE_INVALID',
          'COMPOSE_INTERPOLATION',
          'COMPOSE_CYCLE',
          'COMPOSE_REFERENCE',
          'COMPOSE_NOT_FOUND',
        ],
        parse: ({ text, env }: { text: string; env: Record<string, string> }) =>
          resolveCompose({
            files: [{ path: 'compose.yaml', text }],
            workingDir: WORKING_DIR,
            environment: env,
            readEnvFile: (absPath) => (absPath.endsWith('.env') ? ENV_FILE : undefined),
            readComposeFile: (absPath) => (absPath.endsWith('base.yaml') ? SEEDS[0] : undefined),
            activeProfiles: [],
          }),
      },
      fc.record({ text: documents(SEEDS, KEYS), env: environment }),
    );
    expect(stats.runs).toBe(FUZZ_RUNS);
    expect(stats.crashes + stats.hangs).toBe(0);
  });
});

describe('fuzz: interpolation', () => {
  it('answers every tree of strings with values or a located COMPOSE_INTERPOLATION', () => {
    const stats = fuzzParser(
      {
        name: 'interpolation',
        files: ['compose.yaml'],
        codes: ['COMPOSE_INTERPOLATION', 'COMPOSE_YAML'],
        parse: ({ tree, env }: { tree: unknown; env: Record<string, string> }) =>
          interpolateTree(tree, (name) => (Object.hasOwn(env, name) ? env[name] : undefined), {
            file: 'compose.yaml',
            lineOf: () => 3,
          }),
      },
      fc.record({
        tree: fc.oneof(
          yamlTree(KEYS, 4),
          fc.record({ services: fc.dictionary(fc.string(), yamlTree(KEYS, 3)) }),
        ),
        env: environment,
      }),
    );
    expect(stats.runs).toBe(FUZZ_RUNS);
    expect(stats.crashes + stats.hangs).toBe(0);
  });
});

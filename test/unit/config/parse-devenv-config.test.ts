import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { devenvTextError, parseDevenvText, validateDevenvSchema } from '../../support/devenv-yaml.js';

const validate = validateDevenvSchema;
const parse = parseDevenvText;
const errorOf = devenvTextError;

const full = `
compose: [compose.yaml, compose.dev.yaml]
tests:
  unit: "spec/unit/**"
  integration: ["spec/it/**"]
  vitestConfig: vitest.config.ts
  stallTimeout: 1m30s
watch:
  debounceMs: 50
  ignore: ["tmp/**"]
triggers:
  - { files: ["test/fixtures/**"], run: ["test/integration/users.test.ts"] }
  - { files: "schema.sql", run: integration, action: rebuild-test-database }
  - { files: ["compose.yaml"], action: reconcile-stack }
database:
  service: postgres
  migrate: npm run migrate
secrets: [STRIPE_KEY]
`;

describe('parseDevenvConfig', () => {
  it('applies the defaults to an empty file', () => {
    expect(parse('')).toEqual({
      file: '/p/devenv.yaml',
      tests: { unit: ['**'], integration: ['test/integration/**'], stallTimeoutMs: 60_000 },
      watch: { debounceMs: 30, ignore: [] },
      triggers: [],
      secrets: [],
      secretSources: [],
    });
  });

  it('reads every section, turning single strings into lists', () => {
    expect(parse(full)).toEqual({
      file: '/p/devenv.yaml',
      compose: ['compose.yaml', 'compose.dev.yaml'],
      tests: {
        unit: ['spec/unit/**'],
        integration: ['spec/it/**'],
        vitestConfig: 'vitest.config.ts',
        stallTimeoutMs: 90_000,
        explicit: true,
      },
      watch: { debounceMs: 50, ignore: ['tmp/**'] },
      triggers: [
        { files: ['test/fixtures/**'], run: ['test/integration/users.test.ts'] },
        { files: ['schema.sql'], run: 'integration', action: 'rebuild-test-database' },
        { files: ['compose.yaml'], run: [], action: 'reconcile-stack' },
      ],
      database: {
        service: 'postgres',
        urlEnv: 'DATABASE_URL',
        migrate: 'npm run migrate',
        inputs: ['migrations/**', 'seed/**', 'seeds/**'],
      },
      secrets: ['STRIPE_KEY'],
      secretSources: [],
    });
  });

  it.each([
    ['tests:\n  unit: 3\n', 'devenv.yaml:2 tests.unit: must be a glob or a list of them'],
    [
      'tets: {}\n',
      'devenv.yaml:1 tets: unknown key "tets" (expected one of: compose, tests, watch, triggers, database, secrets, environments, parity, registry)',
    ],
    [
      'watch:\n  debounceMs: -1\n',
      'devenv.yaml:2 watch.debounceMs: must be a whole number of milliseconds between 0 and 10000',
    ],
    [
      'triggers:\n  - files: [a]\n    action: explode\n',
      'devenv.yaml:3 triggers[0].action: must be one of: rebuild-test-database, reconcile-stack, rerun',
    ],
    [
      'triggers:\n  - files: [a]\n',
      'devenv.yaml:2 triggers[0]: a trigger needs `run:` (unit, integration, all or test files), `action:`, or both',
    ],
    [
      'database:\n  urlEnv: X\n',
      'devenv.yaml:1 database: needs `service:` (the compose service of the database)',
    ],
    [
      'tests:\n  stallTimeout: soon\n',
      'devenv.yaml:2 tests.stallTimeout: must be a duration of at least 1s, like 60s, 2m or 1m30s (got "soon")',
    ],
    [
      'tests:\n  stallTimeout: 60\n',
      'devenv.yaml:2 tests.stallTimeout: must be a duration of at least 1s, like 60s, 2m or 1m30s (got 60)',
    ],
    [
      'tests:\n  stallTimeout: 500ms\n',
      'devenv.yaml:2 tests.stallTimeout: must be a duration of at least 1s, like 60s, 2m or 1m30s (got "500ms")',
    ],
    ['secrets: [ok, "not ok"]\n', 'devenv.yaml:1 secrets[1]: "not ok" is not an environment variable name'],
    [
      'database:\n  service: db\n  seed: {}\n',
      'devenv.yaml:3 database.seed: needs `sql:` (globs of SQL files) or a command',
    ],
  ])('rejects %j with file:line and key', (text, message) => {
    const error = errorOf(text);
    expect(error.message).toBe(message);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.location?.file).toBe('devenv.yaml');
  });

  it('reads a seed of SQL files as globs, and a seed command as a command', () => {
    const files = parse('database:\n  service: db\n  seed: { sql: "seeds/*.sql" }\n');
    expect(files.database?.seedSql).toEqual(['seeds/*.sql']);
    expect(files.database?.seed).toBeUndefined();
    const command = parse('database:\n  service: db\n  seed: npm run seed\n');
    expect(command.database?.seed).toBe('npm run seed');
    expect(command.database?.seedSql).toBeUndefined();
    expect(errorOf('database:\n  service: db\n  seed: { sql: [a], files: [b] }\n').message).toMatch(
      /^devenv\.yaml:3 database\.seed/,
    );
  });

  it("names the line of a YAML syntax error, under devenv.yaml's own code", () => {
    const error = errorOf('tests:\n  unit: [a\n');
    expect(error.message).toMatch(/^devenv\.yaml:\d+: invalid YAML/);
    expect(error.code).toBe('CONFIG_YAML');
    expect(error.hint).toBe('fix the YAML syntax at that line');
  });

  it("refuses YAML alias cycles and alias bombs with file and line, under devenv.yaml's own code", () => {
    const cycle = errorOf('x-a: &a [*a]\n');
    expect(cycle.code).toBe('CONFIG_YAML');
    expect(cycle.message).toBe(
      'devenv.yaml:1: invalid YAML: alias *a is inside the value it refers to (a cycle)',
    );
    const levels = ['x-0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 9; i++)
      levels.push(
        `x-${i}: &l${i} [${Array(10)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    const bomb = errorOf(`${levels.join('\n')}\n`);
    expect(bomb.code).toBe('CONFIG_YAML');
    expect(bomb.message).toMatch(/^devenv\.yaml:\d+: invalid YAML: the aliases expand to more than/);
  });

  it('agrees with the JSON Schema shipped for editors', () => {
    expect(validate(parseYaml(full))).toBe(true);
    expect(validate(parseYaml('database:\n  service: db\n  seed: { sql: [seeds/a.sql] }\n'))).toBe(true);
    for (const text of [
      'tests:\n  unit: 3\n',
      'tets: {}\n',
      'triggers:\n  - files: [a]\n',
      'watch:\n  debounceMs: -1\n',
      'database:\n  service: db\n  seed: { files: [a] }\n',
    ]) {
      expect(validate(parseYaml(text)), text).toBe(false);
    }
  });
});

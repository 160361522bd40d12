/**
 * One test per bug the fuzzers found (test/reliability/fuzz/*.test.ts), at the
 * layer that was wrong. Each failed before its fix: a plain exception (BUG,
 * exit 70), a value silently taken, or a case minutes long.
 */
import { describe, expect, it } from 'vitest';
import { resolveCompose } from '../../../src/core/compose/load-compose.js';
import { interpolateTree } from '../../../src/core/compose/interpolate.js';
import { MAX_LISTED_PROBLEMS } from '../../../src/core/compose/schema-validate.js';
import { parseDevenvConfig } from '../../../src/core/config/parse-devenv-config.js';
import { parseAnonymizeRules } from '../../../src/core/anonymize/parse-rules.js';
import { MAX_NESTING } from '../../../src/core/compose/source-document.js';
import { readEventLine } from '../../../src/ui/json-event-line.js';
import { errorOf } from '../../unit/compose/resolve-text.js';

function compose(text: string) {
  return resolveCompose({
    files: [{ path: 'compose.yaml', text }],
    workingDir: '/home/dev/project',
    environment: {},
    readEnvFile: () => undefined,
    activeProfiles: [],
  });
}

describe('YAML merge keys (<<) on something other than a mapping', () => {
  // Was: the yaml package's plain Error "Merge sources must be maps or map aliases" (a BUG report).
  it.each([
    ['a scalar', 'x-base: &base 1\nservices:\n  app:\n    <<: *base\n    image: x\n', 4],
    ['a list alias', 'x-base: &base [1]\nservices:\n  app:\n    <<: *base\n    image: x\n', 4],
    ['a list holding a scalar', 'x-b: &b {image: x}\nservices:\n  app:\n    <<: [*b, 1]\n', 4],
    ['a plain scalar', 'services:\n  app:\n    <<: 3\n', 3],
  ])('is a COMPOSE_YAML error at its line: %s', (_, text, line) => {
    const error = errorOf(() => compose(text));
    expect(error.code).toBe('COMPOSE_YAML');
    expect(error.location).toEqual({ file: 'compose.yaml', line });
    expect(error.message).toContain(`compose.yaml:${line}: invalid YAML: a merge key (<<) takes a mapping`);
  });

  it('still merges mappings and lists of them', () => {
    const text = 'x-b: &b {image: x}\nx-c: &c {restart: always}\nservices:\n  app:\n    <<: [*b, *c]\n';
    expect(compose(text).project.services['app']).toMatchObject({ image: 'x', restart: 'always' });
  });

  it('in devenv.yaml and the anonymization rules, under their own codes', () => {
    const yaml = 'x-a: &a 1\ntests:\n  <<: *a\n';
    expect(
      errorOf(() => parseDevenvConfig({ path: '/p/devenv.yaml', file: 'devenv.yaml', text: yaml })).code,
    ).toBe('CONFIG_YAML');
    expect(
      errorOf(() =>
        parseAnonymizeRules({ path: '/p/a.yaml', file: 'a.yaml', text: 'x-a: &a 1\ntables:\n  <<: *a\n' }),
      ).code,
    ).toBe('ANONYMIZE_RULES_INVALID');
  });
});

describe('a "__proto__" key', () => {
  // Was: interpolation assigned it (`entries[key] = ...`), making the value the mapping's prototype:
  // invisible to `devenv config`, yet read by `service.privileged`-style lookups and reported by the
  // schema as unknown keys of the parent ("unknown key "polluted"").
  it('is refused where it is written', () => {
    const error = errorOf(() =>
      compose('services:\n  app:\n    image: x\n    __proto__: {privileged: true}\n'),
    );
    expect(error.code).toBe('COMPOSE_YAML');
    expect(error.message).toBe('compose.yaml:4: invalid YAML: the key "__proto__" is not allowed');
  });

  it('stays an own key when interpolation is handed one', () => {
    const tree = JSON.parse('{"a": {"__proto__": {"privileged": true}}}') as unknown;
    const out = interpolateTree(tree, () => undefined, { file: 'compose.yaml', lineOf: () => undefined }) as {
      a: Record<string, unknown>;
    };
    expect(Object.getPrototypeOf(out.a)).toBe(Object.prototype);
    expect(Object.keys(out.a)).toEqual(['__proto__']);
    expect(out.a['privileged']).toBeUndefined();
  });
});

describe('references to names every object inherits (toString, constructor, valueOf)', () => {
  // Was: `name in project.services` found them on Object.prototype: depends_on: [toString] crashed
  // ("function is not iterable", a BUG report) and the others were taken as declared.
  it.each([
    ['depends_on: [toString]', 'service "app" depends on undefined service "toString"'],
    ['volumes: ["constructor:/data"]', 'named volume "constructor" is not declared'],
    ['secrets: [hasOwnProperty]', 'secret "hasOwnProperty" is not declared'],
    ['network_mode: "service:valueOf"', 'refers to undefined service "valueOf"'],
  ])('%s is a COMPOSE_REFERENCE error', (line, what) => {
    const error = errorOf(() => compose(`services:\n  app:\n    image: x\n    ${line}\n`));
    expect(error.code).toBe('COMPOSE_REFERENCE');
    expect(error.message).toContain(`compose.yaml:4 services.app.`);
    expect(error.message).toContain(what);
    expect(error.hint).toBeTruthy();
  });
});

describe('schema validation of a document with thousands of problems', () => {
  // Was: quadratic twice over (problems grouped by copying arrays; Ajv concatenating a referenced
  // schema's errors at each reference): 20,000 unknown keys took 17 s, 8,000 services with a bad
  // port 10 s, and the message listed every problem. Counted here, never timed.
  it('lists the first problems and counts the rest', () => {
    const text = Array.from({ length: 20_000 }, (_, i) => `k${i}: ${i}`).join('\n');
    const error = errorOf(() => compose(text));
    expect(error.code).toBe('COMPOSE_INVALID');
    expect(error.message.split('\n')).toHaveLength(1 + MAX_LISTED_PROBLEMS + 1);
    expect(error.message).toContain('compose.yaml is not a valid compose file (20000 problems)');
    expect(error.message).toContain('compose.yaml:1: unknown key "k0"');
    expect(error.message).toContain(`... and ${20_000 - MAX_LISTED_PROBLEMS} more`);
    expect(error.details).toHaveLength(MAX_LISTED_PROBLEMS + 1);
  });

  it("finds each service's problems, validated one service at a time", () => {
    const services = Array.from({ length: 3000 }, (_, i) => `  s${i}: {image: x, ports: [true]}`).join('\n');
    const error = errorOf(() => compose(`services:\n${services}\n  bad name!: {image: x}\n`));
    expect(error.message).toContain('(3001 problems)');
    expect(error.message).toContain(
      'compose.yaml:2 services.s0.ports[0]: must be number or string or object',
    );
    expect(error.message).not.toContain('services.bad name!.');
  });
});

describe('COMPOSE_INVALID errors from normalization', () => {
  // Was: no hint (the next step) on "neither an image nor a build section", bad ports, project names...
  it.each([
    ['services:\n  app: {}\n', 'service "app" has neither an image nor a build section'],
    ['services:\n  app: {image: x, ports: ["-1"]}\n', 'invalid port "-1"'],
    ['name: "Bad Name"\nservices:\n  app: {image: x}\n', 'invalid project name'],
  ])('carry a hint: %s', (text, what) => {
    const error = errorOf(() => compose(text));
    expect(error.code).toBe('COMPOSE_INVALID');
    expect(error.message).toContain(what);
    expect(error.hint).toMatch(/^fix .* in compose\.yaml/);
  });
});

describe('include entries of the wrong shape', () => {
  // Was: COMPOSE_REFERENCE without a hint (include: [[[[]]]]), as every include and extends error.
  it('name the entry and say what to do', () => {
    const error = errorOf(() => compose('include: [[[[]]]]\n'));
    expect(error.message).toBe(
      'compose.yaml:1 include[0]: an include entry is a file path, or a mapping with path (a path or a list)',
    );
    expect(error.hint).toContain('fix include[0] in compose.yaml');
  });
});

describe('documents nested thousands of levels deep', () => {
  // Was: each walk of the document (key paths, aliases, merging) grew with the square of the depth:
  // a 2,000-level rules file took seconds (9.7 s on a loaded machine), and deeper ones overflowed the stack.
  it.each([
    ['flow mappings', `x-a: ${'{a: '.repeat(MAX_NESTING + 5)}1${'}'.repeat(MAX_NESTING + 5)}\n`, 1],
    [
      'block mappings',
      Array.from({ length: MAX_NESTING + 5 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'),
      MAX_NESTING + 2,
    ],
    ['lists', `x-a: ${'['.repeat(MAX_NESTING + 5)}${']'.repeat(MAX_NESTING + 5)}\n`, 1],
  ])('are refused past MAX_NESTING levels, at the line: %s', (_, text, line) => {
    const error = errorOf(() => parseAnonymizeRules({ path: '/p/a.yaml', file: 'a.yaml', text }));
    expect(error.code).toBe('ANONYMIZE_RULES_INVALID');
    expect(error.message).toBe(`a.yaml:${line}: invalid YAML: nested more than ${MAX_NESTING} levels deep`);
  });

  it('keep documents nested up to the limit', () => {
    const text = `x-a: ${'['.repeat(MAX_NESTING - 1)}${']'.repeat(MAX_NESTING - 1)}\nservices:\n  app: {image: x}\n`;
    expect(Object.keys(compose(text).project.services)).toEqual(['app']);
  });
});

describe('--json lines whose type is not a string', () => {
  // Was: String(type) threw "Cannot convert object to primitive value" for {"type": {"toString": {}}}.
  it.each(['{"type":{"toString":{}},"time":1}', '{"type":[1],"time":1}', '{"type":null,"time":1}'])(
    '%s is an EVENT_INVALID at the key type',
    (line) => {
      const error = errorOf(() => readEventLine(line, { file: 'up --json', line: 3 }));
      expect(error.code).toBe('EVENT_INVALID');
      expect(error.location).toEqual({ file: 'up --json', line: 3, path: 'type' });
      expect(error.message).toMatch(/^up --json:3 type: unknown event type \((an array|object|null)\)$/);
    },
  );
});

import { describe, expect, it } from 'vitest';
import { MAX_ALIAS_EXPANSION, lineOf, parseSourceDocument } from '../../../src/core/compose/source-document.js';
import { formatKeyPath } from '../../../src/core/compose/key-path.js';
import { errorOf } from './resolve-text.js';

const parse = (text: string) => parseSourceDocument({ path: '/p/compose.yaml', file: 'compose.yaml', text });

describe('parseSourceDocument', () => {
  it('maps key paths to lines', () => {
    const doc = parse('services:\n  app:\n    image: x\n    ports:\n      - "80:80"\n      - target: 81\n');
    expect(doc.value).toEqual({ services: { app: { image: 'x', ports: ['80:80', { target: 81 }] } } });
    expect(lineOf(doc, ['services', 'app', 'image'])).toBe(3);
    expect(lineOf(doc, ['services', 'app', 'ports', 0])).toBe(5);
    expect(lineOf(doc, ['services', 'app', 'ports', 1, 'target'])).toBe(6);
    // Unknown paths fall back to the nearest ancestor.
    expect(lineOf(doc, ['services', 'app', 'ports', 1, 'published'])).toBe(6);
  });

  it('resolves anchors and merge keys', () => {
    const doc = parse(
      'x-base: &base\n  image: x\n  restart: always\nservices:\n  app:\n    <<: *base\n    image: y\n',
    );
    expect(doc.value).toEqual({
      'x-base': { image: 'x', restart: 'always' },
      services: { app: { image: 'y', restart: 'always' } },
    });
  });

  it('records !reset and !override tags', () => {
    const doc = parse('services:\n  app:\n    ports: !reset []\n    command: !override ["a"]\n');
    expect(doc.value).toEqual({ services: { app: { command: ['a'] } } });
    expect(doc.resetPaths.map(formatKeyPath)).toEqual(['services.app.ports']);
    expect([...doc.overridePaths]).toEqual(['services.app.command']);
  });

  it('reports YAML syntax errors with file and line', () => {
    const error = errorOf(() => parse('services:\n  app:\n    image: [x\n    ports: 1\n'));
    expect(error.code).toBe('COMPOSE_YAML');
    expect(error.message).toMatch(/^compose\.yaml:\d+: invalid YAML: /);
    expect(error.location?.file).toBe('compose.yaml');
  });

  it('rejects duplicate keys', () => {
    const error = errorOf(() => parse('services:\n  app:\n    image: a\n    image: b\n'));
    expect(error.code).toBe('COMPOSE_YAML');
    expect(error.message).toBe('compose.yaml:4: invalid YAML: duplicate key');
    expect(error.location).toEqual({ file: 'compose.yaml', line: 4 });
  });

  it('refuses an alias inside its own anchor (an infinitely deep value) at its line', () => {
    const error = errorOf(() => parse('services:\n  x:\n    image: redis\na: &a [*a]\n'));
    expect(error.code).toBe('COMPOSE_YAML');
    expect(error.message).toBe(
      'compose.yaml:4: invalid YAML: alias *a is inside the value it refers to (a cycle)',
    );
    expect(error.location).toEqual({ file: 'compose.yaml', line: 4 });
    const nested = errorOf(() => parse('a: &a\n  b:\n    c: *a\n'));
    expect(nested.message).toBe(
      'compose.yaml:3: invalid YAML: alias *a is inside the value it refers to (a cycle)',
    );
  });

  it('refuses aliases that expand the document exponentially ("billion laughs") at the alias that crosses the budget', () => {
    const levels = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 9; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`);
    const error = errorOf(() => parse(`${levels.join('\n')}\nservices: {}\n`));
    expect(error.code).toBe('COMPOSE_YAML');
    expect(error.message).toMatch(
      new RegExp(`^compose\\.yaml:[5-7]: invalid YAML: the aliases expand to more than ${MAX_ALIAS_EXPANSION} values`),
    );
    expect(error.location?.file).toBe('compose.yaml');
  });

  it('keeps ordinary anchors, repeated and nested', () => {
    const doc = parse('x-env: &env {A: "1"}\nx-base: &base\n  environment: *env\nservices:\n  a: *base\n  b: *base\n');
    expect(doc.value).toMatchObject({ services: { a: { environment: { A: '1' } }, b: { environment: { A: '1' } } } });
  });

  it('rejects duplicate keys in flow and nested mappings, at the second key', () => {
    expect(errorOf(() => parse('services: {a: {image: x}, a: {image: y}}\n')).message).toBe(
      'compose.yaml:1: invalid YAML: duplicate key',
    );
    const nested = errorOf(() => parse('services:\n  app:\n    environment:\n      A: 1\n      B: 2\n      A: 3\n'));
    expect(nested.location).toEqual({ file: 'compose.yaml', line: 6 });
    // The same key in different mappings, and repeated merge keys, are fine.
    expect(parse('a: {x: 1}\nb: {x: 2}\n').value).toEqual({ a: { x: 1 }, b: { x: 2 } });
  });

  it('parses a mapping of many keys (each checked against a set, not every earlier key)', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `  k${i}: v`).join('\n');
    const doc = parse(`x-many:\n${keys}\nservices: {}\n`);
    expect(Object.keys((doc.value as { 'x-many': object })['x-many'])).toHaveLength(20_000);
  });

  it('treats an empty file as an empty mapping', () => {
    expect(parse('').value).toEqual({});
    expect(parse('# nothing\n').value).toEqual({});
  });
});

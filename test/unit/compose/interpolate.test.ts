import { describe, expect, it } from 'vitest';
import {
  InterpolationProblem,
  interpolateString,
  interpolateTree,
  MAX_TREE_NODES,
} from '../../../src/core/compose/interpolate.js';
import { errorOf, resolveText } from './resolve-text.js';

const env: Record<string, string> = { SET: 'value', EMPTY: '', B: 'bee', PORT: '5432' };
const lookup = (name: string): string | undefined => env[name];
const sub = (text: string): string => interpolateString(text, lookup);

describe('interpolateString', () => {
  it('substitutes $VAR and ${VAR}', () => {
    expect(sub('a $SET b')).toBe('a value b');
    expect(sub('${SET}x')).toBe('valuex');
    expect(sub('$SET_more')).toBe(''); // the name is SET_more, unset
    expect(sub('${SET}_more')).toBe('value_more');
    expect(sub('$UNSET')).toBe('');
  });

  it('applies :- and - defaults', () => {
    expect(sub('${UNSET:-def}')).toBe('def');
    expect(sub('${EMPTY:-def}')).toBe('def');
    expect(sub('${SET:-def}')).toBe('value');
    expect(sub('${UNSET-def}')).toBe('def');
    expect(sub('${EMPTY-def}')).toBe('');
    expect(sub('${UNSET:-}')).toBe('');
    expect(sub('${UNSET:-a b:c}')).toBe('a b:c');
  });

  it('applies :+ and + replacements', () => {
    expect(sub('${SET:+rep}')).toBe('rep');
    expect(sub('${EMPTY:+rep}')).toBe('');
    expect(sub('${UNSET:+rep}')).toBe('');
    expect(sub('${EMPTY+rep}')).toBe('rep');
    expect(sub('${UNSET+rep}')).toBe('');
  });

  it('applies :? and ? requirements', () => {
    expect(sub('${SET:?missing}')).toBe('value');
    expect(sub('${EMPTY?missing}')).toBe('');
    expect(() => sub('${EMPTY:?must set it}')).toThrow(
      'required variable EMPTY is missing a value: must set it',
    );
    expect(() => sub('${UNSET?gone}')).toThrow('required variable UNSET is missing a value: gone');
    expect(() => sub('${UNSET:?}')).toThrow(/^required variable UNSET is missing a value$/);
    let thrown: unknown;
    try {
      sub('${X:?must set X}');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InterpolationProblem);
    expect((thrown as InterpolationProblem).variable).toBe('X');
  });

  it('nests inside operands', () => {
    expect(sub('${A:-${B:-x}}')).toBe('bee');
    expect(sub('${A:-${C:-x}}')).toBe('x');
    expect(sub('${A:-${C:-${SET}}}/end')).toBe('value/end');
    expect(sub('${SET:+port=${PORT}}')).toBe('port=5432');
  });

  it('treats $$ as a literal $ and keeps lone $', () => {
    expect(sub('$$SET')).toBe('$SET');
    expect(sub('$${SET}')).toBe('${SET}');
    expect(sub('cost: 5$')).toBe('cost: 5$');
    expect(sub('a $ b $1')).toBe('a $ b $1');
    expect(sub('$$$$')).toBe('$$');
  });

  it('rejects invalid forms', () => {
    expect(() => sub('${SET')).toThrow('invalid interpolation format: unterminated "${SET"');
    expect(() => sub('x ${A:-${B}')).toThrow(/unterminated/);
    expect(() => sub('${ foo}')).toThrow('invalid interpolation format "${ foo}"');
    expect(() => sub('${}')).toThrow('invalid interpolation format "${}"');
    expect(() => sub('${1ABC}')).toThrow('invalid interpolation format "${1ABC}"');
    expect(() => sub('${foo bar}')).toThrow('invalid interpolation format "${foo bar}"');
    expect(() => sub('${SET:x}')).toThrow('invalid interpolation format "${SET:x}"');
    expect(() => sub('${SET=x}')).toThrow('invalid interpolation format "${SET=x}"');
  });

  it('reports unset variables used without a default', () => {
    const unset: string[] = [];
    interpolateString('$A ${B:-x} ${C} ${D-y} $SET', lookup, { onUnset: (name) => unset.push(name) });
    expect(unset).toEqual(['A', 'C']);
  });
});

describe('interpolateTree', () => {
  const site = { file: 'compose.yaml', lineOf: () => 3 };

  it('interpolates string values, not keys, and leaves other scalars alone', () => {
    const tree = { services: { $SET: { image: 'db:${PORT}', list: ['$SET', 1, true, null] } } };
    expect(interpolateTree(tree, lookup, site)).toEqual({
      services: { $SET: { image: 'db:5432', list: ['value', 1, true, null] } },
    });
  });

  it('casts interpolated booleans and numbers where compose types them', () => {
    const tree = {
      services: { app: { init: '${T:-true}', ports: [{ target: '${PORT}', published: '80' }] } },
    };
    expect(interpolateTree(tree, lookup, site)).toEqual({
      services: { app: { init: true, ports: [{ target: 5432, published: '80' }] } },
    });
  });
});

describe('interpolateTree on values that are not finite trees', () => {
  const site = { file: 'compose.yaml', lineOf: () => 4 };

  it('refuses a value that contains itself, naming the file and line', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    const error = errorOf(() => interpolateTree({ a: cyclic }, lookup, site));
    expect(error.code).toBe('COMPOSE_YAML');
    expect(error.message).toBe(
      'compose.yaml:4 a[0]: this value contains itself (a YAML alias inside its own anchor)',
    );
  });

  it('stops walking a shared-reference tree that expands beyond the node budget', () => {
    let level: unknown = ['x'];
    for (let i = 0; i < 30; i++) level = [level, level];
    const error = errorOf(() => interpolateTree({ a: level }, lookup, site, { maxNodes: 1000 }));
    expect(error.code).toBe('COMPOSE_YAML');
    expect(error.message).toMatch(/^compose\.yaml:4 a(\[[01]\])+: the document holds more than 1000 values/);
    expect(MAX_TREE_NODES).toBeGreaterThan(1_000_000);
  });

  it('walks shared (not cyclic) values, as repeated anchors make them', () => {
    const shared = { image: '$SET' };
    expect(interpolateTree({ a: shared, b: [shared, shared] }, lookup, site)).toEqual({
      a: { image: 'value' },
      b: [{ image: 'value' }, { image: 'value' }],
    });
  });
});

describe('interpolation errors in a compose file', () => {
  it('a YAML alias cycle or alias bomb is a COMPOSE_YAML error naming the file and line, not a crash', () => {
    const cycle = errorOf(() => resolveText('services:\n  x:\n    image: redis\na: &a [*a]\n'));
    expect(cycle.code).toBe('COMPOSE_YAML');
    expect(cycle.location).toEqual({ file: 'compose.yaml', line: 4 });
  });

  it('names the file, line, key path and the bad text', () => {
    const error = errorOf(() => resolveText('services:\n  app:\n    image: "nginx:${ TAG}"\n'));
    expect(error.code).toBe('COMPOSE_INTERPOLATION');
    expect(error.message).toBe(
      'compose.yaml:3 services.app.image: invalid interpolation format "${ TAG}": expected ${NAME} with NAME matching [A-Za-z_][A-Za-z0-9_]*, optionally followed by :-, -, :?, ?, :+ or +; write $$ for a literal $',
    );
    expect(error.location).toEqual({ file: 'compose.yaml', line: 3, path: 'services.app.image' });
  });

  it('names a missing required variable and its message', () => {
    const text = 'services:\n  app:\n    image: nginx\n    environment:\n      - TOKEN=${X:?must set X}\n';
    const error = errorOf(() => resolveText(text));
    expect(error.code).toBe('COMPOSE_INTERPOLATION');
    expect(error.message).toBe(
      'compose.yaml:5 services.app.environment[0]: required variable X is missing a value: must set X',
    );
    expect(error.hint).toBe("set X in the shell or in the project's .env file");
  });

  it('warns once per unset variable', () => {
    const { warnings } = resolveText('services:\n  app:\n    image: "nginx:$TAG"\n    hostname: "$TAG"\n');
    expect(warnings).toEqual([
      { message: 'the "TAG" variable is not set; defaulting to a blank string', file: 'compose.yaml' },
    ]);
  });
});

/**
 * Generated and mutated YAML documents for the parser targets: arbitrary
 * YAML-ish trees over a target's own key vocabulary, real fixtures mutated at
 * the byte level (flips, truncations, duplicated or dropped lines) and at the
 * tree level (key renames, type swaps, subtrees replaced), and the classic
 * hostile shapes (alias bombs, self-referencing anchors, deep nesting, huge
 * strings, merge keys, tags, prototype keys).
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { repoRoot } from '../../support/cli.js';

/** A fixture's text; templates' placeholders ({{name}}, {{dbName}}) filled as `devenv init` does. */
export function fixture(relative: string): string {
  return readFileSync(`${repoRoot}${relative}`, 'utf8').replace(/\{\{(name|dbName)\}\}/g, (_, key: string) =>
    key === 'name' ? 'demo-app' : 'demo_app',
  );
}

const TEXT_UNITS = [
  'a',
  'b',
  'Z',
  '0',
  '9',
  '_',
  '-',
  '.',
  '/',
  ':',
  '=',
  ' ',
  '$',
  '{',
  '}',
  '?',
  '+',
  '*',
  '&',
  '!',
  '#',
  '%',
  '@',
  '"',
  "'",
  '\\',
  '[',
  ']',
  ',',
  '|',
  '>',
  '~',
  '\n',
  '\t',
  '\r',
  '\u0000',
  '\u001b',
  '\u0085',
  '\u2028',
  'é',
  '中',
  '😀',
  '\uFFFD',
  '\uD800',
];

/** Strings made of characters that matter to YAML, interpolation and paths. */
export const trickyString = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: fc.constantFrom(...TEXT_UNITS), maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 16 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '${A}',
      '${A:-x}',
      '${A-${B:-y}}',
      '${A:?must be set}',
      '${A?}',
      '${A:+x}',
      '$$',
      '${',
      '${}',
      '${A',
      '}',
      '$1',
      '${A:-${B:-${C}}}',
      '../../etc',
      '/etc/passwd',
      '~/x',
      '8080:80',
      '127.0.0.1:80:80/udp',
      '1-65535:80',
      './src:/app:ro',
      'named:/data',
      '1m30s',
      '10s',
      '-1',
      '1e400',
      '0x1F',
      'true',
      'no',
      '',
      ' ',
      '\u0000',
      '$(touch /tmp/fuzz)',
      '`id`',
      'a;b',
      'postgres:15',
      'keep',
      'email',
      'delete',
      'rebuild-test-database',
      'unit',
      'all',
      'toString',
      'constructor',
      'hasOwnProperty',
      'valueOf',
      '__proto__',
      'service:toString',
    ),
  },
  { weight: 1, arbitrary: fc.nat({ max: 200_000 }).map((length) => 'x'.repeat(length)) },
);

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: trickyString },
  { weight: 2, arbitrary: fc.integer({ min: -70_000, max: 70_000 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

export function keyOf(vocabulary: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...vocabulary) },
    { weight: 2, arbitrary: trickyString.map((key) => key.slice(0, 40)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'x-ext', '<<'),
    },
  );
}

/** Arbitrary YAML-ish trees (mappings, sequences, scalars) over the given keys. */
export function yamlTree(vocabulary: readonly string[], maxDepth = 6): fc.Arbitrary<unknown> {
  const key = keyOf(vocabulary);
  const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', maxDepth, withCrossShrink: true },
      scalar,
      fc.array(tie('tree'), { maxLength: 5 }),
      fc.dictionary(key, tie('tree'), { maxKeys: 6 }),
    ),
  }));
  return tree;
}

/** A tree as YAML text; object keys like __proto__ are kept as plain keys. */
export function toYaml(value: unknown): string {
  try {
    return stringify(value, { aliasDuplicateObjects: false, lineWidth: 0 });
  } catch {
    return JSON.stringify(value) ?? '';
  }
}

type TreePath = (string | number)[];

function pathsOf(value: unknown, at: TreePath = [], out: TreePath[] = []): TreePath[] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, [...at, index], out));
  else if (value !== null && typeof value === 'object')
    for (const [key, child] of Object.entries(value)) pathsOf(child, [...at, key], out);
  return out;
}

function clone(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

/** Replaces (or renames, or deletes) the value at path; the root is replaced whole. */
function edit(root: unknown, path: TreePath, change: (value: unknown) => unknown, rename?: string): unknown {
  if (path.length === 0) return change(root);
  let parent = root as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const next = change(parent[last]);
  if (rename !== undefined && !Array.isArray(parent)) {
    delete parent[last];
    Object.defineProperty(parent, rename, {
      value: next,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else if (next === undefined && Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (next === undefined) delete parent[last];
  else parent[last] = next;
  return root;
}

/** Another type for the same value: a string becomes a number, a mapping a list, ... */
function swapType(value: unknown, pick: number): unknown {
  const choices: unknown[] = [
    null,
    42,
    -1,
    true,
    'text',
    '',
    [value],
    { value },
    Array.isArray(value) ? Object.fromEntries(value.map((item, index) => [String(index), item])) : [],
    typeof value === 'object' && value !== null ? Object.keys(value).join(',') : String(value),
  ];
  return choices[pick % choices.length];
}

/** Tree-level mutations of a parsed fixture. */
function treeMutation(seed: unknown, vocabulary: readonly string[]): fc.Arbitrary<string> {
  const paths = pathsOf(seed);
  const mutation = fc.record({
    at: fc.nat({ max: paths.length - 1 }),
    kind: fc.constantFrom('swap', 'replace', 'rename', 'delete', 'nest'),
    pick: fc.nat({ max: 100 }),
    key: keyOf(vocabulary),
    tree: yamlTree(vocabulary, 3),
  });
  return fc.array(mutation, { minLength: 1, maxLength: 4 }).map((mutations) => {
    let value = clone(seed);
    for (const m of mutations) {
      const current = pathsOf(value);
      const path = current[m.at % current.length] ?? [];
      switch (m.kind) {
        case 'swap':
          value = edit(value, path, (old) => swapType(old, m.pick));
          break;
        case 'replace':
          value = edit(value, path, () => clone(m.tree));
          break;
        case 'rename':
          value = typeof path[path.length - 1] === 'string' ? edit(value, path, (old) => old, m.key) : value;
          break;
        case 'delete':
          value = path.length === 0 ? value : edit(value, path, () => undefined);
          break;
        case 'nest':
          value = edit(value, path, (old) => ({ [m.key]: old }));
          break;
      }
    }
    return toYaml(value);
  });
}

/** Byte-level mutations of a fixture's text. */
function byteMutation(text: string): fc.Arbitrary<string> {
  const op = fc.record({
    kind: fc.constantFrom('flip', 'insert', 'truncate', 'dupLine', 'dropLine', 'indent'),
    at: fc.nat(),
    byte: fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(
        ...[':', '-', '&', '*', '{', '[', '$', '\n', ' ', '!', '|', '"', "'", '#'].map((c) =>
          c.charCodeAt(0),
        ),
      ),
    ),
  });
  return fc.array(op, { minLength: 1, maxLength: 6 }).map((ops) => {
    let bytes = Buffer.from(text, 'utf8');
    for (const o of ops) {
      const at = bytes.length === 0 ? 0 : o.at % bytes.length;
      if (o.kind === 'flip' && bytes.length > 0) {
        bytes = Buffer.from(bytes);
        bytes[at] = o.byte;
      } else if (o.kind === 'insert')
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([o.byte]), bytes.subarray(at)]);
      else if (o.kind === 'truncate') bytes = bytes.subarray(0, at);
      else {
        const lines = bytes.toString('utf8').split('\n');
        const line = o.at % Math.max(lines.length, 1);
        if (o.kind === 'dupLine') lines.splice(line, 0, lines[line] ?? '');
        else if (o.kind === 'dropLine') lines.splice(line, 1);
        else lines[line] = ` ${lines[line] ?? ''}`;
        bytes = Buffer.from(lines.join('\n'), 'utf8');
      }
    }
    return bytes.toString('utf8');
  });
}

/** The classic hostile shapes, built around a fixture. */
function hostileShape(text: string, vocabulary: readonly string[]): fc.Arbitrary<string> {
  const laughs = (levels: number, width: number): string => {
    const lines = [`a0: &a0 [${Array(width).fill('"lol"').join(', ')}]`];
    for (let i = 1; i < levels; i++)
      lines.push(
        `a${i}: &a${i} [${Array(width)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    return lines.join('\n');
  };
  const key = fc.constantFrom(...vocabulary);
  return fc.oneof(
    fc
      .record({ levels: fc.integer({ min: 2, max: 12 }), width: fc.integer({ min: 2, max: 12 }) })
      .map(({ levels, width }) => `${laughs(levels, width)}\n${text}`),
    fc
      .tuple(key, fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 10 }))
      .map(([k, levels, width]) => `${laughs(levels, width)}\n${k}: *a${levels - 1}\n`),
    key.map((k) => `${k}: &self\n  inner: *self\n`),
    key.map((k) => `${k}: &self [*self]\n`),
    fc
      .tuple(key, fc.integer({ min: 1, max: 5000 }))
      .map(([k, depth]) => `${k}: ${'['.repeat(depth)}${']'.repeat(depth)}\n`),
    fc
      .tuple(key, fc.integer({ min: 1, max: 5000 }))
      .map(([k, depth]) => `${k}: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`),
    fc.integer({ min: 1, max: 2000 }).map((depth) => {
      let out = '';
      for (let i = 0; i < depth; i++) out += `${' '.repeat(i)}k${i}:\n`;
      return out;
    }),
    fc
      .tuple(key, fc.integer({ min: 10_000, max: 2_000_000 }))
      .map(([k, length]) => `${k}: "${'x'.repeat(length)}"\n`),
    fc
      .integer({ min: 1, max: 20_000 })
      .map((count) => Array.from({ length: count }, (_, i) => `k${i}: ${i}`).join('\n')),
    key.map((k) => `base: &b {${k}: 1}\nother:\n  <<: [*b, *b, *b]\n  <<: *b\n${text}`),
    fc
      .constantFrom('!reset', '!override', '!!binary', '!!set', '!!omap', '!!timestamp', '!custom', '!!float')
      .map((tag) => text.replace(/: /, `: ${tag} `)),
    fc
      .constantFrom('---\n', '...\n', '--- |\n', '%YAML 1.2\n---\n', '%TAG ! tag:x,2000:\n---\n', '? ')
      .map((prefix) => `${prefix}${text}\n---\n${text}`),
    fc.constant(`__proto__: {polluted: 1}\nconstructor: {prototype: {polluted: 1}}\n${text}`),
  );
}

/** Every kind of document for one target: generated, mutated fixtures and hostile shapes. */
export function documents(seeds: readonly string[], vocabulary: readonly string[]): fc.Arbitrary<string> {
  const parsed = seeds.map((seed) => parse(seed) as unknown);
  const seedIndex = fc.nat({ max: seeds.length - 1 });
  return fc.oneof(
    { weight: 3, arbitrary: yamlTree(vocabulary).map(toYaml) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...TEXT_UNITS), maxLength: 200 }) },
    { weight: 3, arbitrary: seedIndex.chain((i) => byteMutation(seeds[i]!)) },
    { weight: 4, arbitrary: seedIndex.chain((i) => treeMutation(parsed[i], vocabulary)) },
    { weight: 2, arbitrary: seedIndex.chain((i) => hostileShape(seeds[i]!, vocabulary)) },
  );
}

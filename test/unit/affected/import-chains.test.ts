import { describe, expect, it } from 'vitest';
import { findImportChains, importDistance } from '../../../src/core/affected/import-chains.js';

// test -> a -> b -> c, test -> c (a shortcut), other.test -> d
const graph = new Map<string, string[]>([
  ['/p/t.test.ts', ['/p/a.ts', '/p/c.ts']],
  ['/p/a.ts', ['/p/b.ts']],
  ['/p/b.ts', ['/p/c.ts', '/p/a.ts']], // a cycle back to a
  ['/p/c.ts', []],
  ['/p/other.test.ts', ['/p/d.ts']],
]);
const label = (id: string) => id.replace('/p/', '');
const tests = [
  { id: '/p/t.test.ts', file: 't.test.ts' },
  { id: '/p/other.test.ts', file: 'other.test.ts' },
];

describe('findImportChains', () => {
  it('gives each test the shortest chain to a changed module, changed module first', () => {
    const chains = findImportChains(graph, new Map([['/p/c.ts', 'c.ts']]), tests, label);
    expect(chains.get('c.ts')).toEqual([{ test: 't.test.ts', chain: ['c.ts', 't.test.ts'] }]);
  });

  it('follows imports through modules and survives cycles', () => {
    const chains = findImportChains(graph, new Map([['/p/b.ts', 'b.ts']]), tests, label);
    expect(chains.get('b.ts')).toEqual([{ test: 't.test.ts', chain: ['b.ts', 'a.ts', 't.test.ts'] }]);
  });

  it('finds nothing for a module no test reaches, or one missing from the graph', () => {
    expect(findImportChains(graph, new Map([['/p/zzz.ts', 'zzz.ts']]), tests, label).size).toBe(0);
    // d.ts is imported but has no entry of its own: still found as an import.
    expect(findImportChains(graph, new Map([['/p/d.ts', 'd.ts']]), tests, label).get('d.ts')).toEqual([
      { test: 'other.test.ts', chain: ['d.ts', 'other.test.ts'] },
    ]);
  });
});

describe('importDistance', () => {
  it('is the fewest imports between a test and any changed module', () => {
    const chains = findImportChains(
      graph,
      new Map([
        ['/p/b.ts', 'b.ts'],
        ['/p/c.ts', 'c.ts'],
        ['/p/d.ts', 'd.ts'],
      ]),
      tests,
      label,
    );
    expect(importDistance(chains)).toEqual(
      new Map([
        ['t.test.ts', 1],
        ['other.test.ts', 1],
      ]),
    );
    const far = findImportChains(graph, new Map([['/p/b.ts', 'b.ts']]), tests, label);
    expect(importDistance(far).get('t.test.ts')).toBe(2);
  });
});

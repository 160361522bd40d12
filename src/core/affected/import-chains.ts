/**
 * Which tests import which changed files, and through what chain: a
 * breadth-first walk from each test over a module graph already known
 * (module -> the modules it imports), so the chain shown is a shortest one.
 * The graph is built elsewhere (adapters/vitest crawls it with vitest's
 * transforms and keeps it on disk); this walk does no I/O.
 */
import type { ImportChain } from './select-tests.js';

/** Module -> the modules it imports (absolute paths or any consistent ids). */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/**
 * For each changed module, the tests that reach it with their shortest chain
 * (changed module first, test last). `label` turns a graph id into the path
 * shown (project-relative).
 */
export function findImportChains(
  graph: ImportGraph,
  changed: ReadonlyMap<string, string>,
  tests: readonly { id: string; file: string }[],
  label: (id: string) => string,
): Map<string, ImportChain[]> {
  const chains = new Map<string, ImportChain[]>();
  for (const test of tests) {
    const parent = new Map<string, string | undefined>([[test.id, undefined]]);
    const queue = [test.id];
    for (let head = 0; head < queue.length; head += 1) {
      const current = queue[head] as string;
      for (const dep of graph.get(current) ?? []) {
        if (parent.has(dep)) continue;
        parent.set(dep, current);
        const changedFile = changed.get(dep);
        if (changedFile !== undefined) {
          const chain: string[] = [];
          for (let node: string | undefined = dep; node !== undefined; node = parent.get(node))
            chain.push(label(node));
          chains.set(changedFile, [...(chains.get(changedFile) ?? []), { test: test.file, chain }]);
        }
        queue.push(dep);
      }
    }
  }
  return chains;
}

/** How many imports away from the nearest changed module each test is (1: imports it directly). */
export function importDistance(chains: ReadonlyMap<string, readonly ImportChain[]>): Map<string, number> {
  const distance = new Map<string, number>();
  for (const list of chains.values())
    for (const { test, chain } of list) {
      const hops = chain.length - 1;
      if (hops < (distance.get(test) ?? Infinity)) distance.set(test, hops);
    }
  return distance;
}

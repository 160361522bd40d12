/**
 * The depends_on graph: start order, shutdown order, cycles.
 */
export type DependencyMap = Record<string, readonly string[]>;

/** The first cycle found, as a closed path ["a", "b", "a"], or undefined. */
export function findCycle(graph: DependencyMap): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const seen = state.get(node);
    if (seen === 'done') return undefined;
    if (seen === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const dep of graph[node] ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of Object.keys(graph).sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Start order in levels: every node's dependencies are in earlier levels;
 * nodes of one level can start in parallel. Names are sorted within a level.
 * Throws on a cycle (callers validate first with findCycle).
 */
export function startLevels(graph: DependencyMap): string[][] {
  const remaining = new Set(Object.keys(graph));
  const placed = new Set<string>();
  const levels: string[][] = [];
  while (remaining.size > 0) {
    const level = [...remaining]
      .filter((node) => (graph[node] ?? []).every((dep) => placed.has(dep) || !(dep in graph)))
      .sort();
    if (level.length === 0) throw new Error(`dependency cycle among: ${[...remaining].sort().join(', ')}`);
    for (const node of level) {
      remaining.delete(node);
      placed.add(node);
    }
    levels.push(level);
  }
  return levels;
}

/** The nodes that (transitively) depend on `node`. */
export function dependentsOf(graph: DependencyMap, node: string): string[] {
  const result = new Set<string>();
  const walk = (target: string) => {
    for (const [name, deps] of Object.entries(graph)) {
      if (deps.includes(target) && !result.has(name)) {
        result.add(name);
        walk(name);
      }
    }
  };
  walk(node);
  return [...result].sort();
}

/** `node` and everything it (transitively) depends on. */
export function withDependencies(graph: DependencyMap, nodes: readonly string[]): string[] {
  const result = new Set<string>();
  const walk = (name: string) => {
    if (result.has(name)) return;
    result.add(name);
    for (const dep of graph[name] ?? []) walk(dep);
  };
  nodes.forEach(walk);
  return [...result].sort();
}

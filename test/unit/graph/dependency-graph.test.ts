import { describe, expect, it } from 'vitest';
import {
  dependentsOf,
  findCycle,
  startLevels,
  withDependencies,
} from '../../../src/core/graph/dependency-graph.js';

const seed = { app: ['postgres', 'redis'], postgres: [], redis: [] };

describe('dependency graph', () => {
  it('starts independent services together and dependents after', () => {
    expect(startLevels(seed)).toEqual([['postgres', 'redis'], ['app']]);
  });

  it('orders a chain', () => {
    expect(startLevels({ c: ['b'], b: ['a'], a: [] })).toEqual([['a'], ['b'], ['c']]);
  });

  it('finds no cycle in a DAG', () => {
    expect(findCycle(seed)).toBeUndefined();
  });

  it('names the cycle as a closed path', () => {
    expect(findCycle({ a: ['b'], b: ['c'], c: ['a'] })).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle({ a: ['a'] })).toEqual(['a', 'a']);
    expect(findCycle({ x: ['a'], a: ['b'], b: ['a'] })).toEqual(['a', 'b', 'a']);
  });

  it('throws on a cycle when asked for levels', () => {
    expect(() => startLevels({ a: ['b'], b: ['a'] })).toThrow(/cycle among: a, b/);
  });

  it('finds dependents and dependencies', () => {
    expect(dependentsOf(seed, 'postgres')).toEqual(['app']);
    expect(withDependencies(seed, ['app'])).toEqual(['app', 'postgres', 'redis']);
  });
});

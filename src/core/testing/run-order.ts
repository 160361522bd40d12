/**
 * The order a run starts its files in, so a failure shows as early as it
 * can: the files nearest to the change first (a changed test file, then the
 * tests that import a changed module directly, then through one more
 * module, ...), then the files selected for other reasons (rules, carried
 * over), each group in its selection order. The runner may also put files
 * that failed last time first (vitest's own results cache does).
 */
import type { SelectedTestFile } from './test-model.js';

export function runOrder(
  selected: readonly SelectedTestFile[],
  distance: ReadonlyMap<string, number>,
): SelectedTestFile[] {
  return selected
    .map((file, index) => ({ file, index, hops: distance.get(file.file) ?? Infinity }))
    .sort((a, b) => a.hops - b.hops || a.index - b.index)
    .map(({ file }) => file);
}

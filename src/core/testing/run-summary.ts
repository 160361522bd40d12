/** A test run's totals and per-file states, from the results it collected. Pure. */
import type { SelectedTestFile, TestCounts, TestFileResult, TestState } from './test-model.js';

export function countTests(results: Iterable<TestFileResult>): TestCounts {
  const counts: TestCounts = { passed: 0, failed: 0, skipped: 0 };
  for (const result of results) {
    counts.passed += result.tests.passed;
    counts.failed += result.tests.failed;
    counts.skipped += result.tests.skipped;
  }
  return counts;
}

/**
 * Each selected file's state: its result's, or 'skip' for a file that
 * reported none. A cancelled run lists only the files that reported.
 */
export function fileStates(
  selected: readonly SelectedTestFile[],
  results: ReadonlyMap<string, TestFileResult>,
  cancelled: boolean,
): { file: string; state: TestState }[] {
  return selected
    .filter((file) => results.has(file.file) || !cancelled)
    .map((file) => ({ file: file.file, state: results.get(file.file)?.state ?? 'skip' }));
}

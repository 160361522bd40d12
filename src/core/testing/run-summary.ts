/** A test run's totals and per-file states, from the results it collected. Pure. */
import type { SelectedTestFile, TestCounts, TestFileResult, TestRunError, TestState } from './test-model.js';

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
 * Each selected file's state: its result's; for a file that reported none,
 * `skip` when the run left it out on purpose (`skipped`: integration files
 * without a running stack, said in a note), `fail` when an error of the run
 * names it (its worker crashed or stalled while running it), else
 * `not-run`. A cancelled run lists only the files that reported.
 */
export function fileStates(
  selected: readonly SelectedTestFile[],
  results: ReadonlyMap<string, TestFileResult>,
  cancelled: boolean,
  errors: readonly TestRunError[] = [],
  skipped: ReadonlySet<string> = new Set(),
): { file: string; state: TestState }[] {
  const named = new Set(errors.flatMap((error) => error.files));
  const missing = (file: string): TestState =>
    skipped.has(file) ? 'skip' : named.has(file) ? 'fail' : 'not-run';
  return selected
    .filter((file) => results.has(file.file) || !cancelled)
    .map((file) => ({ file: file.file, state: results.get(file.file)?.state ?? missing(file.file) }));
}

/** A finished run failed: a failing test or file, a file that did not run, or an error outside tests. */
export function runFailed(
  counts: TestCounts,
  files: readonly { state: TestState }[],
  errors: readonly TestRunError[] | number = 0,
): boolean {
  const errorCount = typeof errors === 'number' ? errors : errors.length;
  return (
    counts.failed > 0 ||
    errorCount > 0 ||
    files.some((file) => file.state === 'fail' || file.state === 'not-run')
  );
}

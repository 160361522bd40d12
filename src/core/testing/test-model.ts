/**
 * The test domain's values, shared by the affected-test rules (core), the
 * test runner (contracts/test-runner, adapters/vitest), the use-cases and the
 * events they emit (app/events re-exports them). Paths are project-relative
 * POSIX paths.
 */

export type TestKind = 'unit' | 'integration';
/**
 * A file's state in a run: `not-run` is a selected file that produced no
 * result (its worker crashed first, the run stalled, ...), unlike `skip`,
 * which vitest reported (it.skip, an empty file).
 */
export type TestState = 'pass' | 'fail' | 'skip' | 'not-run';

/**
 * Something that went wrong outside any test: a worker that died (`crash`),
 * an error vitest caught outside tests (`unhandled`), or a run that made no
 * progress for the stall timeout (`stall`). `files` are those it was running.
 */
export type TestRunErrorKind = 'crash' | 'unhandled' | 'stall';

export interface TestRunError {
  kind: TestRunErrorKind;
  message: string;
  files: string[];
}

/** Why a test run started: the changed files (or a user action) and the reason. */
export interface TestTrigger {
  files: string[];
  reason: string;
}

/** A test file selected for a run, with why: which change, by which rule or import chain. */
export interface SelectedTestFile {
  file: string;
  kind: TestKind;
  reasons: string[];
}

export interface TestFailure {
  test: string;
  message: string;
  /** file:line of the failing assertion, when known. */
  location?: string;
  /** The last lines the failing test printed (console.log/error), when it printed any. */
  output?: string[];
}

export interface TestFileResult {
  file: string;
  kind: TestKind;
  state: TestState;
  durationMs: number;
  tests: TestCounts;
  failures: TestFailure[];
}

export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

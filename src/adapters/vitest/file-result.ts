/** vitest's reported test module -> devenv's per-file result. */
import type { TestModule } from 'vitest/node';
import type { TestCounts, TestFailure, TestState } from '../../core/testing/test-model.js';
import type { RunnerFileResult } from '../../contracts/test-runner.js';
import { relativePosix } from '../../core/paths/posix-path.js';
import { stackFrames } from './stack-frames.js';

interface ErrorLike {
  message?: string;
  name?: string;
  /** Parsed frames (vitest 4); vitest 3 leaves them to be read from `stack`. */
  stacks?: { file: string; line: number }[];
  stack?: string;
}

function locationOf(error: ErrorLike, root: string, moduleFile: string): string | undefined {
  const stacks = error.stacks ?? stackFrames(error.stack);
  const frame = stacks.find((entry) => entry.file === moduleFile) ?? stacks[0];
  if (!frame) return undefined;
  return `${relativePosix(root, frame.file)}:${frame.line}`;
}

function failureOf(test: string, error: ErrorLike, root: string, moduleFile: string): TestFailure {
  const failure: TestFailure = {
    test,
    message: (error.message ?? error.name ?? 'failed').split('\n')[0] ?? '',
  };
  const location = locationOf(error, root, moduleFile);
  if (location !== undefined) failure.location = location;
  return failure;
}

/** Lines of console output kept per failing test. */
export const OUTPUT_LINES = 10;

/** What tests printed, by vitest task id (a test's id, or the file's for output outside tests). */
export type ConsoleByTask = ReadonlyMap<string, readonly string[]>;

function outputOf(lines: readonly string[] | undefined): { output?: string[] } {
  if (!lines || lines.length === 0) return {};
  return { output: lines.slice(-OUTPUT_LINES) };
}

export function fileResultOf(
  module: TestModule,
  root: string,
  file: string,
  console: ConsoleByTask = new Map(),
): RunnerFileResult {
  const tests: TestCounts = { passed: 0, failed: 0, skipped: 0 };
  const failures: TestFailure[] = [];
  for (const test of module.children.allTests()) {
    const result = test.result();
    if (result.state === 'passed') tests.passed += 1;
    else if (result.state === 'failed') {
      tests.failed += 1;
      const [first] = result.errors ?? [];
      failures.push({
        ...failureOf(test.fullName, first ?? { message: 'failed' }, root, module.moduleId),
        ...outputOf(console.get(test.id)),
      });
    } else tests.skipped += 1;
  }
  // Errors outside any test: the file failed to import, a hook threw, ...
  for (const error of module.errors())
    failures.push({
      ...failureOf('(file)', error, root, module.moduleId),
      ...outputOf(console.get(module.id)),
    });
  const moduleState = module.state();
  let state: TestState;
  if (moduleState === 'failed' || failures.length > 0) state = 'fail';
  else if (moduleState === 'skipped' || (tests.passed === 0 && tests.skipped > 0)) state = 'skip';
  else state = 'pass';
  return { file, state, durationMs: Math.round(module.diagnostic().duration), tests, failures };
}

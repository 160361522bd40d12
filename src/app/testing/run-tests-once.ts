/**
 * `devenv test`: one run of every test (of the chosen kinds), or of those
 * affected by the given files. Resolves with the run's outcome; a run with no
 * selected tests is a pass.
 */
import { DevenvError } from '../../core/errors.js';
import type { SelectedTestFile, TestTrigger } from '../../core/testing/test-model.js';
import type { AppContext } from '../context.js';
import { openTestScheduler, type TestSchedulerOptions } from './open-test-scheduler.js';
import type { TestRunScheduler } from './test-scheduler.js';
import type { RunOutcome } from './test-run.js';

export interface RunTestsOnceOptions extends TestSchedulerOptions {
  /** Run the tests affected by these files (relative to ctx.cwd) instead of every test. */
  files?: string[];
  /** Run the tests affected by these changed files (from git), with the reason shown. */
  changed?: { files: string[]; reason: string };
}

function select(
  scheduler: TestRunScheduler,
  options: RunTestsOnceOptions,
): Promise<{ selected: SelectedTestFile[]; trigger: TestTrigger; distance?: ReadonlyMap<string, number> }> {
  if (options.changed) return scheduler.selectForFiles(options.changed.files, options.changed.reason);
  if (options.files && options.files.length > 0)
    return scheduler.selectForFiles(options.files, 'files named on the command line');
  return Promise.resolve({
    selected: scheduler.selectAll('devenv test'),
    trigger: { files: [], reason: 'devenv test' },
  });
}

const NOTHING_RUN: Omit<RunOutcome, 'runId'> = {
  cancelled: false,
  counts: { passed: 0, failed: 0, skipped: 0 },
  files: [],
};

/** Why nothing was selected, in the user's terms. */
function nothingToRun(
  scheduler: TestRunScheduler,
  options: RunTestsOnceOptions,
  trigger: TestTrigger,
): string {
  if (trigger.files.length > 0)
    return `no tests affected by ${trigger.files.join(', ')}: no test file imports ${trigger.files.length === 1 ? 'it' : 'them'} and no trigger in devenv.yaml names ${trigger.files.length === 1 ? 'it' : 'them'}`;
  const { tests, by } = scheduler.projectTests();
  if (tests.length === 0) return "no test files found: vitest's config includes none";
  const kinds = options.kinds ?? ['unit', 'integration'];
  return `no ${kinds.join(' or ')} test files among the ${tests.length} found (kinds by ${by})`;
}

export async function runTestsOnce(ctx: AppContext, options: RunTestsOnceOptions = {}): Promise<RunOutcome> {
  if (options.changed && options.changed.files.length === 0) {
    // Nothing changed: answered before vitest is even started.
    ctx.emit({ type: 'info', message: `no changes (${options.changed.reason}): no tests to run` });
    return { runId: 'none', ...NOTHING_RUN };
  }
  const scheduler = await openTestScheduler(ctx, { warmGraph: false, ...options });
  const onAbort = () => void scheduler.close();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const { selected, trigger, distance } = await select(scheduler, options);
    if (selected.length === 0) {
      ctx.emit({ type: 'info', message: nothingToRun(scheduler, options, trigger) });
      return { runId: 'none', ...NOTHING_RUN };
    }
    const outcome = await scheduler.runOnce(trigger, selected, distance);
    if (ctx.signal.aborted) throw new DevenvError('INTERRUPTED', 'Test run interrupted.');
    return outcome;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    await scheduler.close();
  }
}

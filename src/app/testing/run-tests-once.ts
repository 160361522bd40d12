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
): Promise<{ selected: SelectedTestFile[]; trigger: TestTrigger }> {
  if (options.changed) return scheduler.selectForFiles(options.changed.files, options.changed.reason);
  if (options.files && options.files.length > 0)
    return scheduler.selectForFiles(options.files, 'files named on the command line');
  return Promise.resolve({
    selected: scheduler.selectAll('devenv test'),
    trigger: { files: [], reason: 'devenv test' },
  });
}

export async function runTestsOnce(ctx: AppContext, options: RunTestsOnceOptions = {}): Promise<RunOutcome> {
  const scheduler = await openTestScheduler(ctx, options);
  const onAbort = () => void scheduler.close();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const { selected, trigger } = await select(scheduler, options);
    if (selected.length === 0) {
      ctx.emit({
        type: 'info',
        message:
          trigger.files.length > 0
            ? `no tests affected by ${trigger.files.join(', ')}`
            : 'no test files found',
      });
      return { runId: 'none', cancelled: false, counts: { passed: 0, failed: 0, skipped: 0 }, files: [] };
    }
    const outcome = await scheduler.runOnce(trigger, selected);
    if (ctx.signal.aborted) throw new DevenvError('INTERRUPTED', 'Test run interrupted.');
    return outcome;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    await scheduler.close();
  }
}

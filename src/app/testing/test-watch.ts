/**
 * Watch mode's tests (`devenv watch`, the attached `up`): a test scheduler
 * fed by the project watcher. Emits watcher.ready when edits will be seen;
 * each batch of changes then runs the affected tests.
 */
import type { AppContext } from '../context.js';
import { openTestScheduler, type TestSchedulerOptions } from './open-test-scheduler.js';
import type { TestController } from './test-controller.js';

export type TestWatchOptions = TestSchedulerOptions;

/** Running watch mode: the TestController plus what the CLI needs. */
export interface TestWatch extends TestController {
  /** Settles when the current run and queued runs are done (for tests and one-off use). */
  idle(): Promise<void>;
}

/** Starts a warm runner and the project watcher. Close the returned controller to stop. */
export async function startTestWatch(ctx: AppContext, options: TestWatchOptions = {}): Promise<TestWatch> {
  const config = options.config ?? ctx.project.devenvConfig(ctx.cwd);
  const scheduler = await openTestScheduler(ctx, { ...options, config });
  try {
    const watcher = await ctx.watchProject({
      root: scheduler.root,
      debounceMs: options.debounceMs ?? config.watch.debounceMs,
      ignore: config.watch.ignore,
      onBatch: (changes) => scheduler.onChanges(changes),
      onError: (error) => ctx.emit({ type: 'warning', warning: { message: `watcher: ${error.message}` } }),
    });
    scheduler.watchWith(watcher);
    ctx.emit({ type: 'watcher.ready', root: scheduler.root, watched: watcher.watched });
  } catch (error) {
    await scheduler.close();
    throw error;
  }
  if (options.runAllOnStart) void scheduler.runAll();
  return scheduler;
}

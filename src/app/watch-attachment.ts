/**
 * Watch mode inside an attached `devenv up`: the test session (affected tests
 * on every save, the UI's t/f/w keys), develop.watch syncing into services
 * built from source, and a reconcile of the stack when the template changes.
 * All three hang off the one file watcher of the test session, whose
 * `files.changed` events this attachment taps.
 */
import { resolve } from 'node:path';
import type { AppContext } from './context.js';
import { createDevelopSync, type DevelopSync } from './develop-sync.js';
import type { DevenvEvent } from './events.js';
import type { StackTarget } from './stack-target.js';
import { stackTestDatabase } from './testing/stack-test-database.js';
import { startTestWatch, type TestWatch, type TestWatchOptions } from './testing/test-watch.js';
import { up, type UpOptions } from './up.js';
import type { StackOptions } from './stack-target.js';

export interface WatchAttachment {
  tests: TestWatch;
  /** Feed every event of the stream here (it reacts to watcher.ready and files.changed). */
  onEvent(event: DevenvEvent): void;
  /** The stack is up: develop.watch rules of its services apply from now on. */
  stackReady(target: StackTarget): Promise<void>;
  close(): Promise<void>;
}

export async function attachWatch(
  ctx: AppContext,
  options: {
    stack: StackOptions;
    upOptions: UpOptions;
    session?: Pick<TestWatchOptions, 'runAllOnStart' | 'debounceMs'>;
  },
): Promise<WatchAttachment> {
  let root = ctx.cwd;
  let develop: DevelopSync | undefined;
  let syncing = Promise.resolve();
  const report = (error: unknown) =>
    ctx.emit({ type: 'warning', warning: { message: `develop.watch: ${(error as Error).message}` } });
  const tests = await startTestWatch(ctx, {
    ...options.session,
    runnerHost: 'worker',
    stack: options.stack,
    testDatabase: stackTestDatabase(ctx, options.stack),
    onReconcileStack: async () => {
      await up(ctx, options.upOptions).catch((error: unknown) =>
        ctx.emit({
          type: 'warning',
          warning: { message: `reconcile after a template change: ${(error as Error).message}` },
        }),
      );
    },
  });
  return {
    tests,
    onEvent(event) {
      if (event.type === 'watcher.ready') root = event.root;
      if (event.type === 'files.changed' && develop && develop.services.length > 0) {
        const files = event.files.map((file) => resolve(root, file));
        const sync = develop;
        // One sync at a time, in the order of the changes.
        syncing = syncing.then(() => sync.handle(files)).catch(report);
      }
    },
    async stackReady(target) {
      develop = createDevelopSync(ctx, {
        target,
        backend: await ctx.backend(),
        upOptions: options.upOptions,
      });
      const initial = develop;
      syncing = syncing.then(() => initial.initialSync()).catch(report);
    },
    async close() {
      await tests.close();
      await syncing;
    },
  };
}

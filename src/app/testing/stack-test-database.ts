/**
 * The test-database factory the test scheduler gets: a provider for the stack
 * the command addresses, resolved on the first lease (so a project without a
 * running stack pays nothing until an integration run needs a database).
 */
import type { DevenvConfig } from '../../core/config/devenv-config.js';
import type { AppContext } from '../context.js';
import { resolveStackTarget, type StackOptions } from '../stack-target.js';
import { createTemplateDatabaseProvider } from './template-database.js';
import type { TestDatabaseProvider } from '../../contracts/test-database.js';

export function stackTestDatabase(
  ctx: AppContext,
  stack: StackOptions,
): (database: NonNullable<DevenvConfig['database']>) => TestDatabaseProvider {
  return (database) => {
    let provider: Promise<TestDatabaseProvider> | undefined;
    const get = () =>
      (provider ??= resolveStackTarget(ctx, stack).then((target) =>
        createTemplateDatabaseProvider(ctx, { target, database }),
      ));
    return {
      async lease(runId, signal) {
        return (await get()).lease(runId, signal);
      },
      invalidate() {
        // Before the first lease there is no cached key to drop.
        if (provider)
          void provider.then(
            (p) => p.invalidate(),
            () => undefined,
          );
      },
    };
  };
}

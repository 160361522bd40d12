/**
 * The test-database factory the test scheduler gets: a provider for the stack
 * the command addresses, resolved on the first lease (so a project without a
 * running stack pays nothing until an integration run needs a database).
 * Watch mode keeps a pool of ready copies (`poolSize`); a one-off run keeps
 * none, so it does not make copies only to drop them at exit.
 */
import type { DevenvConfig } from '../../core/config/devenv-config.js';
import type { AppContext } from '../context.js';
import { resolveStackTarget, type StackOptions } from '../stack-target.js';
import { createTemplateDatabaseProvider } from './template-database.js';
import type { TestDatabaseProvider } from '../../contracts/test-database.js';

export function stackTestDatabase(
  ctx: AppContext,
  stack: StackOptions,
  options: { poolSize?: number } = {},
): (database: NonNullable<DevenvConfig['database']>) => TestDatabaseProvider {
  return (database) => {
    let provider: Promise<TestDatabaseProvider> | undefined;
    const get = () =>
      (provider ??= resolveStackTarget(ctx, stack).then((target) =>
        createTemplateDatabaseProvider(ctx, {
          target,
          database,
          ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
        }),
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
      async close() {
        const resolved = await provider?.catch(() => undefined);
        await resolved?.close();
      },
    };
  };
}

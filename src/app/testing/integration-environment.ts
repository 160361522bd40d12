/**
 * What integration tests run with: the stack's environment as seen from the
 * host (stackEnvironment), plus a fresh test database leased from the
 * TestDatabaseProvider when devenv.yaml has `database:`. A project without a
 * compose file runs them with no extra environment.
 */
import type { TestDatabaseProvider } from '../../contracts/test-database.js';
import { DevenvError, isDevenvError } from '../../core/errors.js';
import type { SelectedTestFile } from '../../core/testing/test-model.js';
import type { AppContext } from '../context.js';
import { stackEnvironment } from '../stack-environment.js';
import type { StackOptions } from '../stack-target.js';

/** The environment integration files get, or none: they are skipped (the stack is not running). */
export type StackEnvAnswer = { env: Record<string, string> } | { skipped: string[] };

export interface IntegrationEnvironment {
  /** The stack's host environment for a run's integration files (STACK_NOT_FOUND or a skip when it is not running). */
  stackEnv(integration: readonly SelectedTestFile[]): Promise<StackEnvAnswer>;
  /** The stack environment with a fresh test database's overrides, and how to give the database back. */
  withDatabase(
    env: Record<string, string>,
    runId: string,
    signal: AbortSignal,
  ): Promise<{ env: Record<string, string>; release(): Promise<void> }>;
  /** A migration or seed file changed: the next lease rebuilds the template (with a note), if there is a database. */
  invalidateDatabase(files: readonly string[]): void;
  /** Closes the test database provider (its ready copies are dropped). */
  close(): Promise<void>;
}

export interface IntegrationEnvironmentOptions {
  /** The project's compose files; none: no stack, integration tests run with no extra environment. */
  composeFiles: readonly string[];
  /** Which stack (-f, --branch, --stack, --profile). */
  stack: StackOptions;
  /** Integration tests selected while the stack is not running: skip them with a note, or fail. */
  missingStack: 'skip' | 'error';
  /** The test databases, when devenv.yaml has `database:`. */
  database: TestDatabaseProvider | undefined;
}

export function integrationEnvironment(
  ctx: AppContext,
  options: IntegrationEnvironmentOptions,
): IntegrationEnvironment {
  const hasStack = options.composeFiles.length > 0;

  async function stackEnvOrMissing(): Promise<{ env: Record<string, string> } | { missing: DevenvError }> {
    if (!hasStack) return { env: {} };
    try {
      return { env: (await stackEnvironment(ctx, options.stack)).env };
    } catch (error) {
      if (!(isDevenvError(error) && error.code === 'STACK_NOT_FOUND')) throw error;
      return {
        missing: new DevenvError(
          'STACK_NOT_FOUND',
          `Integration tests need the stack, and it is not running. (${error.message})`,
          { hint: 'Start it with `devenv up -d` (or run only unit tests: devenv test --unit).' },
        ),
      };
    }
  }

  return {
    async stackEnv(integration) {
      const answer = await stackEnvOrMissing();
      if ('env' in answer) return answer;
      if (options.missingStack === 'error') throw answer.missing;
      ctx.emit({
        type: 'info',
        message: `${integration.length} integration test file(s) skipped: the stack is not running (start it with \`devenv up -d\`)`,
      });
      return { skipped: integration.map((file) => file.file) };
    },

    async withDatabase(env, runId, signal) {
      if (!options.database || !hasStack) return { env, release: () => Promise.resolve() };
      const lease = await options.database.lease(runId, signal);
      return { env: { ...env, ...lease.env }, release: () => lease.release() };
    },

    invalidateDatabase(files) {
      if (!options.database) return;
      options.database.invalidate();
      ctx.emit({
        type: 'info',
        message: `${files.join(', ')} changed: the test database is rebuilt before the next integration run`,
      });
    },

    async close() {
      await options.database?.close();
    },
  };
}

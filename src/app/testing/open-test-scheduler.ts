/**
 * Opening a test scheduler: devenv.yaml, a warm test runner (vitest in a
 * worker process or in this one), the project's tests and compose files, the
 * integration environment, and vitest's module graph warmed so the first edit
 * is answered from memory.
 */
import type { TestDatabaseProvider } from '../../contracts/test-database.js';
import type { TestRunner } from '../../contracts/test-runner.js';
import type { DevenvConfig } from '../../core/config/devenv-config.js';
import { DEFAULT_STALL_TIMEOUT_MS } from '../../core/config/parse-devenv-config.js';
import type { TestKind } from '../../core/testing/test-model.js';
import type { AppContext } from '../context.js';
import type { StackOptions } from '../stack-target.js';
import { integrationEnvironment } from './integration-environment.js';
import { discoverProjectTests, projectComposeFiles, type ProjectTests } from './project-tests.js';
import { TestRunScheduler } from './test-scheduler.js';
import { TestSelection } from './test-selection.js';

export interface TestSchedulerOptions {
  /** Which stack integration tests run against (-f, --branch, --stack, --profile). */
  stack?: StackOptions;
  /** Kinds to run; default both. */
  kinds?: readonly TestKind[];
  /** devenv.yaml as already loaded; default: read from ctx.cwd. */
  config?: DevenvConfig;
  /** Overrides devenv.yaml's watch.debounceMs. */
  debounceMs?: number;
  /** Run every test once as soon as watching starts. */
  runAllOnStart?: boolean;
  /** Makes the test database provider when devenv.yaml has `database:` (wired by the caller). */
  testDatabase?: (database: NonNullable<DevenvConfig['database']>) => TestDatabaseProvider;
  /** Called when the compose template changed (a reconcile-stack trigger); default: an info event. */
  onReconcileStack?: (files: string[]) => void | Promise<void>;
  /**
   * Integration tests selected while the stack is not running: 'skip' them
   * with a note (watch mode, plain `devenv test`) or fail with STACK_NOT_FOUND
   * (`devenv test --integration` / `--all`). Default 'skip'.
   */
  missingStack?: 'skip' | 'error';
  /** The test runner; default vitest's Node API, started in ctx.cwd. */
  runner?: TestRunner;
  /**
   * Where the default runner keeps vitest: 'worker', one long-lived child
   * process (watch mode, so the dashboard's process stays small), or
   * 'in-process' (one-off runs; no process to start). Default 'in-process'.
   */
  runnerHost?: 'worker' | 'in-process';
  /** How long a cancelled run's tests may take to stop before their workers are ended. */
  cancelGraceMs?: number;
  /**
   * Walk the module graph of every test up front, so the first edit is
   * answered from memory (watch mode). Default true; a one-shot run walks
   * only when it selects by changed files.
   */
  warmGraph?: boolean;
}

async function startRunner(ctx: AppContext, config: DevenvConfig, options: TestSchedulerOptions) {
  if (options.runner) return options.runner;
  const runnerOptions = {
    root: ctx.cwd,
    ...(config.tests.vitestConfig === undefined ? {} : { configFile: config.tests.vitestConfig }),
    ...(options.cancelGraceMs === undefined ? {} : { cancelGraceMs: options.cancelGraceMs }),
  };
  return ctx.testRunners(options.runnerHost === 'worker' ? 'worker' : 'in-process', runnerOptions);
}

function reportUnclassified(ctx: AppContext, config: DevenvConfig, project: ProjectTests): void {
  const { unclassified } = project;
  if (unclassified.length === 0) return;
  const how =
    project.by === 'globs'
      ? `neither tests.unit (${config.tests.unit.join(', ')}) nor tests.integration (${config.tests.integration.join(', ')})`
      : 'neither the vitest project "unit" nor "integration"';
  ctx.emit({
    type: 'info',
    message: `${unclassified.length} test file(s) match ${how}; devenv does not run them (set tests.unit / tests.integration in devenv.yaml): ${unclassified.slice(0, 5).join(', ')}${unclassified.length > 5 ? ', ...' : ''}`,
  });
}

async function assemble(
  ctx: AppContext,
  runner: TestRunner,
  config: DevenvConfig,
  options: TestSchedulerOptions,
): Promise<TestRunScheduler> {
  const composeFiles = projectComposeFiles(ctx.project, runner.root, options.stack?.files, ctx.env);
  const project = await discoverProjectTests(runner, config, composeFiles);
  reportUnclassified(ctx, config, project);
  const kinds = new Set<TestKind>(options.kinds ?? ['unit', 'integration']);
  const selection = new TestSelection(runner, config, kinds, project);
  const environment = integrationEnvironment(ctx, {
    composeFiles,
    stack: options.stack ?? {},
    missingStack: options.missingStack ?? 'skip',
    database: config.database && options.testDatabase ? options.testDatabase(config.database) : undefined,
  });
  if (options.warmGraph !== false) await runner.importChains([], selection.testFiles());
  return new TestRunScheduler(ctx, {
    runner,
    selection,
    environment,
    ...(options.onReconcileStack ? { onReconcileStack: options.onReconcileStack } : {}),
    stallTimeoutMs: config.tests.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
  });
}

/** A scheduler with its runner started and the project's tests discovered (the runner is closed if that fails). */
export async function openTestScheduler(
  ctx: AppContext,
  options: TestSchedulerOptions,
): Promise<TestRunScheduler> {
  const config = options.config ?? ctx.project.devenvConfig(ctx.cwd);
  const runner = await startRunner(ctx, config, options);
  if (runner.tool) ctx.emit({ type: 'test.runner', ...runner.tool });
  try {
    return await assemble(ctx, runner, config, options);
  } catch (error) {
    await runner.close();
    throw error;
  }
}

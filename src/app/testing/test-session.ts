/**
 * Watch mode and one-off test runs: a warm test runner, the project watcher,
 * and the loop that turns changed files into runs of exactly the affected
 * tests. One run at a time: a change during a run cancels it, and the next
 * run covers the new changes plus whatever the cancelled run had not
 * finished, so results never pile up or interleave.
 *
 * Unit tests run on the host as they are; integration tests run with the
 * stack's environment as seen from the host (stackEnvironment), plus a fresh
 * test database from the TestDatabaseProvider when devenv.yaml has `database:`.
 */
import path from 'node:path';
import type { DevenvConfig } from '../../core/config/devenv-config.js';
import type { FileChange } from '../../core/affected/file-events.js';
import {
  selectAffectedTests,
  selectAllTests,
  type TriggeredAction,
} from '../../core/affected/select-tests.js';
import { DevenvError, isDevenvError } from '../../core/errors.js';
import { isRunnerConfig } from '../../core/affected/runner-config.js';
import { loadDevenvConfig } from '../../adapters/fs/devenv-config-file.js';
import { watchProject, type ProjectWatcher } from '../../adapters/watcher/project-watcher.js';
import { startVitestRunner } from '../../adapters/vitest/vitest-runner.js';
import { startVitestRunnerProcess } from '../../adapters/vitest/runner-process.js';
import type { AppContext } from '../context.js';
import type {
  SelectedTestFile,
  TestCounts,
  TestFileResult,
  TestKind,
  TestState,
  TestTrigger,
} from '../events.js';
import { stackEnvironment } from '../stack-environment.js';
import type { StackOptions } from '../stack-target.js';
import { discoverProjectTests, projectComposeFiles, type ProjectTests } from './project-tests.js';
import type { TestController } from './test-controller.js';
import type { TestDatabaseLease, TestDatabaseProvider } from '../../contracts/test-database.js';
import type { TestRunner } from '../../contracts/test-runner.js';

export interface TestSessionOptions {
  /** Which stack integration tests run against (-f, --branch, --stack, --profile). */
  stack?: StackOptions;
  /** Kinds to run; default both. */
  kinds?: readonly TestKind[];
  /** devenv.yaml as already loaded; default: read from ctx.cwd. */
  config?: DevenvConfig;
  /** Overrides devenv.yaml's watch.debounceMs. */
  debounceMs?: number;
  /** Run every test once as soon as the session is ready. */
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
   * process (watch sessions, so the dashboard's process stays small), or
   * 'in-process' (one-off runs; no process to start). Default 'in-process'.
   */
  runnerHost?: 'worker' | 'in-process';
  /** How long a cancelled run's tests may take to stop before their workers are ended. */
  cancelGraceMs?: number;
}

/** A running watch session: the TestController plus what the CLI needs. */
export interface TestSession extends TestController {
  /** Settles when the current run and queued runs are done (for tests and one-off use). */
  idle(): Promise<void>;
}

export interface RunOutcome {
  runId: string;
  cancelled: boolean;
  counts: TestCounts;
  files: { file: string; state: TestState }[];
}

/** What a run is asked to cover, merged while a run is in progress. */
interface PendingRun {
  changes: Map<string, FileChange['kind']>;
  /** Selected files carried over from a cancelled run, with their reasons. */
  carried: Map<string, SelectedTestFile>;
  /** Explicit selections (run all, rerun failed). */
  explicit: Map<string, SelectedTestFile>;
  reasons: string[];
}

function emptyPending(): PendingRun {
  return { changes: new Map(), carried: new Map(), explicit: new Map(), reasons: [] };
}

function mergeSelected(into: Map<string, SelectedTestFile>, files: readonly SelectedTestFile[]): void {
  for (const file of files) {
    const existing = into.get(file.file);
    if (!existing) into.set(file.file, { ...file, reasons: [...file.reasons] });
    else
      for (const reason of file.reasons)
        if (!existing.reasons.includes(reason)) existing.reasons.push(reason);
  }
}

function relativeTo(root: string, file: string): string {
  return path.relative(root, path.resolve(root, file)).split(path.sep).join('/');
}

class Session implements TestSession {
  private project!: ProjectTests;
  private watcher: ProjectWatcher | undefined;
  private pending: PendingRun | undefined;
  private current:
    { runId: string; cancel: (reason: string) => Promise<void>; cancelled: boolean } | undefined;
  private loop: Promise<void> | undefined;
  private runCount = 0;
  private closed = false;
  private isWatching = false;
  private provider: TestDatabaseProvider | undefined;
  private readonly lastStates = new Map<string, { state: TestState; kind: TestKind }>();
  private readonly kinds: ReadonlySet<TestKind>;

  constructor(
    private readonly ctx: AppContext,
    private readonly runner: TestRunner,
    private readonly config: DevenvConfig,
    private readonly options: TestSessionOptions,
  ) {
    this.kinds = new Set(options.kinds ?? ['unit', 'integration']);
  }

  get root(): string {
    return this.runner.root;
  }

  get watching(): boolean {
    return this.isWatching;
  }

  async init(): Promise<void> {
    const composeFiles = projectComposeFiles(this.root, this.options.stack?.files, this.ctx.env);
    this.project = await discoverProjectTests(this.runner, this.config, composeFiles);
    if (this.project.unclassified.length > 0) {
      const how =
        this.project.by === 'globs'
          ? `neither tests.unit (${this.config.tests.unit.join(', ')}) nor tests.integration (${this.config.tests.integration.join(', ')})`
          : 'neither the vitest project "unit" nor "integration"';
      this.ctx.emit({
        type: 'info',
        message: `${this.project.unclassified.length} test file(s) match ${how}; devenv does not run them (set tests.unit / tests.integration in devenv.yaml): ${this.project.unclassified.slice(0, 5).join(', ')}${this.project.unclassified.length > 5 ? ', ...' : ''}`,
      });
    }
    if (this.config.database && this.options.testDatabase)
      this.provider = this.options.testDatabase(this.config.database);
    // Warm the module graph, so the first edit is answered from memory.
    await this.runner.importChains([], this.testFiles());
  }

  async startWatching(): Promise<void> {
    this.watcher = await watchProject({
      root: this.root,
      debounceMs: this.options.debounceMs ?? this.config.watch.debounceMs,
      ignore: this.config.watch.ignore,
      onBatch: (changes) => this.onChanges(changes),
      onError: (error) =>
        this.ctx.emit({ type: 'warning', warning: { message: `watcher: ${error.message}` } }),
    });
    this.isWatching = true;
    this.ctx.emit({ type: 'watcher.ready', root: this.root, watched: this.watcher.watched });
  }

  private testFiles(): string[] {
    return this.project.tests.map((test) => test.file);
  }

  private onChanges(changes: FileChange[]): void {
    if (this.closed) return;
    this.ctx.emit({ type: 'files.changed', files: changes.map((change) => change.path) });
    if (!this.isWatching) return;
    const pending = this.takePendingForUpdate();
    for (const change of changes) pending.changes.set(change.path, change.kind);
    pending.reasons.push('change');
    this.kick();
  }

  /** The pending run to add to; a run in progress is cancelled (its unfinished files carry over). */
  private takePendingForUpdate(): PendingRun {
    this.pending ??= emptyPending();
    if (this.current && !this.current.cancelled) void this.current.cancel('superseded by a newer change');
    return this.pending;
  }

  private kick(): void {
    if (this.loop) return;
    this.loop = (async () => {
      try {
        while (this.pending && !this.closed) {
          const next = this.pending;
          this.pending = undefined;
          await this.runPending(next);
        }
      } catch (error) {
        // Watch mode keeps going: the next change starts a new run.
        const message = error instanceof Error ? error.message : String(error);
        const hint = isDevenvError(error) && error.hint ? ` (${error.hint})` : '';
        this.ctx.emit({ type: 'warning', warning: { message: `test run failed: ${message}${hint}` } });
      } finally {
        this.loop = undefined;
      }
    })();
  }

  /** Selection for a pending run: changes through the affected-test rules, plus carried and explicit files. */
  private async select(
    pending: PendingRun,
  ): Promise<{ selected: SelectedTestFile[]; trigger: TestTrigger; actions: TriggeredAction[] }> {
    const changed = [...pending.changes.keys()].sort();
    const selected = new Map<string, SelectedTestFile>();
    let actions: TriggeredAction[] = [];
    if (changed.length > 0) {
      const reload =
        this.runner.reload !== undefined &&
        changed.some((file) => isRunnerConfig(file, this.config.tests.vitestConfig));
      if (reload) await this.runner.reload?.();
      else this.runner.invalidate(changed);
      if (reload || [...pending.changes.values()].some((kind) => kind !== 'changed')) {
        const composeFiles = this.project.composeFiles;
        this.project = await discoverProjectTests(this.runner, this.config, composeFiles);
      }
      const importChains = await this.runner.importChains(changed, this.testFiles());
      const affected = selectAffectedTests({
        changed,
        tests: this.project.tests,
        rules: this.project.rules,
        importChains,
        fullRunFiles: this.project.fullRunFiles,
      });
      mergeSelected(selected, affected.selected);
      actions = affected.actions;
    }
    const known = new Set(this.testFiles());
    mergeSelected(
      selected,
      [...pending.explicit.values()].filter((file) => known.has(file.file)),
    );
    mergeSelected(
      selected,
      [...pending.carried.values()].filter((file) => known.has(file.file)),
    );
    const reasons = [...new Set(pending.reasons)];
    return {
      selected: [...selected.values()]
        .filter((file) => this.kinds.has(file.kind))
        .sort((a, b) => a.file.localeCompare(b.file)),
      trigger: { files: changed, reason: reasons.join(', ') || 'change' },
      actions,
    };
  }

  private async applyActions(actions: TriggeredAction[]): Promise<void> {
    for (const action of actions) {
      if (action.action === 'rebuild-test-database') {
        if (this.provider) {
          this.provider.invalidate();
          this.ctx.emit({
            type: 'info',
            message: `${action.files.join(', ')} changed: the test database is rebuilt before the next integration run`,
          });
        }
      } else if (action.action === 'reconcile-stack') {
        if (this.options.onReconcileStack) await this.options.onReconcileStack(action.files);
        else
          this.ctx.emit({
            type: 'info',
            message: `${action.files.join(', ')} changed: run \`devenv up\` to apply it to the stack`,
          });
      }
    }
  }

  private async runPending(pending: PendingRun): Promise<void> {
    const { selected, trigger, actions } = await this.select(pending);
    await this.applyActions(actions);
    if (selected.length === 0) {
      if (trigger.files.length > 0)
        this.ctx.emit({ type: 'info', message: `no tests affected by ${trigger.files.join(', ')}` });
      return;
    }
    const outcome = await this.execute(trigger, selected);
    if (outcome.cancelled) {
      const finished = new Set(outcome.files.map((file) => file.file));
      this.pending ??= emptyPending();
      mergeSelected(
        this.pending.carried,
        selected.filter((file) => !finished.has(file.file)),
      );
    }
  }

  /** The host environment for integration tests, or why there is none. */
  private async integrationEnv(): Promise<{ env: Record<string, string> } | { missing: DevenvError }> {
    if (this.project.composeFiles.length === 0) return { env: {} };
    try {
      return { env: await stackEnvironment(this.ctx, this.options.stack ?? {}) };
    } catch (error) {
      if (isDevenvError(error) && error.code === 'STACK_NOT_FOUND') {
        return {
          missing: new DevenvError(
            'STACK_NOT_FOUND',
            `Integration tests need the stack, and it is not running. (${error.message})`,
            { hint: 'Start it with `devenv up -d` (or run only unit tests: devenv test --unit).' },
          ),
        };
      }
      throw error;
    }
  }

  /** One run: started, a result per file, then finished (or cancelled). */
  async execute(trigger: TestTrigger, selected: SelectedTestFile[]): Promise<RunOutcome> {
    this.runCount += 1;
    const runId = `run-${this.runCount}`;
    const abort = new AbortController();
    const run = {
      runId,
      cancelled: false,
      started: false,
      cancel: async (reason: string) => {
        if (run.cancelled) return;
        run.cancelled = true;
        abort.abort();
        if (run.started) this.ctx.emit({ type: 'test.run.cancelled', runId, reason });
        await this.runner.cancel();
      },
    };
    this.current = run;
    const started = this.ctx.clock.now();
    const results = new Map<string, TestFileResult>();
    const skipped = new Set<string>();
    let lease: TestDatabaseLease | undefined;
    try {
      const integration = selected.filter((file) => file.kind === 'integration');
      let integrationEnv: Record<string, string> | undefined;
      if (integration.length > 0) {
        const answer = await this.integrationEnv();
        if ('missing' in answer) {
          if (this.options.missingStack === 'error') throw answer.missing;
          this.ctx.emit({
            type: 'info',
            message: `${integration.length} integration test file(s) skipped: the stack is not running (start it with \`devenv up -d\`)`,
          });
          for (const file of integration) skipped.add(file.file);
        } else integrationEnv = answer.env;
      }
      if (run.cancelled)
        return { runId, cancelled: true, counts: { passed: 0, failed: 0, skipped: 0 }, files: [] };
      run.started = true;
      this.ctx.emit({ type: 'test.run.started', runId, trigger, selected });
      if (integrationEnv && this.provider && this.project.composeFiles.length > 0 && !run.cancelled) {
        lease = await this.provider.lease(runId, abort.signal);
        integrationEnv = { ...integrationEnv, ...lease.env };
      }
      const kindOf = new Map(selected.map((file) => [file.file, file.kind]));
      const files = selected
        .filter((file) => !skipped.has(file.file))
        .map((file) => ({ file: file.file, env: file.kind === 'integration' ? (integrationEnv ?? {}) : {} }));
      if (files.length > 0 && !run.cancelled) {
        await this.runner.run({
          files,
          onFileResult: (result) => {
            if (run.cancelled) return;
            const full: TestFileResult = { ...result, kind: kindOf.get(result.file) ?? 'unit' };
            results.set(result.file, full);
            this.ctx.emit({ type: 'test.file.result', runId, result: full });
          },
        });
      }
    } finally {
      if (lease) await lease.release().catch(() => undefined);
      if (this.current === run) this.current = undefined;
    }
    const files = selected
      .filter((file) => results.has(file.file) || !run.cancelled)
      .map((file) => ({ file: file.file, state: results.get(file.file)?.state ?? ('skip' as TestState) }));
    const counts: TestCounts = { passed: 0, failed: 0, skipped: 0 };
    for (const result of results.values()) {
      counts.passed += result.tests.passed;
      counts.failed += result.tests.failed;
      counts.skipped += result.tests.skipped;
    }
    if (run.cancelled)
      return { runId, cancelled: true, counts, files: files.filter((f) => results.has(f.file)) };
    for (const file of selected) {
      const state = results.get(file.file)?.state;
      if (state) this.lastStates.set(file.file, { state, kind: file.kind });
    }
    this.ctx.emit({
      type: 'test.run.finished',
      runId,
      counts,
      durationMs: this.ctx.clock.now() - started,
      files,
    });
    return { runId, cancelled: false, counts, files };
  }

  private request(selected: SelectedTestFile[], reason: string): Promise<void> {
    const pending = this.takePendingForUpdate();
    mergeSelected(pending.explicit, selected);
    pending.reasons.push(reason);
    this.kick();
    return this.idle();
  }

  runAll(): Promise<void> {
    return this.request(selectAllTests(this.project.tests, 'run all'), 'run all');
  }

  rerunFailed(): Promise<void> {
    const failed = [...this.lastStates.entries()]
      .filter(([, { state }]) => state === 'fail')
      .map(([file, { kind }]) => ({ file, kind, reasons: ['failed in the last run'] }));
    if (failed.length === 0) {
      this.ctx.emit({ type: 'info', message: 'no failed tests to rerun' });
      return Promise.resolve();
    }
    return this.request(failed, 'rerun failed');
  }

  setWatching(on: boolean): void {
    this.isWatching = on && this.watcher !== undefined;
  }

  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  /** Runs one selection to the end (run-once mode): errors propagate. */
  async runOnce(trigger: TestTrigger, selected: SelectedTestFile[]): Promise<RunOutcome> {
    return this.execute(trigger, selected);
  }

  /** Selection for explicit files or a git diff, for `devenv test`. */
  async selectForFiles(
    files: string[],
    reason: string,
  ): Promise<{ selected: SelectedTestFile[]; trigger: TestTrigger }> {
    const pending = emptyPending();
    for (const file of files) pending.changes.set(relativeTo(this.root, file), 'changed');
    pending.reasons.push(reason);
    const { selected, trigger, actions } = await this.select(pending);
    await this.applyActions(actions);
    return { selected, trigger };
  }

  selectAll(reason: string): SelectedTestFile[] {
    return selectAllTests(this.project.tests, reason).filter((file) => this.kinds.has(file.kind));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.isWatching = false;
    await this.watcher?.close();
    this.pending = undefined;
    if (this.current) await this.current.cancel('session closed');
    await this.idle();
    await this.runner.close();
  }
}

async function openSession(ctx: AppContext, options: TestSessionOptions): Promise<Session> {
  const config = options.config ?? loadDevenvConfig(ctx.cwd);
  const runnerOptions = {
    root: ctx.cwd,
    ...(config.tests.vitestConfig === undefined ? {} : { configFile: config.tests.vitestConfig }),
    ...(options.cancelGraceMs === undefined ? {} : { cancelGraceMs: options.cancelGraceMs }),
  };
  const runner =
    options.runner ??
    (options.runnerHost === 'worker'
      ? await startVitestRunnerProcess(runnerOptions)
      : await startVitestRunner(runnerOptions));
  const session = new Session(ctx, runner, config, options);
  try {
    await session.init();
  } catch (error) {
    await runner.close();
    throw error;
  }
  return session;
}

/**
 * Starts watch mode: a warm runner and the project watcher. Emits
 * watcher.ready when edits will be seen; each batch of changes then runs the
 * affected tests. Close the returned controller to stop.
 */
export async function startTestSession(
  ctx: AppContext,
  options: TestSessionOptions = {},
): Promise<TestSession> {
  const session = await openSession(ctx, options);
  try {
    await session.startWatching();
  } catch (error) {
    await session.close();
    throw error;
  }
  if (options.runAllOnStart) void session.runAll();
  return session;
}

export interface RunTestsOnceOptions extends TestSessionOptions {
  /** Run the tests affected by these files (relative to ctx.cwd) instead of every test. */
  files?: string[];
  /** Run the tests affected by these changed files (from git), with the reason shown. */
  changed?: { files: string[]; reason: string };
}

/**
 * `devenv test`: one run of every test (of the chosen kinds), or of those
 * affected by the given files. Resolves with the run's outcome; a run with no
 * selected tests is a pass.
 */
export async function runTestsOnce(ctx: AppContext, options: RunTestsOnceOptions = {}): Promise<RunOutcome> {
  const session = await openSession(ctx, options);
  const onAbort = () => void session.close();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    let selection: { selected: SelectedTestFile[]; trigger: TestTrigger };
    if (options.changed)
      selection = await session.selectForFiles(options.changed.files, options.changed.reason);
    else if (options.files && options.files.length > 0)
      selection = await session.selectForFiles(options.files, 'files named on the command line');
    else
      selection = {
        selected: session.selectAll('devenv test'),
        trigger: { files: [], reason: 'devenv test' },
      };
    if (selection.selected.length === 0) {
      ctx.emit({
        type: 'info',
        message:
          selection.trigger.files.length > 0
            ? `no tests affected by ${selection.trigger.files.join(', ')}`
            : 'no test files found',
      });
      return { runId: 'none', cancelled: false, counts: { passed: 0, failed: 0, skipped: 0 }, files: [] };
    }
    const outcome = await session.runOnce(selection.trigger, selection.selected);
    if (ctx.signal.aborted) throw new DevenvError('INTERRUPTED', 'Test run interrupted.');
    return outcome;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    await session.close();
  }
}

/**
 * The test-run scheduler of watch mode (in the spirit of vitest's
 * VitestWatcher): one run at a time. Changes and requests (run all, rerun
 * failed) gather in one pending run; a change during a run cancels it, and
 * the next run covers the new changes plus whatever the cancelled run had not
 * finished, so results never pile up or interleave.
 */
import type { TestRunner } from '../../contracts/test-runner.js';
import type { FileChange } from '../../core/affected/file-events.js';
import { selectAllTests, type TriggeredAction } from '../../core/affected/select-tests.js';
import { isDevenvError } from '../../core/errors.js';
import {
  addChanges,
  addExplicit,
  carryOver,
  emptyPending,
  type PendingRun,
} from '../../core/testing/pending-run.js';
import type {
  SelectedTestFile,
  TestFileResult,
  TestKind,
  TestState,
  TestTrigger,
} from '../../core/testing/test-model.js';
import type { AppContext } from '../context.js';
import type { ProjectTests } from './project-tests.js';
import type { IntegrationEnvironment } from './integration-environment.js';
import type { TestController } from './test-controller.js';
import { TestRun, type RunOutcome } from './test-run.js';
import type { TestSelection } from './test-selection.js';
import { relativePosix } from '../../core/paths/posix-path.js';

export interface TestSchedulerParts {
  runner: TestRunner;
  selection: TestSelection;
  environment: IntegrationEnvironment;
  /** Called when the compose template changed (a reconcile-stack trigger); default: an info event. */
  onReconcileStack?: (files: string[]) => void | Promise<void>;
  /** A run with no progress this long ends as stalled (devenv.yaml tests.stallTimeout); undefined: never. */
  stallTimeoutMs?: number;
}

const relativeTo = relativePosix;

export class TestRunScheduler implements TestController {
  private pending: PendingRun | undefined;
  private current: TestRun | undefined;
  private loop: Promise<void> | undefined;
  private runCount = 0;
  private closed = false;
  private watcher: { close(): Promise<void> } | undefined;
  private isWatching = false;
  private readonly lastStates = new Map<string, { state: TestState; kind: TestKind }>();

  constructor(
    private readonly ctx: AppContext,
    private readonly parts: TestSchedulerParts,
  ) {}

  get root(): string {
    return this.parts.runner.root;
  }

  get watching(): boolean {
    return this.isWatching;
  }

  /** From now on, batches passed to onChanges start runs; the watcher is closed with the scheduler. */
  watchWith(watcher: { close(): Promise<void> }): void {
    this.watcher = watcher;
    this.isWatching = true;
  }

  /** A batch of changed files from the watcher. */
  onChanges(changes: FileChange[]): void {
    if (this.closed) return;
    this.ctx.emit({ type: 'files.changed', files: changes.map((change) => change.path) });
    if (!this.isWatching) return;
    addChanges(this.pendingForUpdate(), changes, 'change');
    this.kick();
  }

  runAll(): Promise<void> {
    return this.request(selectAllTests(this.parts.selection.project.tests, 'run all'), 'run all');
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

  /** Settles when the current run and queued runs are done (for tests and one-off use). */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  /** Runs one selection to the end (run-once mode): errors propagate. */
  runOnce(
    trigger: TestTrigger,
    selected: SelectedTestFile[],
    distance: ReadonlyMap<string, number> = new Map(),
  ): Promise<RunOutcome> {
    return this.execute(trigger, selected, distance);
  }

  /** Selection for explicit files or a git diff, for `devenv test`. */
  async selectForFiles(
    files: string[],
    reason: string,
  ): Promise<{ selected: SelectedTestFile[]; trigger: TestTrigger; distance: ReadonlyMap<string, number> }> {
    const changes = files.map((file) => ({ path: relativeTo(this.root, file), kind: 'changed' as const }));
    const pending = emptyPending();
    addChanges(pending, changes, reason);
    const { selected, trigger, actions, distance } = await this.parts.selection.select(pending);
    await this.applyActions(actions);
    return { selected, trigger, distance };
  }

  /** The project's test files as last discovered, with their kinds. */
  projectTests(): ProjectTests {
    return this.parts.selection.project;
  }

  selectAll(reason: string): SelectedTestFile[] {
    return this.parts.selection.all(reason);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.isWatching = false;
    await this.watcher?.close();
    this.pending = undefined;
    if (this.current) await this.current.cancel('session closed');
    await this.idle();
    await this.parts.environment.close().catch(() => undefined);
    await this.parts.runner.close();
  }

  private request(selected: SelectedTestFile[], reason: string): Promise<void> {
    addExplicit(this.pendingForUpdate(), selected, reason);
    this.kick();
    return this.idle();
  }

  /** The pending run to add to; a run in progress is cancelled (its unfinished files carry over). */
  private pendingForUpdate(): PendingRun {
    this.pending ??= emptyPending();
    if (this.current && !this.current.isCancelled) void this.current.cancel('superseded by a newer change');
    return this.pending;
  }

  /** Starts the loop that runs pending runs one after another, unless it is running. */
  private kick(): void {
    if (this.loop) return;
    this.loop = (async () => {
      try {
        while (this.pending && !this.closed) {
          const next = this.pending;
          this.pending = undefined;
          try {
            await this.runPending(next);
          } catch (error) {
            // Watch mode keeps going: changes that came during the failed run still get their run.
            const message = error instanceof Error ? error.message : String(error);
            const hint = isDevenvError(error) && error.hint ? ` (${error.hint})` : '';
            this.ctx.emit({ type: 'warning', warning: { message: `test run failed: ${message}${hint}` } });
          }
        }
      } finally {
        this.loop = undefined;
      }
    })();
  }

  private async runPending(pending: PendingRun): Promise<void> {
    const { selected, trigger, actions, distance } = await this.parts.selection.select(pending);
    await this.applyActions(actions);
    if (selected.length === 0) {
      if (trigger.files.length > 0)
        this.ctx.emit({ type: 'info', message: `no tests affected by ${trigger.files.join(', ')}` });
      return;
    }
    const outcome = await this.execute(trigger, selected, distance);
    if (outcome.cancelled) {
      this.pending ??= emptyPending();
      carryOver(this.pending, selected, new Set(outcome.files.map((file) => file.file)));
    }
  }

  private async applyActions(actions: TriggeredAction[]): Promise<void> {
    for (const action of actions) {
      if (action.action === 'rebuild-test-database') this.parts.environment.invalidateDatabase(action.files);
      else if (action.action === 'reconcile-stack') {
        if (this.parts.onReconcileStack) await this.parts.onReconcileStack(action.files);
        else
          this.ctx.emit({
            type: 'info',
            message: `${action.files.join(', ')} changed: run \`devenv up\` to apply it to the stack`,
          });
      }
    }
  }

  private async execute(
    trigger: TestTrigger,
    selected: SelectedTestFile[],
    distance: ReadonlyMap<string, number> = new Map(),
  ): Promise<RunOutcome> {
    this.runCount += 1;
    const run = new TestRun(`run-${this.runCount}`, {
      ctx: this.ctx,
      runner: this.parts.runner,
      environment: this.parts.environment,
      remember: (files, results) => this.remember(files, results),
      ...(this.parts.stallTimeoutMs === undefined ? {} : { stallTimeoutMs: this.parts.stallTimeoutMs }),
    });
    this.current = run;
    try {
      return await run.execute(trigger, selected, distance);
    } finally {
      if (this.current === run) this.current = undefined;
    }
  }

  /** Each file's state in the last finished run, for rerunFailed. */
  private remember(
    selected: readonly SelectedTestFile[],
    results: ReadonlyMap<string, TestFileResult>,
  ): void {
    for (const file of selected) {
      const state = results.get(file.file)?.state;
      if (state) this.lastStates.set(file.file, { state, kind: file.kind });
    }
  }
}

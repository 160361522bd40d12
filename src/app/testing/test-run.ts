/**
 * One test run, from start to end: the integration environment, the
 * `test.run.started` event, a result per file, then `test.run.finished` (or
 * `test.run.cancelled`). A cancelled run reports nothing more, and its
 * outcome lists only the files that finished (the scheduler carries the
 * others over to the next run). Errors outside tests (a worker that died,
 * an unhandled error) are `test.run.error` events; a run with no progress
 * for the stall timeout is ended as a `stall` error (its workers killed),
 * an outcome like a crash, not an exception.
 */
import type { TestRunner, RunnerFileResult, RunnerProgress } from '../../contracts/test-runner.js';
import { countTests, fileStates } from '../../core/testing/run-summary.js';
import { StallWatch } from '../../core/testing/stall-watch.js';
import type {
  SelectedTestFile,
  TestCounts,
  TestFileResult,
  TestKind,
  TestRunError,
  TestState,
  TestTrigger,
} from '../../core/testing/test-model.js';
import type { AppContext } from '../context.js';
import { runOrder } from '../../core/testing/run-order.js';
import type { IntegrationEnvironment, StackEnvAnswer } from './integration-environment.js';

export interface RunOutcome {
  runId: string;
  cancelled: boolean;
  counts: TestCounts;
  files: { file: string; state: TestState }[];
  /** Errors outside tests (crash, unhandled, stall); any of them fails the run. */
  errors?: TestRunError[];
}

export interface TestRunDeps {
  ctx: AppContext;
  runner: TestRunner;
  environment: IntegrationEnvironment;
  /** Called with a finished (not cancelled) run's results, before test.run.finished. */
  remember(selected: readonly SelectedTestFile[], results: ReadonlyMap<string, TestFileResult>): void;
  /** A run with no progress this long is ended as stalled; undefined: never. */
  stallTimeoutMs?: number;
}

export class TestRun {
  private cancelled = false;
  private started = false;
  /** Results are final (test.run.finished is being emitted): too late to cancel. */
  private ended = false;
  private readonly abort = new AbortController();
  private readonly results = new Map<string, TestFileResult>();
  private startedAt = 0;
  /** When the first failing file reported, from the run's start (ms). */
  private firstFailureMs: number | undefined;
  private readonly errors: TestRunError[] = [];
  /** Set while the runner runs, when a stall timeout is configured. */
  private stallWatch: StallWatch | undefined;
  /** The run stalled: what the runner reports after that is dropped. */
  private stalled = false;
  /** Files left out on purpose (integration files without a running stack): skip, not not-run. */
  private skipped = new Set<string>();

  constructor(
    readonly runId: string,
    private readonly deps: TestRunDeps,
  ) {}

  get isCancelled(): boolean {
    return this.cancelled;
  }

  /** Stops the run: its lease and runner are told, and `test.run.cancelled` is emitted if it had started. */
  async cancel(reason: string): Promise<void> {
    if (this.cancelled || this.ended) return;
    this.cancelled = true;
    this.abort.abort();
    if (this.started) this.deps.ctx.emit({ type: 'test.run.cancelled', runId: this.runId, reason });
    await this.deps.runner.cancel();
  }

  /** Runs the selected files, nearest to the change first (`distance`, see TestSelection), to fail early. */
  async execute(
    trigger: TestTrigger,
    selected: SelectedTestFile[],
    distance: ReadonlyMap<string, number> = new Map(),
  ): Promise<RunOutcome> {
    const startedAt = this.deps.ctx.clock.now();
    this.startedAt = startedAt;
    const stackEnv = await this.stackEnv(selected);
    if (this.cancelled) return { runId: this.runId, cancelled: true, counts: countTests([]), files: [] };
    this.start(trigger, selected);
    await this.runFiles(runOrder(selected, distance), stackEnv);
    return this.finish(selected, startedAt);
  }

  /** The stack's environment for the run's integration files, if it has any. */
  private async stackEnv(selected: readonly SelectedTestFile[]): Promise<StackEnvAnswer | undefined> {
    const integration = selected.filter((file) => file.kind === 'integration');
    if (integration.length === 0) return undefined;
    return this.deps.environment.stackEnv(integration);
  }

  private start(trigger: TestTrigger, selected: SelectedTestFile[]): void {
    this.started = true;
    this.deps.ctx.emit({ type: 'test.run.started', runId: this.runId, trigger, selected });
  }

  /** Leases a test database for integration files, runs every file not skipped, gives the database back. */
  private async runFiles(
    selected: readonly SelectedTestFile[],
    stackEnv: StackEnvAnswer | undefined,
  ): Promise<void> {
    const skipped = new Set(stackEnv && 'skipped' in stackEnv ? stackEnv.skipped : []);
    this.skipped = skipped;
    let database: { env: Record<string, string>; release(): Promise<void> } | undefined;
    try {
      if (stackEnv && 'env' in stackEnv && !this.cancelled) database = await this.leaseDatabase(stackEnv.env);
      const integrationEnv = database?.env ?? {};
      const files = selected
        .filter((file) => !skipped.has(file.file))
        .map((file) => ({ file: file.file, env: file.kind === 'integration' ? integrationEnv : {} }));
      if (files.length === 0 || this.cancelled) return;
      const kinds = new Map(selected.map((file) => [file.file, file.kind]));
      const stopWatching = this.watchForStall();
      try {
        await this.deps.runner.run({
          files,
          onFileResult: (result) => this.record(result, kinds),
          onRunError: (error) => this.reportError(error),
          onProgress: (progress) => this.progressed(progress),
        });
      } finally {
        stopWatching();
      }
    } finally {
      if (database) await database.release().catch(() => undefined);
    }
  }

  /** A test database for the run; undefined when the run was cancelled while it waited (the lease's error is the cancellation's). */
  private async leaseDatabase(
    env: Record<string, string>,
  ): Promise<{ env: Record<string, string>; release(): Promise<void> } | undefined> {
    try {
      return await this.deps.environment.withDatabase(env, this.runId, this.abort.signal);
    } catch (error) {
      if (this.cancelled) return undefined;
      throw error;
    }
  }

  /**
   * Checks for a stall each time the clock could have run out (the deadline
   * moves with each progress), until the runner's run ends.
   */
  private watchForStall(): () => void {
    const timeoutMs = this.deps.stallTimeoutMs;
    if (timeoutMs === undefined || timeoutMs <= 0) return () => undefined;
    const clock = this.deps.ctx.clock;
    const watch = new StallWatch(timeoutMs, clock.now());
    this.stallWatch = watch;
    let timer: NodeJS.Timeout | undefined;
    const check = () => {
      if (this.cancelled || this.stalled) return;
      const now = clock.now();
      if (watch.stalled(now)) void this.stall(watch, now);
      else timer = setTimeout(check, watch.remainingMs(now));
    };
    timer = setTimeout(check, timeoutMs);
    return () => {
      clearTimeout(timer);
      this.stallWatch = undefined;
    };
  }

  /** Ends a stalled run: a `stall` error naming the files in flight, then the runner's workers are killed. */
  private async stall(watch: StallWatch, now: number): Promise<void> {
    const files = watch.runningFiles();
    this.reportError({
      kind: 'stall',
      message: `no test progress for ${Math.round(watch.idleMs(now) / 1000)} s (tests.stallTimeout ${Math.round(watch.timeoutMs / 1000)} s)${files.length > 0 ? `; still running: ${files.join(', ')}` : ''}; its test workers were stopped`,
      files,
    });
    this.stalled = true;
    const { runner } = this.deps;
    await (runner.abandon ? runner.abandon() : runner.cancel()).catch(() => undefined);
  }

  private progressed(progress: RunnerProgress): void {
    const now = this.deps.ctx.clock.now();
    if (progress.kind === 'file-started') this.stallWatch?.fileStarted(progress.file, now);
    else this.stallWatch?.progressed(now);
  }

  private reportError(error: TestRunError): void {
    if (this.cancelled || this.stalled) return;
    this.errors.push(error);
    this.deps.ctx.emit({ type: 'test.run.error', runId: this.runId, ...error });
  }

  private record(result: RunnerFileResult, kinds: ReadonlyMap<string, TestKind>): void {
    if (this.cancelled || this.stalled) return;
    this.stallWatch?.fileEnded(result.file, this.deps.ctx.clock.now());
    const full: TestFileResult = { ...result, kind: kinds.get(result.file) ?? 'unit' };
    if (full.state === 'fail' && this.firstFailureMs === undefined)
      this.firstFailureMs = this.deps.ctx.clock.now() - this.startedAt;
    this.results.set(result.file, full);
    this.deps.ctx.emit({ type: 'test.file.result', runId: this.runId, result: full });
  }

  private finish(selected: readonly SelectedTestFile[], startedAt: number): RunOutcome {
    const counts = countTests(this.results.values());
    const files = fileStates(selected, this.results, this.cancelled, this.errors, this.skipped);
    if (this.cancelled) return { runId: this.runId, cancelled: true, counts, files };
    this.ended = true;
    this.deps.remember(selected, this.results);
    this.deps.ctx.emit({
      type: 'test.run.finished',
      runId: this.runId,
      counts,
      durationMs: this.deps.ctx.clock.now() - startedAt,
      ...(this.firstFailureMs === undefined ? {} : { firstFailureMs: this.firstFailureMs }),
      files,
      ...(this.errors.length > 0 ? { errors: this.errors.length } : {}),
    });
    return {
      runId: this.runId,
      cancelled: false,
      counts,
      files,
      ...(this.errors.length > 0 ? { errors: [...this.errors] } : {}),
    };
  }
}

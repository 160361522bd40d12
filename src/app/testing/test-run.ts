/**
 * One test run, from start to end: the integration environment, the
 * `test.run.started` event, a result per file, then `test.run.finished` (or
 * `test.run.cancelled`). A cancelled run reports nothing more, and its
 * outcome lists only the files that finished (the scheduler carries the
 * others over to the next run).
 */
import type { TestRunner, RunnerFileResult } from '../../contracts/test-runner.js';
import { countTests, fileStates } from '../../core/testing/run-summary.js';
import type {
  SelectedTestFile,
  TestCounts,
  TestFileResult,
  TestKind,
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
}

export interface TestRunDeps {
  ctx: AppContext;
  runner: TestRunner;
  environment: IntegrationEnvironment;
  /** Called with a finished (not cancelled) run's results, before test.run.finished. */
  remember(selected: readonly SelectedTestFile[], results: ReadonlyMap<string, TestFileResult>): void;
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
    let database: { env: Record<string, string>; release(): Promise<void> } | undefined;
    try {
      if (stackEnv && 'env' in stackEnv && !this.cancelled)
        database = await this.deps.environment.withDatabase(stackEnv.env, this.runId, this.abort.signal);
      const integrationEnv = database?.env ?? {};
      const files = selected
        .filter((file) => !skipped.has(file.file))
        .map((file) => ({ file: file.file, env: file.kind === 'integration' ? integrationEnv : {} }));
      if (files.length === 0 || this.cancelled) return;
      const kinds = new Map(selected.map((file) => [file.file, file.kind]));
      await this.deps.runner.run({ files, onFileResult: (result) => this.record(result, kinds) });
    } finally {
      if (database) await database.release().catch(() => undefined);
    }
  }

  private record(result: RunnerFileResult, kinds: ReadonlyMap<string, TestKind>): void {
    if (this.cancelled) return;
    const full: TestFileResult = { ...result, kind: kinds.get(result.file) ?? 'unit' };
    if (full.state === 'fail' && this.firstFailureMs === undefined)
      this.firstFailureMs = this.deps.ctx.clock.now() - this.startedAt;
    this.results.set(result.file, full);
    this.deps.ctx.emit({ type: 'test.file.result', runId: this.runId, result: full });
  }

  private finish(selected: readonly SelectedTestFile[], startedAt: number): RunOutcome {
    const counts = countTests(this.results.values());
    const files = fileStates(selected, this.results, this.cancelled);
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
    });
    return { runId: this.runId, cancelled: false, counts, files };
  }
}

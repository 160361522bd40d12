/**
 * An in-memory TestRunner: the test decides which test files exist, what
 * each imports, and when each file reports and each run ends (promises the
 * test resolves, never timers). Cancel ends the run in progress at once, as
 * vitest's does after its grace period; results reported after that still
 * reach the scheduler, which must drop them.
 */
import type { RunnerFileResult, RunnerRequest, TestRunner } from '../../../src/contracts/test-runner.js';
import type { DiscoveredTestFile } from '../../../src/core/affected/test-kinds.js';
import type { ImportChain } from '../../../src/core/affected/select-tests.js';
import type { TestRunError, TestState } from '../../../src/core/testing/test-model.js';

/** One call of run(), driven by the test. */
export class FakeRun {
  private finish!: (value: { cancelled: boolean }) => void;
  readonly done: Promise<{ cancelled: boolean }>;
  cancelled = false;
  ended = false;

  constructor(private readonly request: RunnerRequest) {
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  /** The files asked for, in order. */
  get files(): string[] {
    return this.request.files.map((entry) => entry.file);
  }

  /** The environment the run was given for a file. */
  envOf(file: string): Record<string, string> | undefined {
    return this.request.files.find((entry) => entry.file === file)?.env;
  }

  /** A file finished with one test in the given state (or a full result). */
  report(file: string, state: TestState = 'pass', result: Partial<RunnerFileResult> = {}): void {
    this.request.onFileResult({
      file,
      state,
      durationMs: 1,
      tests: {
        passed: state === 'pass' ? 1 : 0,
        failed: state === 'fail' ? 1 : 0,
        skipped: state === 'skip' ? 1 : 0,
      },
      failures: state === 'fail' ? [{ test: `${file} > fails`, message: 'expected 1 to be 2' }] : [],
      ...result,
    });
  }

  /** A file went to a worker (the stall clock's progress). */
  fileStarted(file: string): void {
    this.request.onProgress?.({ kind: 'file-started', file });
  }

  /** An error outside tests, as a worker that died reports it. */
  runError(error: TestRunError): void {
    this.request.onRunError?.(error);
  }

  /** The run ends (files not reported simply have no result). */
  end(): void {
    this.ended = true;
    this.finish({ cancelled: this.cancelled });
  }

  cancel(): void {
    this.cancelled = true;
    this.end();
  }
}

export interface FakeTestRunnerOptions {
  root: string;
  /** Test files with their vitest project ('' for none). */
  files?: readonly (string | DiscoveredTestFile)[];
  /** Test file -> the modules it imports (directly or not). */
  imports?: Record<string, string[]>;
  /** Globs whose change affects every test (the runner's config). */
  fullRunFiles?: string[];
  /** Whether the runner can reload its config (vitest's can). */
  reloadable?: boolean;
}

export class FakeTestRunner implements TestRunner {
  readonly root: string;
  files: DiscoveredTestFile[];
  imports: Record<string, string[]>;
  /** Every call but run() and listTestFiles(), in order: `invalidate a.ts`, `reload`, `cancel`, `close`. */
  readonly calls: string[] = [];
  readonly runs: FakeRun[] = [];
  /** Makes the next run() reject with this error. */
  failNextRun: Error | undefined;
  private current: FakeRun | undefined;
  private readonly waiting: ((run: FakeRun) => void)[] = [];
  private handedOut = 0;
  private readonly configFiles: string[];
  readonly reload?: () => Promise<void>;

  constructor(options: FakeTestRunnerOptions) {
    this.root = options.root;
    this.files = (options.files ?? []).map((file) =>
      typeof file === 'string' ? { file, project: '' } : file,
    );
    this.imports = options.imports ?? {};
    this.configFiles = options.fullRunFiles ?? [];
    if (options.reloadable)
      this.reload = () => {
        this.calls.push('reload');
        return Promise.resolve();
      };
  }

  /** Resolves with the next run() not yet handed out (waiting for it if needed). */
  nextRun(): Promise<FakeRun> {
    const ready = this.runs[this.handedOut];
    if (ready) {
      this.handedOut += 1;
      return Promise.resolve(ready);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  listTestFiles(): Promise<DiscoveredTestFile[]> {
    return Promise.resolve([...this.files]);
  }

  fullRunFiles(): string[] {
    return [...this.configFiles];
  }

  invalidate(files: readonly string[]): void {
    this.calls.push(`invalidate ${files.join(' ')}`);
  }

  importChains(changed: readonly string[], tests: readonly string[]): Promise<Map<string, ImportChain[]>> {
    const chains = new Map<string, ImportChain[]>();
    for (const file of changed) {
      const importers = tests.filter((test) => this.imports[test]?.includes(file));
      if (importers.length > 0)
        chains.set(
          file,
          importers.map((test) => ({ test, chain: [file, test] })),
        );
    }
    return Promise.resolve(chains);
  }

  run(request: RunnerRequest): Promise<{ cancelled: boolean }> {
    if (this.failNextRun) {
      const error = this.failNextRun;
      this.failNextRun = undefined;
      return Promise.reject(error);
    }
    const run = new FakeRun(request);
    this.runs.push(run);
    this.current = run;
    const waiter = this.waiting.shift();
    if (waiter) {
      this.handedOut += 1;
      waiter(run);
    }
    return run.done;
  }

  cancel(): Promise<void> {
    this.calls.push('cancel');
    if (this.current && !this.current.ended) this.current.cancel();
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.calls.push('close');
    return Promise.resolve();
  }
}

/**
 * The TestRunner in a child process: the warm Vitest instance (config,
 * transforms, module graph: some 60 MB) lives in one long-lived worker, so
 * the process that draws the dashboard stays small, and vitest's loading
 * runs beside `up` instead of blocking its event loop. Calls go over IPC;
 * file results stream back as they finish. A worker that dies is replaced
 * on the next call (and re-globs the test files first), so a crash in the
 * test tooling costs one run, not the session. In a project with no test
 * files the worker is let go after the listing and forked again when a
 * listing is next asked for (a file was added).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { DevenvError } from '../../core/errors.js';
import type { DiscoveredTestFile } from '../../core/affected/test-kinds.js';
import type { ImportChain } from '../../core/affected/select-tests.js';
import type {
  RunnerFileResult,
  RunnerProgress,
  RunnerRequest,
  TestRunner,
  TestToolInfo,
} from '../../contracts/test-runner.js';
import type { TestRunError } from '../../core/testing/test-model.js';
import { lastMessageOf, RecentLines } from './run-errors.js';
import type {
  FromWorker,
  ToWorker,
  WireError,
  WorkerCalls,
  WorkerMethod,
  WorkerOptions,
} from './runner-protocol.js';

const WORKER_ENTRY = fileURLToPath(new URL('./runner-worker.js', import.meta.url));
const CLOSE_TIMEOUT_MS = 5000;
/** How long a cancelled run may take to end in the worker before the worker is killed. */
const CANCEL_DEADLINE_MS = 5000;

export interface RunnerProcessOptions extends WorkerOptions {
  /** The worker's own output (vitest's logs, stray prints), line by line. */
  log?: (line: string) => void;
}

function toError(error: WireError): Error {
  if (error.code === undefined) return new Error(error.message);
  return new DevenvError(error.code, error.message, {
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(error.details === undefined ? {} : { details: error.details }),
  });
}

/** What a run call streams back before its result. */
interface RunHandlers {
  onFileResult?: (result: RunnerFileResult) => void;
  onRunError?: (error: TestRunError) => void;
  onProgress?: (progress: RunnerProgress) => void;
}

interface Pending extends RunHandlers {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** One forked worker, from `start` until it exits. */
class Worker {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  exited = false;
  /** Killed because a cancelled run did not end in time: its pending run counts as cancelled. */
  killedByCancel = false;
  /** What the worker and its vitest printed last: why it died, when it does. */
  readonly printed = new RecentLines();
  readonly ready: Promise<{ root: string; fullRunFiles: string[]; tool?: TestToolInfo }>;

  constructor(
    private readonly child: ChildProcess,
    options: RunnerProcessOptions,
  ) {
    const { log, ...workerOptions } = options;
    const print = (line: string) => {
      this.printed.push(line);
      log?.(line);
    };
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', print);
    }
    this.ready = new Promise((resolve, reject) => {
      child.on('message', (message: FromWorker) => {
        switch (message.kind) {
          case 'ready':
            resolve(message);
            return;
          case 'start-failed':
            reject(toError(message.error));
            return;
          case 'log':
            print(message.line);
            return;
          case 'file-result':
            this.pending.get(message.id)?.onFileResult?.(message.result);
            return;
          case 'run-error':
            this.pending.get(message.id)?.onRunError?.(message.error);
            return;
          case 'progress':
            this.pending.get(message.id)?.onProgress?.(message.progress);
            return;
          case 'result':
            this.pending.get(message.id)?.resolve(message.value);
            this.pending.delete(message.id);
            return;
          case 'failure':
            this.pending.get(message.id)?.reject(toError(message.error));
            this.pending.delete(message.id);
        }
      });
      child.on('exit', (code, signal) => {
        this.exited = true;
        const error = new Error(
          `the test worker ended (${signal ?? `exit code ${code ?? '?'}`}); the next run starts a new one`,
        );
        reject(error);
        for (const call of this.pending.values()) call.reject(error);
        this.pending.clear();
      });
    });
    this.ready.catch(() => undefined);
    this.post({ kind: 'start', options: workerOptions });
  }

  post(message: ToWorker): void {
    // A worker that is going away (it disconnects when its start failed) may still look connected: a failed
    // send goes to the callback, not to an unhandled 'error' event; its exit rejects what is pending.
    if (!this.exited && this.child.connected) this.child.send(message, () => undefined);
  }

  call<M extends WorkerMethod>(
    method: M,
    args: WorkerCalls[M]['args'],
    handlers: RunHandlers = {},
  ): Promise<WorkerCalls[M]['result']> {
    if (this.exited) return Promise.reject(new Error('the test worker has ended'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { ...handlers, resolve: resolve as (value: unknown) => void, reject });
      this.post({ kind: 'call', id, method, args } as ToWorker);
    });
  }

  /**
   * Ends the worker now (SIGKILL), with vitest's pool workers under it (its
   * process group): for a worker that no longer answers, or whose tests do
   * not stop (a pool worker in a synchronous loop would outlive its parent).
   */
  async kill(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      if (this.child.pid === undefined) throw new Error('no pid');
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
    await exited;
  }

  /** Asks the worker to close its vitest; kills it if that takes too long. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
    await this.call('close', []).catch(() => undefined);
    await exited;
    clearTimeout(timer);
  }
}

function forkWorker(options: RunnerProcessOptions): Worker {
  const child = fork(WORKER_ENTRY, [], {
    cwd: options.root,
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Its own process group, so kill() also ends vitest's pool workers; the worker ignores Ctrl-C anyway.
    detached: true,
    // Not devenv's own node flags (--inspect, profilers): the worker is a plain node.
    execArgv: [],
  });
  return new Worker(child, options);
}

class ProcessRunner implements TestRunner {
  private fullRun: string[];
  /** A replacement worker that has not listed the test files yet. */
  private needsListing = false;
  /** The run asked for last, until it ends: a cancel reaches it even before it got to the worker. */
  private current: { cancelled: boolean; abandoned: boolean } | undefined;

  constructor(
    private worker: Worker,
    readonly root: string,
    fullRunFiles: string[],
    private readonly options: RunnerProcessOptions,
    readonly tool: TestToolInfo | undefined,
  ) {
    this.fullRun = fullRunFiles;
  }

  /** The worker, forked again if it died or was let go. */
  private async spawned(): Promise<Worker> {
    if (this.worker.exited) {
      this.worker = forkWorker(this.options);
      this.needsListing = true;
    }
    await this.worker.ready;
    return this.worker;
  }

  /** A worker that knows the test files (a new one lists them first). */
  private async live(): Promise<Worker> {
    const worker = await this.spawned();
    if (this.needsListing) await this.listTestFiles();
    return worker;
  }

  async listTestFiles(): Promise<DiscoveredTestFile[]> {
    const worker = await this.spawned();
    const { files, fullRunFiles } = await worker.call('listTestFiles', []);
    this.needsListing = false;
    this.fullRun = fullRunFiles;
    // A project without tests does not keep vitest's memory around: the next listing (a file added) forks again.
    if (files.length === 0) await worker.close();
    return files;
  }

  fullRunFiles(): string[] {
    return this.fullRun;
  }

  invalidate(files: readonly string[]): void {
    // A replacement worker starts with nothing cached: nothing to drop.
    this.worker.post({ kind: 'invalidate', files: [...files] });
  }

  async importChains(
    changed: readonly string[],
    tests: readonly string[],
  ): Promise<Map<string, ImportChain[]>> {
    if (tests.length === 0) return new Map();
    return (await this.live()).call('importChains', [[...changed], [...tests]]);
  }

  async run(request: RunnerRequest): Promise<{ cancelled: boolean }> {
    if (request.files.length === 0) return { cancelled: false };
    const run = { cancelled: false, abandoned: false };
    this.current = run;
    try {
      const worker = await this.live();
      if (run.cancelled) return { cancelled: true };
      if (run.abandoned) return { cancelled: false };
      // Files sent to vitest's workers that have not ended: this worker's, if it dies.
      const inFlight = new Set<string>();
      const printedFrom = worker.printed.mark();
      try {
        return await worker.call('run', [request.files], {
          onFileResult: (result) => {
            inFlight.delete(result.file);
            request.onFileResult(result);
          },
          ...(request.onRunError ? { onRunError: request.onRunError } : {}),
          onProgress: (progress) => {
            if (progress.kind === 'file-started') inFlight.add(progress.file);
            request.onProgress?.(progress);
          },
        });
      } catch (error) {
        if (worker.killedByCancel) return { cancelled: true };
        if (run.abandoned) return { cancelled: false };
        if (!worker.exited) throw error;
        // The worker died mid-run (out of memory, killed): a crash of this run, not an exception; the next call forks a new one.
        const last = lastMessageOf(worker.printed.since(printedFrom));
        request.onRunError?.({
          kind: 'crash',
          message: `${error instanceof Error ? error.message : String(error)}${last === undefined ? '' : `; last message: ${last}`}`,
          files: [...inFlight],
        });
        return { cancelled: false };
      }
    } finally {
      if (this.current === run) this.current = undefined;
    }
  }

  /** A new worker (its vitest reads the config again) on the next call; the old one is closed now. */
  async reload(): Promise<void> {
    await this.worker.close();
    this.needsListing = true;
  }

  /**
   * The worker ends its run itself; one that does not answer in time (its
   * event loop stuck in a synchronous loop, say) is killed, and the next
   * call forks a new one.
   */
  async cancel(): Promise<void> {
    if (this.current) this.current.cancelled = true;
    const worker = this.worker;
    if (worker.exited) return;
    let timer: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      worker.call('cancel', []).then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CANCEL_DEADLINE_MS))),
    ]);
    clearTimeout(timer);
    if (answered) return;
    worker.killedByCancel = true;
    await worker.kill();
  }

  /** Kills the worker (and vitest's pool workers under it); the run resolves, and the next call forks a new one. */
  async abandon(): Promise<void> {
    if (this.current) this.current.abandoned = true;
    await this.worker.kill();
    this.needsListing = true;
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}

/** Forks the test worker and waits until its vitest is loaded. */
export async function startVitestRunnerProcess(options: RunnerProcessOptions): Promise<TestRunner> {
  const worker = forkWorker(options);
  try {
    const { root, fullRunFiles, tool } = await worker.ready;
    return new ProcessRunner(worker, root, fullRunFiles, options, tool);
  } catch (error) {
    await worker.close();
    throw error;
  }
}

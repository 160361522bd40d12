/**
 * What devenv needs of a test runner (implemented by adapters/vitest with
 * vitest's Node API, kept warm between runs; test/support/fakes has an
 * in-memory one). Paths are project-relative POSIX paths.
 */
import type { DiscoveredTestFile } from '../core/affected/test-kinds.js';
import type { ImportChain } from '../core/affected/select-tests.js';
import type { TestCounts, TestFailure, TestRunError, TestState } from '../core/testing/test-model.js';

export interface RunnerFileResult {
  file: string;
  state: TestState;
  durationMs: number;
  tests: TestCounts;
  failures: TestFailure[];
}

export interface RunnerRequest {
  /** Each test file with the environment variables to inject for it (empty for unit tests). */
  files: { file: string; env: Record<string, string> }[];
  /** Called as each test file finishes. */
  onFileResult(result: RunnerFileResult): void;
  /**
   * Called for what goes wrong outside tests: a worker that died (`crash`,
   * naming the files it was running and the runner's last message), an
   * error vitest caught outside any test (`unhandled`).
   */
  onRunError?(error: TestRunError): void;
  /** Called as the run moves: a file went to a worker, or a test started or ended (the stall clock). */
  onProgress?(progress: RunnerProgress): void;
}

/** Which test tool a runner drives, and why that one (users want to know which vitest ran). */
export interface TestToolInfo {
  name: 'vitest';
  version: string;
  /** The project's own install, or the one devenv ships with. */
  source: 'project' | 'devenv';
  /** The directory it was loaded from. */
  location: string;
  /** Why devenv's own was used (the project has none, or an unsupported version). */
  reason?: string;
}
export type RunnerProgress = { kind: 'file-started'; file: string } | { kind: 'test' };

export interface TestRunner {
  /** The project root the runner resolved (paths are relative to it). */
  readonly root: string;
  /** The tool behind this runner, when it drives a real one (fakes need not say). */
  readonly tool?: TestToolInfo;
  /** Every test file the runner's config includes, with its vitest project name (re-read each call). */
  listTestFiles(): Promise<DiscoveredTestFile[]>;
  /** Globs of files whose change affects every test: the runner's config and setup files. */
  fullRunFiles(): string[];
  /** Drops what the runner cached about changed files (call before importChains and run). */
  invalidate(files: readonly string[]): void;
  /** For each changed file, the given tests that import it, with the chain, from the runner's module graph. */
  importChains(changed: readonly string[], tests: readonly string[]): Promise<Map<string, ImportChain[]>>;
  /** Runs the files; resolves when the run ended or was cancelled. */
  run(request: RunnerRequest): Promise<{ cancelled: boolean }>;
  /**
   * Starts over with the runner's config read again (its config file
   * changed). Optional: a runner without it keeps the config it started with.
   */
  reload?(): Promise<void>;
  /** Cancels the run in progress (tests get a short grace period, then their workers are stopped). */
  cancel(): Promise<void>;
  /**
   * Ends the run in progress at once, workers killed (a stalled run: its
   * tests will not stop by asking); the run resolves and the next call starts
   * on fresh workers. Optional: without it a stalled run is cancelled.
   */
  abandon?(): Promise<void>;
  close(): Promise<void>;
}

export interface TestRunnerOptions {
  root: string;
  /** Path of the vitest config (relative to root), when devenv.yaml names one. */
  configFile?: string;
  /** How long tests of a cancelled run may take to stop before their workers are terminated. */
  cancelGraceMs?: number;
}

/**
 * Starts a runner: in a long-lived worker process (watch mode: the dashboard's
 * process stays light) or in this process (one-shot runs).
 */
export type TestRunnerFactory = (
  host: 'worker' | 'in-process',
  options: TestRunnerOptions,
) => Promise<TestRunner>;

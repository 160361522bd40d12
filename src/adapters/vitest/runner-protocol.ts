/**
 * The messages between devenv and its test worker (runner-worker.ts), a
 * child process that holds the warm Vitest instance so the dashboard's
 * process does not carry vitest's memory. Sent over the IPC channel with
 * structured-clone serialization (Maps survive).
 */
import type { DiscoveredTestFile } from '../../core/affected/test-kinds.js';
import type { ImportChain } from '../../core/affected/select-tests.js';
import type { RunnerFileResult, RunnerProgress, TestToolInfo } from '../../contracts/test-runner.js';
import type { TestRunError } from '../../core/testing/test-model.js';
import type { ErrorCode } from '../../core/errors.js';

export interface WorkerOptions {
  root: string;
  configFile?: string;
  cancelGraceMs?: number;
}

export interface WorkerCalls {
  listTestFiles: { args: []; result: { files: DiscoveredTestFile[]; fullRunFiles: string[] } };
  importChains: { args: [changed: string[], tests: string[]]; result: Map<string, ImportChain[]> };
  run: { args: [files: { file: string; env: Record<string, string> }[]]; result: { cancelled: boolean } };
  cancel: { args: []; result: undefined };
  close: { args: []; result: undefined };
}

export type WorkerMethod = keyof WorkerCalls;

/** devenv → worker. */
export type ToWorker =
  | { kind: 'start'; options: WorkerOptions }
  | { kind: 'invalidate'; files: string[] }
  | {
      [M in WorkerMethod]: { kind: 'call'; id: number; method: M; args: WorkerCalls[M]['args'] };
    }[WorkerMethod];

/** An error as it crosses the process boundary. */
export interface WireError {
  message: string;
  code?: ErrorCode;
  hint?: string;
  details?: string[];
}

/** worker → devenv. */
export type FromWorker =
  | { kind: 'ready'; root: string; fullRunFiles: string[]; tool?: TestToolInfo }
  | { kind: 'start-failed'; error: WireError }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'failure'; id: number; error: WireError }
  | { kind: 'file-result'; id: number; result: RunnerFileResult }
  | { kind: 'run-error'; id: number; error: TestRunError }
  | { kind: 'progress'; id: number; progress: RunnerProgress }
  | { kind: 'log'; line: string };

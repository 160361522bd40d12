/**
 * What the dashboard shows, derived from the event stream alone (log lines
 * live in the LogBuffer beside it, outside React).
 */
import type { PublishedPort } from '../../contracts/engine.js';
import type { ServiceTasks } from '../../contracts/stack-backend.js';
import type { SelectedTestFile, TestCounts, TestFailure, TestState, TestTrigger } from '../../app/events.js';

export type ServicePhase =
  'pending' | 'pulling' | 'building' | 'created' | 'starting' | 'ready' | 'failed' | 'stopped' | 'removed';

export type ImageState = 'pulling' | 'building' | 'local' | 'pulled' | 'built';

export interface ServiceRow {
  name: string;
  image?: string;
  imageState?: ImageState;
  container?: string;
  phase: ServicePhase;
  /** Last health reported ("starting", "healthy", "probing", ...). */
  health?: string;
  healthDetail?: string;
  /** How long the last start took to become ready. */
  readyMs?: number;
  ports: PublishedPort[];
  /** Event time of the last start (or of the first sight of a kept container). */
  startedAt?: number;
  /** Starts after the first one in this session. */
  restarts: number;
  failure?: { reason: string; logTail: string[] };
  /** How its last run ended when the engine restarted it (service.restarted). */
  lastExit?: string;
  /** Its stable URL through the preview proxy (stacks brought up with --proxy). */
  url?: string;
  /** Its tasks and the node each runs on (a Swarm stack; service.tasks), latest first said. */
  tasks?: ServiceTasks;
}

export interface LayerProgress {
  status: string;
  current?: number;
  total?: number;
}

/** An image pull or build in progress; removed when the image is ready. */
export interface Transfer {
  service: string;
  kind: 'pull' | 'build';
  image: string;
  status: string;
  /** Pulls: per-layer byte progress. */
  layers: Record<string, LayerProgress>;
  /** Builds: "Step 3/7" */
  step?: { current: number; total: number };
}

export interface FailureView extends TestFailure {
  file: string;
}

export interface TestRunView {
  runId: string;
  trigger: TestTrigger;
  selected: SelectedTestFile[];
  startedAt: number;
  state: 'running' | 'passed' | 'failed' | 'cancelled';
  counts: TestCounts;
  durationMs?: number;
  /** From the run's start to its first failing file (shown as soon as that file reports). */
  firstFailureMs?: number;
  files: { file: string; state: TestState }[];
  /** Failing tests, then errors outside tests (a crash, an unhandled error, a stall) as `(crash)` and so on. */
  failures: FailureView[];
  /** Errors outside tests so far (each is also in failures). */
  errors?: number;
  cancelReason?: string;
}

export interface RunSummary {
  runId: string;
  finishedAt: number;
  state: TestRunView['state'];
  counts: TestCounts;
  durationMs?: number;
}

export interface Banner {
  code: string;
  message: string;
  hint?: string;
  /** The service whose failure this is, when it is one. */
  service?: string;
  time: number;
}

export interface Notice {
  level: 'info' | 'warning';
  message: string;
  time: number;
}

export interface DashboardState {
  environment: string;
  stack?: string;
  project?: string;
  branch?: string;
  owner?: string;
  endpoint?: string;
  /** Set by watcher.ready; the session may override (w). */
  watching: boolean;
  watched?: number;
  services: ServiceRow[];
  transfers: Transfer[];
  /** `tool`: which test tool runs them, e.g. "vitest 3.2.4" (from test.runner). */
  tests: { current?: TestRunView; history: RunSummary[]; tool?: string };
  /** The host environment (`devenv env`), secrets masked. */
  env?: Record<string, string>;
  stackReadyMs?: number;
  banner?: Banner;
  notices: Notice[];
}

export const HISTORY_LENGTH = 5;
export const NOTICE_LENGTH = 5;

export function initialDashboardState(environment = 'dev'): DashboardState {
  return { environment, watching: false, services: [], transfers: [], tests: { history: [] }, notices: [] };
}

/**
 * The dashboard's pure reducer: events in, DashboardState out. Log lines are
 * not state (see LogBuffer); everything else a panel shows comes from here.
 */
import { terminalSafe } from './terminal-text.js';
import type { DevenvEvent } from '../../app/events.js';
import { formatDataCache } from '../format-data-cache.js';
import { formatTestTool } from '../format-test-tool.js';
import { runFailed } from '../../core/testing/run-summary.js';
import {
  HISTORY_LENGTH,
  NOTICE_LENGTH,
  type DashboardState,
  type FailureView,
  type ServiceRow,
  type TestRunView,
  type Transfer,
} from './dashboard-state.js';

export interface ReduceContext {
  /** Masks secrets in a value of the named variable (env) ... */
  maskValue(name: string, value: string): string;
  /** ... and in free text (log tails, messages). */
  maskText(text: string): string;
}

/** Events that only a working engine produces: they clear an "engine unreachable" banner. */
const ENGINE_EVIDENCE = new Set<DevenvEvent['type']>([
  'log',
  'container.started',
  'container.kept',
  'container.stopped',
  'health.changed',
  'service.ready',
  'stack.ready',
  'engine.reconnected',
  'service.tasks',
]);

function newRow(name: string): ServiceRow {
  return { name, phase: 'pending', ports: [], restarts: 0 };
}

function updateService(
  state: DashboardState,
  name: string,
  update: (row: ServiceRow) => ServiceRow,
): DashboardState {
  const index = state.services.findIndex((row) => row.name === name);
  const services = [...state.services];
  if (index < 0) services.push(update(newRow(name)));
  else services[index] = update(services[index]!);
  return { ...state, services };
}

function upsertTransfer(state: DashboardState, transfer: Transfer): DashboardState {
  const others = state.transfers.filter((t) => !(t.service === transfer.service && t.kind === transfer.kind));
  return { ...state, transfers: [...others, transfer] };
}

function notice(state: DashboardState, level: 'info' | 'warning', message: string, time: number) {
  return { ...state, notices: [...state.notices, { level, message, time }].slice(-NOTICE_LENGTH) };
}

function finishRun(state: DashboardState, run: TestRunView, time: number): DashboardState {
  const summary = {
    runId: run.runId,
    finishedAt: time,
    state: run.state,
    counts: run.counts,
    ...(run.durationMs !== undefined ? { durationMs: run.durationMs } : {}),
  };
  return {
    ...state,
    tests: { current: run, history: [...state.tests.history, summary].slice(-HISTORY_LENGTH) },
  };
}

const STEP = /^Step (\d+)\/(\d+)/;

function started(row: ServiceRow, time: number, container: string): ServiceRow {
  const { failure: _failure, ...rest } = row;
  // Another task of the same start (a Swarm service's replicas: `app-1.2 on node2`) is no restart.
  if (row.phase === 'starting' && row.container !== undefined && row.container !== container)
    return { ...rest, container, phase: 'starting' };
  return {
    ...rest,
    container,
    phase: 'starting',
    startedAt: time,
    restarts: row.startedAt !== undefined ? row.restarts + 1 : row.restarts,
  };
}

const UNFINISHED = new Set<ServiceRow['phase']>(['pending', 'pulling', 'building', 'created', 'starting']);

export function reduceEvent(state: DashboardState, event: DevenvEvent, mask: ReduceContext): DashboardState {
  if (state.banner?.code === 'ENGINE_UNREACHABLE' && ENGINE_EVIDENCE.has(event.type)) {
    const { banner: _banner, ...rest } = state;
    state = rest;
  }
  switch (event.type) {
    case 'stack.resolved': {
      const services = event.services.map(
        (name) => state.services.find((row) => row.name === name) ?? newRow(name),
      );
      return {
        ...state,
        stack: event.stack,
        project: event.project,
        branch: event.branch,
        owner: event.owner,
        environment: event.environment,
        endpoint: event.endpoint,
        services,
      };
    }
    case 'engine.reconnected':
      return notice(state, 'info', `engine answers again; following ${event.service}`, event.time);
    case 'warning':
      return notice(state, 'warning', event.warning.message, event.time);
    case 'info':
      return notice(state, 'info', mask.maskText(event.message), event.time);
    case 'data.cache':
      return notice(state, 'info', mask.maskText(`${event.service}: ${formatDataCache(event)}`), event.time);
    case 'stack.waiting':
      return notice(
        state,
        'info',
        `waiting for another devenv process (pid ${event.pid} on ${event.host}) that is changing stack ${event.stack}`,
        event.time,
      );
    case 'image.pulling': {
      const previous = state.transfers.find((t) => t.service === event.service && t.kind === 'pull');
      const layers = { ...previous?.layers };
      const { id, status, current, total } = event.progress;
      if (id !== undefined)
        layers[id] = {
          status,
          ...(current !== undefined ? { current } : {}),
          ...(total !== undefined ? { total } : {}),
        };
      const next = upsertTransfer(state, {
        service: event.service,
        kind: 'pull',
        image: event.image,
        status,
        layers,
      });
      return updateService(next, event.service, (row) => ({
        ...row,
        image: event.image,
        imageState: 'pulling',
        phase: 'pulling',
      }));
    }
    case 'image.building': {
      const previous = state.transfers.find((t) => t.service === event.service && t.kind === 'build');
      const match = STEP.exec(event.progress.status);
      const step = match ? { current: Number(match[1]), total: Number(match[2]) } : previous?.step;
      const status = event.progress.status.trim() || previous?.status || 'building';
      const next = upsertTransfer(state, {
        service: event.service,
        kind: 'build',
        image: event.image,
        status: mask.maskText(status),
        layers: {},
        ...(step ? { step } : {}),
      });
      return updateService(next, event.service, (row) => ({
        ...row,
        image: event.image,
        imageState: 'building',
        phase: 'building',
      }));
    }
    case 'image.ready': {
      const next = { ...state, transfers: state.transfers.filter((t) => t.service !== event.service) };
      return updateService(next, event.service, (row) => ({
        ...row,
        image: event.image,
        imageState: event.source,
        phase: row.phase === 'pulling' || row.phase === 'building' ? 'pending' : row.phase,
      }));
    }
    case 'container.created':
      return updateService(state, event.service, (row) => ({
        ...row,
        container: event.container,
        phase: 'created',
      }));
    case 'container.started':
      return updateService(state, event.service, (row) => started(row, event.time, event.container));
    case 'container.kept':
      return updateService(state, event.service, (row) => ({
        ...row,
        container: event.container,
        phase: row.phase === 'ready' ? 'ready' : 'starting',
        startedAt: row.startedAt ?? event.time,
      }));
    case 'container.stopped':
      return updateService(state, event.service, (row) => ({ ...row, phase: 'stopped' }));
    case 'container.removed':
      return updateService(state, event.service, (row) => ({ ...row, phase: 'removed' }));
    case 'health.changed':
      return updateService(state, event.service, (row) => ({
        ...row,
        health: event.health,
        ...(event.detail !== undefined ? { healthDetail: event.detail } : {}),
        phase: row.phase === 'ready' && event.health !== 'starting' ? 'ready' : 'starting',
      }));
    case 'service.ready': {
      let next = state;
      if (state.banner?.service === event.service) {
        const { banner: _banner, ...rest } = state;
        next = rest;
      }
      return updateService(next, event.service, (row) => {
        const { failure: _failure, ...rest } = row;
        return {
          ...rest,
          phase: 'ready',
          readyMs: event.durationMs,
          ports: event.ports,
          health: row.health === 'probing' || row.health === undefined ? 'ready' : row.health,
          healthDetail: event.probe,
        };
      });
    }
    case 'service.tasks':
      return updateService(state, event.service, (row) => ({
        ...row,
        tasks: {
          desired: event.desired,
          tasks: event.tasks.map((task) =>
            task.error !== undefined ? { ...task, error: mask.maskText(task.error) } : task,
          ),
        },
      }));
    case 'service.restarted':
      return updateService(state, event.service, (row) => ({
        ...row,
        restarts: Math.max(row.restarts, event.restartCount),
        lastExit: event.reason,
      }));
    case 'service.failed': {
      const logTail = event.logTail.map((line) => mask.maskText(line));
      const next: DashboardState = {
        ...state,
        banner: {
          code: 'SERVICE_FAILED',
          message: `Service "${event.service}" failed: ${event.reason}.`,
          hint: `Select it and press l for its logs, r to restart it; fix the template and press b to rebuild.`,
          service: event.service,
          time: event.time,
        },
      };
      return updateService(next, event.service, (row) => ({
        ...row,
        phase: 'failed',
        failure: { reason: event.reason, logTail },
      }));
    }
    case 'stack.ready':
      return {
        ...state,
        stackReadyMs: event.durationMs,
        env: Object.fromEntries(
          Object.entries(event.env)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([key, value]) => [key, mask.maskValue(key, value)]),
        ),
      };
    case 'stack.urls': {
      const urls = new Map(event.urls.map((route) => [route.service, route.url]));
      return {
        ...state,
        services: state.services.map((row) => {
          const url = urls.get(row.name);
          if (url !== undefined) return { ...row, url };
          const { url: _gone, ...rest } = row;
          return rest;
        }),
      };
    }
    case 'stack.removed':
      return notice(
        {
          ...state,
          services: state.services.map((row) => ({ ...row, phase: 'removed' })),
          transfers: [],
        },
        'info',
        `stack ${event.stack} removed: ${event.containers} containers, ${event.networks} networks, ${event.volumes} volumes`,
        event.time,
      );
    case 'error':
      return {
        ...state,
        // `up` ended with an error: services it had not brought up yet stop spinning. (An engine that
        // went away is different: what was starting may go on when it is back.)
        services:
          event.code === 'ENGINE_UNREACHABLE'
            ? state.services
            : state.services.map((row) =>
                UNFINISHED.has(row.phase) ? { ...row, phase: 'stopped', health: 'not started' } : row,
              ),
        banner: {
          code: event.code,
          message: mask.maskText(event.message),
          ...(event.hint !== undefined ? { hint: event.hint } : {}),
          time: event.time,
        },
      };
    case 'watcher.ready':
      return { ...state, watching: true, watched: event.watched };
    case 'test.runner': {
      const tests = { ...state.tests, tool: `${event.name} ${event.version}` };
      // devenv's own vitest in place of the project's is worth a notice (why); the project's is just named.
      return event.source === 'devenv'
        ? notice({ ...state, tests }, 'warning', `tests run with ${formatTestTool(event)}`, event.time)
        : { ...state, tests };
    }
    case 'files.changed':
      return notice(state, 'info', `changed: ${event.files.join(', ')}`, event.time);
    case 'test.run.started':
      return {
        ...state,
        tests: {
          ...state.tests,
          current: {
            runId: event.runId,
            trigger: event.trigger,
            selected: event.selected,
            startedAt: event.time,
            state: 'running',
            counts: { passed: 0, failed: 0, skipped: 0 },
            files: [],
            failures: [],
          },
        },
      };
    case 'test.file.result': {
      const run = state.tests.current;
      if (!run || run.runId !== event.runId) return state;
      const { result } = event;
      const updated: TestRunView = {
        ...run,
        counts: {
          passed: run.counts.passed + result.tests.passed,
          failed: run.counts.failed + result.tests.failed,
          skipped: run.counts.skipped + result.tests.skipped,
        },
        files: [...run.files, { file: result.file, state: result.state }],
        ...(result.state === 'fail' && run.firstFailureMs === undefined
          ? { firstFailureMs: Math.max(0, event.time - run.startedAt) }
          : {}),
        failures: [
          ...run.failures,
          ...result.failures.map((f) => ({
            ...f,
            file: result.file,
            message: mask.maskText(f.message),
            ...(f.output ? { output: f.output.map((line) => terminalSafe(mask.maskText(line))) } : {}),
          })),
        ],
      };
      return { ...state, tests: { ...state.tests, current: updated } };
    }
    case 'test.run.error': {
      const run = state.tests.current;
      if (!run || run.runId !== event.runId) return state;
      const error: FailureView = {
        file: event.files.join(', ') || '(run)',
        test: `(${event.kind})`,
        message: terminalSafe(mask.maskText(event.message)),
      };
      const updated: TestRunView = {
        ...run,
        failures: [...run.failures, error],
        errors: (run.errors ?? 0) + 1,
      };
      return { ...state, tests: { ...state.tests, current: updated } };
    }
    case 'test.run.finished': {
      const run = state.tests.current;
      if (!run || run.runId !== event.runId) return state;
      return finishRun(
        state,
        {
          ...run,
          state: runFailed(event.counts, event.files, event.errors ?? run.errors ?? 0) ? 'failed' : 'passed',
          counts: event.counts,
          durationMs: event.durationMs,
          ...(event.firstFailureMs === undefined ? {} : { firstFailureMs: event.firstFailureMs }),
          files: event.files,
        },
        event.time,
      );
    }
    case 'test.run.cancelled': {
      const run = state.tests.current;
      if (!run || run.runId !== event.runId) return state;
      return finishRun(state, { ...run, state: 'cancelled', cancelReason: event.reason }, event.time);
    }
    default:
      return state;
  }
}

export function reduceEvents(
  state: DashboardState,
  events: readonly DevenvEvent[],
  mask: ReduceContext,
): DashboardState {
  let next = state;
  for (const event of events) next = reduceEvent(next, event, mask);
  return next;
}

/** Anything moving (a spinner to animate): starting services, transfers, a test run. */
export function isBusy(state: DashboardState): boolean {
  return (
    state.transfers.length > 0 ||
    state.tests.current?.state === 'running' ||
    state.services.some((row) => ['pulling', 'building', 'created', 'starting'].includes(row.phase))
  );
}

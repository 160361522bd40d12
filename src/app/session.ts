/**
 * An attached session: what the ink dashboard's intents do. It follows the
 * services' logs (as `log` events), notices crashed services and a vanished
 * engine (and carries on when it is back), restarts and rebuilds services,
 * delegates tests and watch mode to an optional TestController, and ends on
 * quit or down. Everything it does is reported as events.
 */
import type { ContainerStatus } from '../contracts/engine.js';
import type { ServiceTasks, StackBackend } from '../contracts/stack-backend.js';
import { DEFAULT_STOP_GRACE_MS } from '../core/plan/container-request.js';
import { isDevenvError } from '../core/errors.js';
import { reportError } from '../core/error-report.js';
import { serialQueue } from '../core/serial-queue.js';
import { describeRunEnd } from '../core/stack/run-end.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from './context.js';
import { removeStack } from './down.js';
import { engineBack, engineStaysPresent } from './engine-presence.js';
import type { Intent } from './intents.js';
import { logTail, waitUntilReady } from './readiness.js';
import { serviceContainers } from './observe.js';
import { stackHostEnv } from './stack-host-env.js';
import { watchTasks } from './task-watch.js';
import type { TestController } from './testing/test-controller.js';
import { up, type ServiceRuntime, type UpOptions, type UpResult } from './up.js';

/** How a session ended; `down` says whether the stack was removed (not yet when `up` was still running). */
export type SessionEnd = { kind: 'quit' } | { kind: 'down'; removed: boolean };

export interface SessionOptions {
  /** The options `up` ran with (b runs it again, rebuilding the selected service). */
  upOptions: UpOptions;
  tests?: TestController;
  /** Follow log lines from this time on (unix seconds). */
  since: number;
  /** How often to ask a vanished engine whether it is back. */
  engineRetryMs?: number;
  /** How often each service's tasks are looked at (backends with tasks: Swarm). */
  tasksPollMs?: number;
}

export interface AttachedSession {
  handle(intent: Intent): Promise<void>;
  /** The stack is up: follow its services. */
  attach(result: UpResult): void;
  /** Resolves on quit or down (down has removed the stack by then). */
  readonly ended: Promise<SessionEnd>;
  /** Ends the session as quit (Ctrl-C, SIGTERM) unless it already ended. */
  end(): void;
  /** Stops following logs. */
  close(): Promise<void>;
}

interface Follower {
  runtime: ServiceRuntime;
  abort: AbortController;
  done: Promise<void>;
  /** Its log stream ended (the container stopped or the engine went away). */
  ended: boolean;
}

/** After the stack's longest grace period, how long an engine shutting down may still answer. */
const ENGINE_EXIT_MARGIN_MS = 2000;

function errorEvent(error: unknown): { code: string; message: string; hint?: string } {
  const { code, message, hint } = reportError(error);
  return { code, message, ...(hint !== undefined ? { hint } : {}) };
}

/** How often a container the engine is restarting (its back-off) is looked at until it runs. */
const RESTART_POLL_MS = 200;

export function startSession(ctx: AppContext, options: SessionOptions): AttachedSession {
  const retryMs = options.engineRetryMs ?? 2000;
  const lifetime = new AbortController();
  const followers = new Map<string, Follower>();
  /** Restarts by the engine's restart policy said so far, by service (the engine's count). */
  const restartsSeen = new Map<string, number>();
  /** Services being restarted or rebuilt on purpose: their log stream ending is expected. */
  const busy = new Set<string>();
  let result: UpResult | undefined;
  let finish!: (end: SessionEnd) => void;
  let finished = false;
  const ended = new Promise<SessionEnd>((resolve) => (finish = resolve));
  const end = (value: SessionEnd) => {
    if (finished) return;
    finished = true;
    lifetime.abort();
    finish(value);
  };
  // Restart and rebuild one at a time (a rebuild reconciles the whole stack).
  const serialized = serialQueue();

  let testsClosed: Promise<void> | undefined;
  const closeTests = () => (testsClosed ??= options.tests?.close() ?? Promise.resolve());
  const report = (error: unknown) => ctx.emit({ type: 'error', ...errorEvent(error) });

  const backend = (): Promise<StackBackend> => ctx.backend();

  const follow = (runtime: ServiceRuntime, sinceSeconds: number) => {
    followers.get(runtime.service)?.abort.abort();
    const abort = new AbortController();
    const stop = () => abort.abort();
    lifetime.signal.addEventListener('abort', stop, { once: true });
    const follower: Follower = { runtime, abort, done: Promise.resolve(), ended: false };
    follower.done = (async () => {
      const stacks = await backend();
      await stacks
        .logs(runtime.containerId, { follow: true, since: sinceSeconds, signal: abort.signal }, (line) =>
          ctx.emit({ type: 'log', service: runtime.service, stream: line.stream, line: line.text }),
        )
        .catch(() => undefined);
      follower.ended = true;
      lifetime.signal.removeEventListener('abort', stop);
      if (abort.signal.aborted || busy.has(runtime.service)) return;
      await afterStreamEnded(runtime);
    })().catch(report);
    followers.set(runtime.service, follower);
  };

  /**
   * The engine went away (its connection dropped, or it stopped the stack's services on its way
   * down): said once for the whole stack, however many log streams noticed. When it answers
   * again, `up` reconciles the stack (services the engine stopped are started again, by the plan)
   * and every service is followed again.
   */
  let recovering: Promise<void> | undefined;
  const engineGone = (cause: unknown): Promise<void> => {
    recovering ??= recoverEngine(cause).finally(() => (recovering = undefined));
    return recovering;
  };
  const recoverEngine = async (cause: unknown): Promise<void> => {
    const stacks = await backend();
    const endpoint = result?.info.endpoint ?? 'the engine';
    const said = cause === undefined ? undefined : errorEvent(cause);
    ctx.emit({
      type: 'error',
      code: 'ENGINE_UNREACHABLE',
      message: said?.message ?? `The engine at ${endpoint} went away; it stopped the stack's services.`,
      hint: `${said?.hint ?? 'Start the engine again (sudo systemctl start docker, or Docker Desktop).'} devenv waits for it, then starts the stopped services again.`,
    });
    if (!(await engineBack(stacks, { retryMs, signal: lifetime.signal }))) return;
    const followed = [...followers.keys()].sort();
    ctx.emit({ type: 'engine.reconnected', service: followed.join(', ') });
    if (!result || lifetime.signal.aborted) return;
    // Only the connection dropped (every service still runs): follow again, nothing to reconcile.
    const containers = await stacks
      .observe(result.target.identity.name)
      .then((observed) => observed.containers)
      .catch(() => [] as ContainerStatus[]);
    const running = new Set(containers.filter((c) => c.state === 'running').map((c) => c.id));
    if (result.services.every((s) => running.has(s.containerId))) {
      attach(result);
      return;
    }
    await serialized(async () => {
      const services = result?.services.map((s) => s.service) ?? [];
      for (const service of services) busy.add(service);
      try {
        const next = await up(ctx, options.upOptions);
        for (const service of services) busy.delete(service);
        attach(next);
      } catch (error) {
        if (!lifetime.signal.aborted) report(error);
      } finally {
        for (const service of services) busy.delete(service);
      }
    });
  };

  /** The longest stop grace period among the stack's containers: how long an engine shutting down may take. */
  const longestGraceMs = async (stacks: StackBackend): Promise<number> => {
    if (!result) return DEFAULT_STOP_GRACE_MS;
    const containers = await stacks
      .observe(result.target.identity.name)
      .then((observed) => observed.containers)
      .catch(() => []);
    return Math.max(DEFAULT_STOP_GRACE_MS, ...containers.map((c) => c.facts.stopTimeoutSeconds * 1000));
  };

  /** A log stream ended by itself: the container stopped, or the engine went away. */
  const afterStreamEnded = async (runtime: ServiceRuntime): Promise<void> => {
    const stacks = await backend();
    let status: ContainerStatus | undefined;
    try {
      status = await stacks.inspect(runtime.containerId);
    } catch (error) {
      await engineGone(error);
      return;
    }
    if (lifetime.signal.aborted || busy.has(runtime.service) || recovering) return;
    if (status?.state === 'running' || status?.state === 'restarting') {
      // The engine restarted it by its restart policy, or is about to (after its back-off): said
      // once per restart, with how the run ended (the engine keeps the exit code and OOMKilled
      // while it restarts; once it runs again, only the count says it happened).
      // The engine counts a restart as it begins (Docker: while 'restarting', the count has it).
      const known = restartsSeen.get(runtime.service) ?? 0;
      const pending = status.state === 'restarting' ? 1 : 0;
      const count = Math.max(status.restartCount, known + pending);
      if (count > known) {
        restartsSeen.set(runtime.service, count);
        ctx.emit({
          type: 'service.restarted',
          service: runtime.service,
          restartCount: count,
          reason: pending === 1 || status.oomKilled === true ? describeRunEnd(status) : 'its run ended',
        });
      }
      if (status.state === 'restarting') {
        // Its log stream would end at once until it runs: look again after a while.
        await sleep(RESTART_POLL_MS, undefined, { signal: lifetime.signal }).catch(() => undefined);
        if (!lifetime.signal.aborted) await afterStreamEnded(runtime);
        return;
      }
      follow(runtime, Math.floor(ctx.clock.now() / 1000));
      return;
    }
    if (status?.state === 'exited' && status.exitCode === 0 && runtime.check.kind === 'completed') {
      ctx.emit({ type: 'info', message: `${runtime.service}: completed` });
      return;
    }
    // Stopped by an engine on its way down, or by itself? Judged once the engine stayed a while longer.
    const presence = await engineStaysPresent(stacks, {
      settleMs: (await longestGraceMs(stacks)) + ENGINE_EXIT_MARGIN_MS,
      signal: lifetime.signal,
      clock: ctx.clock,
    });
    if (presence === 'gone') {
      await engineGone(undefined);
      return;
    }
    if (presence === 'aborted' || busy.has(runtime.service) || recovering) return;
    const reason = status
      ? `its container ${status.state === 'exited' ? describeRunEnd(status) : `is ${status.state}`}`
      : 'its container disappeared';
    ctx.emit({
      type: 'service.failed',
      service: runtime.service,
      reason,
      logTail: status ? await logTail(stacks, runtime.containerId, 10) : [],
    });
  };

  /** Services whose tasks are not all running, since when (a task moving to another node). */
  const moving = new Map<string, number>();
  /** A service's tasks run again after a change: its ports (on its new node) and the host environment with them. */
  const tasksChanged = async (service: string, instanceId: string, tasks: ServiceTasks) => {
    const runningAll =
      tasks.tasks.length >= tasks.desired && tasks.tasks.every((task) => task.state === 'running');
    if (!runningAll) {
      if (!moving.has(service)) moving.set(service, ctx.clock.now());
      return;
    }
    const since = moving.get(service);
    moving.delete(service);
    const runtime = result?.services.find((s) => s.service === service);
    if (!result || !runtime || runtime.containerId !== instanceId || busy.has(service)) return;
    const status = await (await backend()).inspect(instanceId).catch(() => undefined);
    if (!status || !result || JSON.stringify(runtime.ports) === JSON.stringify(status.ports)) return;
    result = {
      ...result,
      services: result.services.map((s) => (s.service === service ? { ...s, ports: status.ports } : s)),
    };
    ctx.emit({
      type: 'service.ready',
      service,
      durationMs: since === undefined ? 0 : ctx.clock.now() - since,
      ports: status.ports,
      probe: 'its tasks run again',
    });
    const env = stackHostEnv(result.target, result.info, result.services);
    result = { ...result, env };
    ctx.emit({ type: 'info', message: `${service}: new host ports; run eval "$(devenv env)" again` });
    ctx.emit({ type: 'stack.ready', stack: result.target.identity.name, durationMs: 0, env });
  };
  let taskWatch: Promise<void> | undefined;
  const startTaskWatch = () => {
    taskWatch ??= (async () => {
      await watchTasks(ctx, {
        backend: await backend(),
        instances: () => new Map((result?.services ?? []).map((s) => [s.service, s.containerId])),
        intervalMs: options.tasksPollMs ?? 2000,
        signal: lifetime.signal,
        onChange: tasksChanged,
      });
    })().catch(report);
  };

  const attach = (upResult: UpResult) => {
    result = upResult;
    startTaskWatch();
    for (const runtime of upResult.services) {
      const current = followers.get(runtime.service);
      if (
        current?.runtime.containerId === runtime.containerId &&
        !current.abort.signal.aborted &&
        !current.ended
      )
        continue;
      follow(runtime, current ? Math.floor(ctx.clock.now() / 1000) : options.since);
    }
  };

  const restart = async (service: string) => {
    if (!result) {
      ctx.emit({ type: 'info', message: `${service}: not started yet; wait until the stack is up` });
      return;
    }
    const runtime = result.services.find((s) => s.service === service);
    const stacks = await backend();
    const [container] = await serviceContainers(stacks, result.target.identity.name, service);
    if (!container || !runtime) {
      ctx.emit({ type: 'info', message: `${service}: no container found; press b to create it again` });
      return;
    }
    busy.add(service);
    try {
      followers.get(service)?.abort.abort();
      ctx.emit({ type: 'health.changed', service, health: 'starting', detail: 'restarting' });
      await stacks.restart(container.id, container.facts.stopTimeoutSeconds);
      ctx.emit({ type: 'container.stopped', service, container: container.name });
      const startedAt = ctx.clock.now();
      ctx.emit({ type: 'container.started', service, container: container.name });
      const moved = { ...runtime, containerId: container.id };
      follow(moved, Math.floor(startedAt / 1000));
      const status = await waitUntilReady(ctx, {
        backend: stacks,
        info: result.info,
        service,
        containerId: container.id,
        check: runtime.check,
        timeoutMs: options.upOptions.timeoutMs ?? 120_000,
        signal: lifetime.signal,
      });
      ctx.emit({
        type: 'service.ready',
        service,
        durationMs: ctx.clock.now() - startedAt,
        ports: status.ports,
        probe: 'restarted',
      });
      const before = result;
      result = {
        ...before,
        services: before.services.map((s) => (s.service === service ? { ...moved, ports: status.ports } : s)),
      };
      if (JSON.stringify(runtime.ports) !== JSON.stringify(status.ports)) {
        // Engine-chosen host ports change on restart: the host environment with them.
        const env = stackHostEnv(result.target, result.info, result.services);
        result = { ...result, env };
        ctx.emit({
          type: 'info',
          message: `${service}: new host ports; run eval "$(devenv env --show-secrets)" again`,
        });
        ctx.emit({ type: 'stack.ready', stack: result.target.identity.name, durationMs: 0, env });
      }
    } finally {
      busy.delete(service);
    }
  };

  const rebuild = async (service: string) => {
    const runtime = result?.services.find((s) => s.service === service);
    if (runtime && !runtime.built) {
      ctx.emit({
        type: 'info',
        message: `${service} runs the image ${runtime.image} (no build: section); r restarts it`,
      });
      return;
    }
    ctx.emit({ type: 'info', message: `rebuilding ${service}; changed services are recreated` });
    const previous = result;
    for (const s of previous?.services ?? []) busy.add(s.service);
    try {
      // This service's image alone is rebuilt; the reconcile recreates what changed with it.
      const next = await up(ctx, { ...options.upOptions, rebuild: [service] });
      for (const s of next.services) busy.delete(s.service);
      attach(next);
    } finally {
      for (const s of previous?.services ?? []) busy.delete(s.service);
    }
  };

  const tests = (what: string, action: (controller: TestController) => Promise<void> | void) => {
    if (!options.tests) {
      ctx.emit({ type: 'info', message: `tests: not configured (${what})` });
      return Promise.resolve();
    }
    return Promise.resolve(action(options.tests));
  };

  const handle = async (intent: Intent): Promise<void> => {
    try {
      switch (intent.type) {
        case 'service.restart':
          await serialized(() => restart(intent.service));
          return;
        case 'service.rebuild':
          await serialized(() => rebuild(intent.service));
          return;
        case 'tests.runAll':
          await tests('t', (c) => c.runAll());
          return;
        case 'tests.rerunFailed':
          await tests('f', (c) => c.rerunFailed());
          return;
        case 'watch.toggle':
          await tests('w', (c) => {
            c.setWatching(!c.watching);
            ctx.emit({ type: 'info', message: `watch ${c.watching ? 'on' : 'off'}` });
          });
          return;
        case 'stack.down': {
          if (!result) {
            // `up` is still running: the caller stops it first, then removes what it created.
            end({ kind: 'down', removed: false });
            return;
          }
          lifetime.abort();
          await Promise.all([...followers.values()].map((f) => f.done));
          await closeTests();
          try {
            await removeStack(ctx, { stack: result.target.identity.name, volumes: true });
            end({ kind: 'down', removed: true });
          } catch (error) {
            report(error);
            end({ kind: 'down', removed: false });
          }
          return;
        }
        case 'quit':
          end({ kind: 'quit' });
          return;
      }
    } catch (error) {
      if (lifetime.signal.aborted && isDevenvError(error) && error.code === 'INTERRUPTED') return;
      report(error);
    }
  };

  return {
    handle,
    attach,
    ended,
    end: () => end({ kind: 'quit' }),
    async close() {
      lifetime.abort();
      await Promise.all([...followers.values()].map((f) => f.done));
      await taskWatch;
      await closeTests();
    },
  };
}

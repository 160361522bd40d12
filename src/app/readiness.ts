/**
 * Waits until a started service is ready by its readiness check, polling
 * fast (every 25 ms for the first 2 s, then every 100 ms) whatever the template's healthcheck interval:
 * the engine's health status, the healthcheck test run directly during
 * start-up, or host-side protocol probes on the published port. On a remote
 * engine whose published address does not answer from here, a host-side probe
 * is also judged inside the container, by exec (core/plan/readiness-in-container.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerStatus, EngineInfo, HealthState } from '../contracts/engine.js';
import type { StackBackend } from '../contracts/stack-backend.js';
import { describeReadiness, unhealthyReason, type ReadinessCheck } from '../core/plan/readiness.js';
import { hostPortsArePinnable, reachableHost } from '../core/plan/port-plan.js';
import { inContainerProbe } from '../core/plan/readiness-in-container.js';
import { DevenvError } from '../core/errors.js';
import type { AppContext } from './context.js';
import type { ServiceProbes } from '../contracts/service-probes.js';
import { describeRunEnd } from '../core/stack/run-end.js';

export const POLL_INTERVAL_MS = 100;
/**
 * Most services are ready within their first second or two: poll at 25 ms
 * then (an inspect and a probe cost a few ms on a local engine), so `up` does
 * not sleep up to 100 ms past the moment a service became ready.
 */
export const EARLY_POLL_INTERVAL_MS = 25;
const EARLY_PHASE_MS = 2000;
/**
 * A remote engine's published address may not answer from this machine (a
 * firewall, ports bound to its own loopback): after this long of failed host
 * probes of a running container, the same check is also run inside it.
 */
export const IN_CONTAINER_AFTER_MS = 2000;

/** What readiness needs of the backend: an instance's state, a command in it, its logs. */
export type ReadinessTarget = Pick<StackBackend, 'inspect' | 'exec' | 'logs'>;

export interface ReadinessRequest {
  backend: ReadinessTarget;
  info: EngineInfo;
  service: string;
  containerId: string;
  check: ReadinessCheck;
  timeoutMs: number;
  signal: AbortSignal;
}

export class ServiceNotReadyError extends DevenvError {
  readonly service: string;
  constructor(service: string, reason: string, details: string[]) {
    super('SERVICE_FAILED', `Service "${service}" failed: ${reason}.`, {
      hint: `See its logs with \`devenv logs ${service}\`, fix the template or the service, then run \`devenv up\` again; \`devenv down\` removes what was created.`,
      details,
    });
    this.service = service;
  }
}

function execCommand(test: string[]): string[] | undefined {
  const [kind, ...rest] = test;
  if (kind === 'CMD') return rest;
  if (kind === 'CMD-SHELL') return ['/bin/sh', '-c', rest.join(' ')];
  return undefined;
}

const execFailed = { exitCode: -1, output: '' };

async function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  const timer = sleep(ms, fallback, { ref: false });
  return Promise.race([promise, timer]);
}

/** The most a probe's exec is waited for. */
const EXEC_PROBE_LIMIT_MS = 5000;

/**
 * A command run as a probe, given up on after `ms`: its connection closes then,
 * so a command that hangs (a healthcheck's `sleep`) keeps neither this round
 * nor the process waiting for it.
 */
async function probeExec(
  backend: ReadinessTarget,
  containerId: string,
  command: string[],
  ms: number,
): Promise<{ exitCode: number; output: string }> {
  const signal = AbortSignal.timeout(ms);
  return withTimeout(
    backend.exec(containerId, command, { signal }).catch(() => execFailed),
    ms,
    execFailed,
  );
}

async function probeOnce(
  probes: ServiceProbes,
  request: ReadinessRequest,
  status: ContainerStatus,
): Promise<boolean> {
  const { check, info } = request;
  const hostNetwork = 'hostNetwork' in check && check.hostNetwork === true;
  const published = (containerPort: number) =>
    status.ports.find((port) => port.containerPort === containerPort && port.protocol === 'tcp');
  // network_mode: host listens on the engine's host itself, on the container's port.
  const hostPort = (containerPort: number) =>
    hostNetwork ? containerPort : published(containerPort)?.hostPort;
  // Probe the address the port is bound to (`--host-ip ::1` publishes on [::1] only).
  const host = (containerPort: number) =>
    hostNetwork
      ? info.publishedHost
      : reachableHost(info.publishedHost, published(containerPort)?.hostIp ?? '');
  switch (check.kind) {
    case 'healthcheck': {
      if (status.health === 'healthy') return true;
      // The engine's verdict is in: no need to run the test again.
      if (status.health === 'unhealthy') return false;
      const command = execCommand(check.test);
      if (!command || status.state !== 'running') return false;
      const limit = Math.min(check.timeoutMs ?? EXEC_PROBE_LIMIT_MS, EXEC_PROBE_LIMIT_MS);
      const result = await probeExec(request.backend, request.containerId, command, limit);
      return result.exitCode === 0;
    }
    case 'exec': {
      if (status.state !== 'running') return false;
      const result = await probeExec(
        request.backend,
        request.containerId,
        check.command,
        EXEC_PROBE_LIMIT_MS,
      );
      // An image without that client (exit 126/127): ready once running, as before there was a probe.
      if (result.exitCode === 126 || result.exitCode === 127) return true;
      return result.exitCode === 0 && (check.expect === undefined || result.output.includes(check.expect));
    }
    case 'postgres': {
      const port = hostPort(check.containerPort);
      return (
        port !== undefined &&
        status.state === 'running' &&
        (await probes.postgres(host(check.containerPort), port, {
          user: check.user,
          database: check.database,
        }))
      );
    }
    case 'redis': {
      const port = hostPort(check.containerPort);
      return (
        port !== undefined &&
        status.state === 'running' &&
        (await probes.redis(host(check.containerPort), port))
      );
    }
    case 'tcp': {
      const port = hostPort(check.containerPort);
      return (
        port !== undefined &&
        status.state === 'running' &&
        (await probes.tcp(host(check.containerPort), port))
      );
    }
    case 'running':
      return status.state === 'running' || (status.state === 'exited' && status.exitCode === 0);
    case 'completed':
      return status.state === 'exited' && status.exitCode === 0;
  }
}

/** Last log lines of a container, for error messages. */
export async function logTail(backend: ReadinessTarget, containerId: string, lines = 20): Promise<string[]> {
  const collected: string[] = [];
  await backend
    .logs(containerId, { follow: false, tail: lines }, (line) => collected.push(line.text))
    .catch(() => undefined);
  return collected.slice(-lines);
}

export async function waitUntilReady(ctx: AppContext, request: ReadinessRequest): Promise<ContainerStatus> {
  const { backend, service, containerId, check } = request;
  const begun = ctx.clock.now();
  // Only a remote engine's published address can be out of reach: a local one's is this machine's.
  const inContainer = hostPortsArePinnable(request.info.publishedHost) ? undefined : inContainerProbe(check);
  let runningSince: number | undefined;
  let judgedInside = false;
  const deadline = begun + request.timeoutMs;
  let lastHealth: HealthState | 'probing' | undefined;
  const fail = async (reason: string, extra: string[] = []): Promise<never> => {
    const tail = await logTail(backend, containerId);
    ctx.emit({ type: 'service.failed', service, reason, logTail: [...extra, ...tail] });
    throw new ServiceNotReadyError(service, reason, [
      ...extra.map((line) => `healthcheck: ${line}`),
      ...tail,
    ]);
  };
  for (;;) {
    const round = ctx.clock.now();
    if (request.signal.aborted)
      throw new DevenvError('INTERRUPTED', `Interrupted while waiting for "${service}".`);
    const status = await backend.inspect(containerId);
    if (!status) return fail('its container disappeared');
    const health: HealthState | 'probing' = check.kind === 'healthcheck' ? status.health : 'probing';
    if (health !== lastHealth) {
      ctx.emit({ type: 'health.changed', service, health, detail: describeReadiness(check) });
      lastHealth = health;
    }
    if (await probeOnce(ctx.probes, request, status)) return status;
    runningSince = status.state === 'running' ? (runningSince ?? round) : undefined;
    if (inContainer && runningSince !== undefined && round - runningSince >= IN_CONTAINER_AFTER_MS) {
      if (!judgedInside) {
        judgedInside = true;
        ctx.emit({
          type: 'health.changed',
          service,
          health: 'probing',
          detail: `${inContainer.what}: its published port on ${request.info.publishedHost} does not answer from this machine`,
        });
      }
      const result = await probeExec(backend, containerId, inContainer.command, EXEC_PROBE_LIMIT_MS);
      if (inContainer.ready(result)) return status;
    }
    if (status.state === 'exited' || status.state === 'dead') {
      return fail(`its container ${describeRunEnd(status)}`);
    }
    if (check.kind === 'healthcheck' && status.health === 'unhealthy') {
      return fail(unhealthyReason(status.healthLog), status.healthLog.slice(-3));
    }
    if (ctx.clock.now() > deadline) {
      return fail(
        `not ready after ${Math.round(request.timeoutMs / 1000)} s (waiting for: ${describeReadiness(check)})`,
        status.healthLog.slice(-3),
      );
    }
    // A steady cadence: a slow probe (an exec'd healthcheck takes ~100 ms) is not followed by a full pause.
    const interval = round - begun < EARLY_PHASE_MS ? EARLY_POLL_INTERVAL_MS : POLL_INTERVAL_MS;
    const pause = Math.max(0, interval - (ctx.clock.now() - round));
    await sleep(pause, undefined, { signal: request.signal }).catch(() => undefined);
  }
}

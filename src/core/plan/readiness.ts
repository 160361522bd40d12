/**
 * How devenv decides a service is ready. The template's healthcheck (or the
 * image's) wins; otherwise built-in probes for well-known images; otherwise a
 * published TCP port accepting; otherwise "running". A service on the host's
 * network (network_mode: host) is probed on its own ports of the engine's host;
 * one sharing another container's network, or with none, has no port of its
 * own to probe.
 */
import type { ContainerRequest, ImageInfo } from '../../contracts/engine.js';

/** `hostNetwork`: the container port is a port of the engine's host (no publishing). */
export type ReadinessCheck =
  /** `timeoutMs`: the template's healthcheck timeout, when it sets one (a test run longer has failed). */
  | { kind: 'healthcheck'; test: string[]; source: 'template' | 'image'; timeoutMs?: number }
  | { kind: 'postgres'; containerPort: number; user: string; database: string; hostNetwork?: true }
  | { kind: 'redis'; containerPort: number; hostNetwork?: true }
  | { kind: 'tcp'; containerPort: number; hostNetwork?: true }
  /** A client in the image run in the container: ready when it exits 0 (and prints `expect`, when set). */
  | { kind: 'exec'; command: string[]; expect?: string; what: string }
  | { kind: 'running' }
  | { kind: 'completed' };

/** "postgres:15", "library/postgres", "devenv-test/postgres:15", "bitnami/postgresql" -> "postgres" family. */
export function imageFamily(image: string): string {
  const withoutDigest = image.split('@')[0] ?? image;
  const lastPath = withoutDigest.split('/').pop() ?? withoutDigest;
  const repo = lastPath.split(':')[0] ?? lastPath;
  if (repo === 'postgres' || repo === 'postgresql' || repo.startsWith('postgis')) return 'postgres';
  if (repo === 'redis' || repo === 'redis-stack-server' || repo === 'valkey') return 'redis';
  return repo;
}

/**
 * Whether the container runs the image's own server: the template replaces no entrypoint, and its
 * command, if any, starts the server (or passes it flags: the official entrypoints prepend it). A
 * Postgres image used to run a shell or a client is only waited for as running.
 */
function runsServer(request: ContainerRequest, server: string): boolean {
  if (request.entrypoint !== undefined) return false;
  const first = request.command?.[0];
  return first === undefined || first === server || first.startsWith('-');
}

export function readinessCheck(
  request: ContainerRequest,
  image: ImageInfo | undefined,
  templateImage: string,
): ReadinessCheck {
  if (request.healthcheck && request.healthcheck !== 'disabled') {
    const { timeoutMs } = request.healthcheck;
    return {
      kind: 'healthcheck',
      test: request.healthcheck.test,
      source: 'template',
      ...(timeoutMs !== undefined && timeoutMs > 0 ? { timeoutMs } : {}),
    };
  }
  if (request.healthcheck !== 'disabled' && image?.healthcheck && image.healthcheck[0] !== 'NONE') {
    return { kind: 'healthcheck', test: image.healthcheck, source: 'image' };
  }
  const hostNetwork = request.networkMode === 'host';
  const tcpPorts = hostNetwork
    ? request.expose.flatMap((entry) => {
        const match = /^(\d+)\/tcp$/.exec(entry);
        return match ? [Number(match[1])] : [];
      })
    : request.ports.filter((port) => port.protocol === 'tcp').map((port) => port.containerPort);
  const where = hostNetwork ? { hostNetwork: true as const } : {};
  const family = imageFamily(templateImage);
  if (family === 'postgres') {
    const user = request.env['POSTGRES_USER'] || 'postgres';
    const database = request.env['POSTGRES_DB'] || user;
    if (tcpPorts.includes(5432)) return { kind: 'postgres', containerPort: 5432, user, database, ...where };
    // Not published: the server's own client, over TCP (the entrypoint's first, init-time server listens on no TCP port).
    if (!hostNetwork && runsServer(request, 'postgres'))
      return {
        kind: 'exec',
        command: ['pg_isready', '-q', '-h', '127.0.0.1', '-p', '5432', '-U', user, '-d', database],
        what: 'postgres accepts connections (pg_isready in the container)',
      };
  }
  if (family === 'redis') {
    if (tcpPorts.includes(6379)) return { kind: 'redis', containerPort: 6379, ...where };
    if (!hostNetwork && runsServer(request, 'redis-server'))
      return {
        kind: 'exec',
        command: ['redis-cli', '-p', '6379', 'ping'],
        expect: 'PONG',
        what: 'redis answers PING (redis-cli in the container)',
      };
  }
  const first = tcpPorts[0];
  if (first !== undefined) return { kind: 'tcp', containerPort: first, ...where };
  return { kind: 'running' };
}

export function describeReadiness(check: ReadinessCheck): string {
  switch (check.kind) {
    case 'healthcheck':
      return `${check.source} healthcheck`;
    case 'postgres':
      return `postgres accepts connections on ${check.containerPort}${check.hostNetwork ? ' (host network)' : ''}`;
    case 'redis':
      return `redis answers PING on ${check.containerPort}${check.hostNetwork ? ' (host network)' : ''}`;
    case 'tcp':
      return `port ${check.containerPort} accepts connections${check.hostNetwork ? ' (host network)' : ''}`;
    case 'exec':
      return check.what;
    case 'running':
      return 'container running';
    case 'completed':
      return 'exited with code 0';
  }
}

/**
 * Why the engine calls a service unhealthy, from its last healthcheck outputs
 * (newest last): a test that never finished within its timeout is a hung
 * healthcheck, not a failing one, and is said so.
 */
export function unhealthyReason(healthLog: readonly string[]): string {
  const last = healthLog.slice(-3);
  const timedOut = last.filter((output) => /exceeded timeout/i.test(output));
  if (last.length > 0 && timedOut.length === last.length) {
    const limit = /timeout \(([^)]+)\)/i.exec(timedOut[timedOut.length - 1] ?? '')?.[1];
    return `its healthcheck hangs: the test did not finish within its timeout${limit ? ` (${limit})` : ''}, ${last.length === 1 ? 'once' : `${last.length} times in a row`}`;
  }
  return 'its healthcheck reports unhealthy';
}

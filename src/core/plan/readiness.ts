/**
 * How devenv decides a service is ready. The template's healthcheck (or the
 * image's) wins; otherwise built-in probes for well-known images; otherwise a
 * published TCP port accepting; otherwise "running".
 */
import type { ContainerRequest, ImageInfo } from '../../contracts/engine.js';

export type ReadinessCheck =
  | { kind: 'healthcheck'; test: string[]; source: 'template' | 'image' }
  | { kind: 'postgres'; containerPort: number; user: string; database: string }
  | { kind: 'redis'; containerPort: number }
  | { kind: 'tcp'; containerPort: number }
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

export function readinessCheck(
  request: ContainerRequest,
  image: ImageInfo | undefined,
  templateImage: string,
): ReadinessCheck {
  if (request.healthcheck && request.healthcheck !== 'disabled') {
    return { kind: 'healthcheck', test: request.healthcheck.test, source: 'template' };
  }
  if (request.healthcheck !== 'disabled' && image?.healthcheck && image.healthcheck[0] !== 'NONE') {
    return { kind: 'healthcheck', test: image.healthcheck, source: 'image' };
  }
  const tcpPorts = request.ports.filter((port) => port.protocol === 'tcp').map((port) => port.containerPort);
  const family = imageFamily(templateImage);
  if (family === 'postgres' && tcpPorts.includes(5432)) {
    const user = request.env['POSTGRES_USER'] || 'postgres';
    return { kind: 'postgres', containerPort: 5432, user, database: request.env['POSTGRES_DB'] || user };
  }
  if (family === 'redis' && tcpPorts.includes(6379)) return { kind: 'redis', containerPort: 6379 };
  const first = tcpPorts[0];
  if (first !== undefined) return { kind: 'tcp', containerPort: first };
  return { kind: 'running' };
}

export function describeReadiness(check: ReadinessCheck): string {
  switch (check.kind) {
    case 'healthcheck':
      return `${check.source} healthcheck`;
    case 'postgres':
      return `postgres accepts connections on ${check.containerPort}`;
    case 'redis':
      return `redis answers PING on ${check.containerPort}`;
    case 'tcp':
      return `port ${check.containerPort} accepts connections`;
    case 'running':
      return 'container running';
    case 'completed':
      return 'exited with code 0';
  }
}

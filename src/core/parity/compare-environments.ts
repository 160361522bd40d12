/**
 * The parity gate: two environments' resolved models compared service by service on what
 * decides whether "works in test" means "works in prod": which services exist, images
 * (name and tag), environment variable NAMES (never values), ports, volumes, healthchecks,
 * resources (limits and reservations), restart policies (`restart:`, or deploy.restart_policy
 * in its terms) and replica counts (deploy.replicas or scale). Every difference has a dotted path
 * (`services.app.environment.LOG_LEVEL`); `parity.allow` globs over it (`*` = one segment)
 * say which differences are expected.
 */
import type { ComposeProject, ServiceSpec } from '../compose/model.js';

export interface ParityDifference {
  service: string;
  path: string;
  /** The value in the first environment; null when it has none there. */
  a: string | null;
  b: string | null;
  /** A `parity.allow` glob matches the path. */
  allowed: boolean;
}

export interface ParityReport {
  /** No difference at all (allowed or not). */
  equal: boolean;
  differences: ParityDifference[];
}

/** `*` is one path segment; everything else matches itself. */
export function pathMatches(glob: string, path: string): boolean {
  const globParts = glob.split('.');
  const pathParts = path.split('.');
  return (
    globParts.length === pathParts.length &&
    globParts.every((part, index) => part === '*' || part === pathParts[index])
  );
}

function portsOf(service: ServiceSpec): string | null {
  if (service.ports.length === 0) return null;
  return service.ports
    .map((port) => `${port.published ?? 'auto'}:${port.target}/${port.protocol}`)
    .sort()
    .join(', ');
}

function volumesOf(service: ServiceSpec): string | null {
  if (service.volumes.length === 0) return null;
  return service.volumes
    .map((volume) =>
      volume.type === 'tmpfs'
        ? `tmpfs:${volume.target}`
        : `${volume.type}:${volume.source ?? ''}:${volume.target}${volume.readOnly ? ':ro' : ''}`,
    )
    .sort()
    .join(', ');
}

function healthcheckOf(service: ServiceSpec): string | null {
  const check = service.healthcheck;
  if (check === undefined) return null;
  if (check.disable) return 'disabled';
  const parts = [
    check.test ? check.test.join(' ') : 'image default',
    check.intervalMs === undefined ? undefined : `interval ${check.intervalMs}ms`,
    check.timeoutMs === undefined ? undefined : `timeout ${check.timeoutMs}ms`,
    check.retries === undefined ? undefined : `retries ${check.retries}`,
    check.startPeriodMs === undefined ? undefined : `start_period ${check.startPeriodMs}ms`,
  ];
  return parts.filter((part) => part !== undefined).join(', ');
}

function text(value: number | string | undefined): string | null {
  return value === undefined ? null : String(value);
}

/** Every compared fact of a service, by dotted path (absent facts are left out). */
export function serviceFacts(service: ServiceSpec): Record<string, string> {
  const prefix = `services.${service.name}`;
  const runtime = service.runtimeOptions ?? {};
  const facts: Record<string, string | null> = {
    [prefix]: 'present',
    [`${prefix}.image`]: service.image ?? (service.build ? 'build' : null),
    [`${prefix}.ports`]: portsOf(service),
    [`${prefix}.volumes`]: volumesOf(service),
    [`${prefix}.healthcheck`]: healthcheckOf(service),
    [`${prefix}.restart`]: service.restart ?? null,
    [`${prefix}.deploy.replicas`]: text(service.replicas),
    [`${prefix}.deploy.resources.limits.memory`]: text(runtime.memLimitBytes),
    [`${prefix}.deploy.resources.reservations.memory`]: text(runtime.memReservationBytes),
    [`${prefix}.deploy.resources.limits.cpus`]: text(runtime.cpus),
    [`${prefix}.deploy.resources.limits.pids`]: text(runtime.pidsLimit),
    [`${prefix}.deploy.resources.reservations.cpus`]: text(runtime.cpuReservation),
  };
  for (const name of Object.keys(service.environment)) facts[`${prefix}.environment.${name}`] = 'set';
  return Object.fromEntries(
    Object.entries(facts).filter((entry): entry is [string, string] => entry[1] !== null),
  );
}

export function compareEnvironments(
  a: Pick<ComposeProject, 'services'>,
  b: Pick<ComposeProject, 'services'>,
  allow: readonly string[] = [],
): ParityReport {
  const services = [...new Set([...Object.keys(a.services), ...Object.keys(b.services)])].sort();
  const differences: ParityDifference[] = [];
  for (const service of services) {
    const left = a.services[service];
    const right = b.services[service];
    const factsA = left ? serviceFacts(left) : {};
    const factsB = right ? serviceFacts(right) : {};
    // A service only one side has is one difference, not one per fact.
    const paths =
      left && right
        ? [...new Set([...Object.keys(factsA), ...Object.keys(factsB)])].sort()
        : [`services.${service}`];
    for (const path of paths) {
      const valueA = left ? (factsA[path] ?? null) : null;
      const valueB = right ? (factsB[path] ?? null) : null;
      if (valueA === valueB) continue;
      differences.push({
        service,
        path,
        a: valueA,
        b: valueB,
        allowed: allow.some((glob) => pathMatches(glob, path)),
      });
    }
  }
  return { equal: differences.length === 0, differences };
}

/** Whether the gate passes: every difference is allowed. */
export function parityHolds(report: ParityReport): boolean {
  return report.differences.every((difference) => difference.allowed);
}

/** The stack's host-side environment from the template and the ports the engine published. */
import type { EngineInfo, PublishedPort } from '../contracts/engine.js';
import { hostEnvironment } from '../core/env/host-env.js';
import { reachableHost } from '../core/plan/port-plan.js';
import type { StackTarget } from './stack-target.js';

/**
 * Where the host reaches the stack's ports: the engine's published host, or
 * for a local engine the one specific address every port is bound to
 * (`--host-ip ::1`: [::1], where 127.0.0.1 finds nothing).
 */
function boundHost(publishedHost: string, services: readonly { ports: PublishedPort[] }[]): string {
  const reached = new Set(
    services.flatMap((s) => s.ports.map((port) => reachableHost(publishedHost, port.hostIp))),
  );
  const [only] = reached;
  return reached.size === 1 && only !== undefined ? only : publishedHost;
}

/**
 * Where the host reaches each service's ports: the one address they are all
 * reached at, or that of its first TCP port (what <SERVICE>_PORT names) when
 * they are reached at several. A Swarm service's host-mode ports are on the
 * node running its task (each port carries that node's address).
 */
export function serviceHosts(
  publishedHost: string,
  services: readonly { service: string; ports: PublishedPort[] }[],
): Record<string, string> {
  const hosts: Record<string, string> = {};
  for (const { service, ports } of services) {
    const reached = new Set(ports.map((port) => reachableHost(publishedHost, port.hostIp)));
    const first = ports.find((port) => port.protocol === 'tcp') ?? ports[0];
    if (first === undefined) continue;
    const [only] = reached;
    hosts[service] =
      reached.size === 1 && only !== undefined ? only : reachableHost(publishedHost, first.hostIp);
  }
  return hosts;
}

export function stackHostEnv(
  target: StackTarget,
  info: EngineInfo,
  services: readonly { service: string; ports: PublishedPort[] }[],
): Record<string, string> {
  const published: Record<string, PublishedPort[]> = {};
  for (const runtime of services) {
    // Loopback-published ports are what the host reaches; 0.0.0.0 binds are reachable on loopback too.
    published[runtime.service] = runtime.ports;
  }
  return hostEnvironment({
    project: target.project,
    publishedHost: boundHost(info.publishedHost, services),
    published,
    serviceHosts: serviceHosts(info.publishedHost, services),
    extra: {
      DEVENV_STACK: target.identity.name,
      DEVENV_BRANCH: target.identity.branch,
      DEVENV_PROJECT: target.identity.project,
      DEVENV_ENV: target.identity.environment,
    },
  });
}

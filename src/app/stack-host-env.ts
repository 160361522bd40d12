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
    extra: {
      DEVENV_STACK: target.identity.name,
      DEVENV_BRANCH: target.identity.branch,
      DEVENV_PROJECT: target.identity.project,
      DEVENV_ENV: target.identity.environment,
    },
  });
}

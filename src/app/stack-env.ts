/** The stack's host-side environment from the template and the ports the engine published. */
import type { EngineInfo, PublishedPort } from '../contracts/engine.js';
import { hostEnvironment } from '../core/env/host-env.js';
import type { StackTarget } from './stack-target.js';

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
    publishedHost: info.publishedHost,
    published,
    extra: {
      DEVENV_STACK: target.identity.name,
      DEVENV_BRANCH: target.identity.branch,
      DEVENV_PROJECT: target.identity.project,
    },
  });
}

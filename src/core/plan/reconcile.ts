/**
 * Reconcile: compare the wanted stack with what the engine has (by labels)
 * and return a plan. Pure: no engine calls; the executor in app/ runs it.
 * Like `docker compose up`: unchanged services keep running (config hash),
 * changed ones are recreated, removed ones deleted.
 */
import type { ContainerStatus, ResourceSummary } from '../../contracts/engine.js';
import { Labels } from '../stack/labels.js';

export interface DesiredService {
  name: string;
  configHash: string;
  /**
   * Meant to run to completion (a `service_completed_successfully` dependency names it):
   * having exited with code 0 it is done. Any other service that exited is started again.
   */
  runsToCompletion?: boolean;
  /** Services whose network, IPC or PID namespace this one joins (network_mode: service:NAME, ...). */
  joins?: string[];
}

export interface DesiredStack {
  services: DesiredService[];
  /** Engine names of networks/volumes devenv owns for this stack. */
  networks: string[];
  volumes: string[];
}

export interface ObservedStack {
  containers: ContainerStatus[];
  networks: ResourceSummary[];
  volumes: ResourceSummary[];
}

export type PlanStep =
  | { action: 'CreateNetwork'; network: string; reason: string }
  | { action: 'RemoveNetwork'; network: string; reason: string }
  | { action: 'CreateVolume'; volume: string; reason: string }
  | { action: 'CreateService'; service: string; reason: string }
  | { action: 'RecreateService'; service: string; container: string; reason: string }
  | { action: 'StartService'; service: string; container: string; reason: string }
  | { action: 'KeepService'; service: string; container: string; reason: string }
  | { action: 'RemoveContainer'; service: string; container: string; reason: string };

export function reconcile(desired: DesiredStack, observed: ObservedStack): PlanStep[] {
  const steps: PlanStep[] = [];
  const observedNetworks = new Set(observed.networks.map((network) => network.name));
  const observedVolumes = new Set(observed.volumes.map((volume) => volume.name));
  for (const network of [...desired.networks].sort()) {
    if (!observedNetworks.has(network)) steps.push({ action: 'CreateNetwork', network, reason: 'not found' });
  }
  for (const volume of [...new Set(desired.volumes)].sort()) {
    if (!observedVolumes.has(volume)) steps.push({ action: 'CreateVolume', volume, reason: 'not found' });
  }

  const byService = new Map<string, ContainerStatus[]>();
  for (const container of observed.containers) {
    const service = container.labels[Labels.service] ?? '';
    byService.set(service, [...(byService.get(service) ?? []), container]);
  }
  const wanted = new Set(desired.services.map((service) => service.name));

  for (const service of [...desired.services].sort((a, b) => a.name.localeCompare(b.name))) {
    const [container, ...extra] = byService.get(service.name) ?? [];
    for (const duplicate of extra) {
      steps.push({
        action: 'RemoveContainer',
        service: service.name,
        container: duplicate.name,
        reason: 'duplicate container',
      });
    }
    if (!container) {
      steps.push({ action: 'CreateService', service: service.name, reason: 'not found' });
      continue;
    }
    const hash = container.labels[Labels.configHash];
    if (hash !== service.configHash) {
      steps.push({
        action: 'RecreateService',
        service: service.name,
        container: container.name,
        reason: `config changed (${hash ?? 'none'} -> ${service.configHash})`,
      });
    } else if (container.state === 'running' || container.state === 'restarting') {
      steps.push({
        action: 'KeepService',
        service: service.name,
        container: container.name,
        reason: 'config unchanged, running',
      });
    } else if (service.runsToCompletion && container.state === 'exited' && container.exitCode === 0) {
      steps.push({
        action: 'KeepService',
        service: service.name,
        container: container.name,
        reason: 'config unchanged, completed',
      });
    } else {
      steps.push({
        action: 'StartService',
        service: service.name,
        container: container.name,
        reason: `config unchanged, ${container.state}`,
      });
    }
  }
  recreateJoiners(desired.services, steps);
  for (const [service, containers] of [...byService.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (wanted.has(service)) continue;
    for (const container of containers) {
      steps.push({
        action: 'RemoveContainer',
        service,
        container: container.name,
        reason: 'service no longer in the template',
      });
    }
  }
  const wantedNetworks = new Set(desired.networks);
  for (const network of observed.networks.map((item) => item.name).sort()) {
    if (!wantedNetworks.has(network))
      steps.push({ action: 'RemoveNetwork', network, reason: 'no longer in the template' });
  }
  return steps;
}

/**
 * A container that joined another's namespace stays in the old one when that
 * container is created, recreated or started again: it is recreated too (after
 * it, by its implicit dependency), transitively.
 */
function recreateJoiners(services: readonly DesiredService[], steps: PlanStep[]): void {
  const stepOf = (name: string) =>
    steps.find((step) => 'service' in step && step.service === name && step.action !== 'RemoveContainer');
  for (let changed = true; changed;) {
    changed = false;
    for (const service of services) {
      const step = stepOf(service.name);
      if (!step || (step.action !== 'KeepService' && step.action !== 'StartService')) continue;
      const moved = (service.joins ?? []).find((provider) => {
        const action = stepOf(provider)?.action;
        return action === 'CreateService' || action === 'RecreateService' || action === 'StartService';
      });
      if (moved === undefined) continue;
      steps[steps.indexOf(step)] = {
        action: 'RecreateService',
        service: service.name,
        container: step.container,
        reason: `it shares the namespace of ${moved}, which is ${stepOf(moved)?.action === 'StartService' ? 'started again' : 'new'}`,
      };
      changed = true;
    }
  }
}

/** One line a step: "service:postgres RecreateService myapp-main-postgres-1 (config changed ...)". */
export function planText(steps: readonly PlanStep[]): string[] {
  return steps.map((step) => {
    switch (step.action) {
      case 'CreateNetwork':
      case 'RemoveNetwork':
        return `network:${step.network} ${step.action} (${step.reason})`;
      case 'CreateVolume':
        return `volume:${step.volume} ${step.action} (${step.reason})`;
      case 'CreateService':
        return `service:${step.service} ${step.action} (${step.reason})`;
      default:
        return `service:${step.service} ${step.action} ${step.container} (${step.reason})`;
    }
  });
}

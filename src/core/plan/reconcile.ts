/**
 * Reconcile: compare the wanted stack with what the engine has (by labels)
 * and return a plan. Pure: no engine calls; the executor in app/ runs it.
 * Like `docker compose up`: unchanged services keep running (config hash),
 * changed ones are recreated, removed ones deleted.
 */
import type { ObservedContainer } from '../stack/label-facts.js';
import type { ResourceSummary } from '../../contracts/engine.js';

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
  /** With their label facts parsed once (core/stack/label-facts.ts). */
  containers: ObservedContainer[];
  networks: ResourceSummary[];
  volumes: ResourceSummary[];
}

export type PlanStep =
  | { action: 'CreateNetwork'; network: string; reason: string }
  /** Removed by id (the name is ambiguous when there are duplicates); `duplicate`: before services are created. */
  | { action: 'RemoveNetwork'; network: string; id: string; reason: string; duplicate?: boolean }
  | { action: 'CreateVolume'; volume: string; reason: string }
  | { action: 'CreateService'; service: string; reason: string }
  | { action: 'RecreateService'; service: string; container: string; reason: string }
  | { action: 'StartService'; service: string; container: string; reason: string }
  | { action: 'KeepService'; service: string; container: string; reason: string }
  | { action: 'RemoveContainer'; service: string; container: string; reason: string };

/**
 * Networks are the one resource the engine lets share a name: two processes
 * creating the stack's network at once can leave two, and every later use of
 * the name is ambiguous. Keep one per name (the one most of the stack's
 * containers are attached to, then the oldest, then the lowest id) and
 * remove the others by id; containers attached to a removed one are
 * recreated on the kept one.
 */
function duplicateNetworks(observed: ObservedStack): {
  remove: ResourceSummary[];
  keep: Map<string, string>;
} {
  const byName = new Map<string, ResourceSummary[]>();
  for (const network of observed.networks)
    byName.set(network.name, [...(byName.get(network.name) ?? []), network]);
  const attached = (id: string) =>
    observed.containers.filter((container) => container.networkIds?.includes(id)).length;
  const remove: ResourceSummary[] = [];
  const keep = new Map<string, string>();
  for (const [name, networks] of byName) {
    if (networks.length < 2) continue;
    const [kept, ...others] = [...networks].sort(
      (a, b) =>
        attached(b.id) - attached(a.id) ||
        (a.createdAt ?? '').localeCompare(b.createdAt ?? '') ||
        a.id.localeCompare(b.id),
    );
    keep.set(name, kept!.id);
    remove.push(...others);
  }
  return { remove, keep };
}

export function reconcile(desired: DesiredStack, observed: ObservedStack): PlanStep[] {
  const steps: PlanStep[] = [];
  const observedNetworks = new Set(observed.networks.map((network) => network.name));
  const wantedNetworks = new Set(desired.networks);
  const duplicates = duplicateNetworks(observed);
  const onDuplicate = new Set(
    observed.containers
      .filter((container) => duplicates.remove.some((network) => container.networkIds?.includes(network.id)))
      .map((container) => container.id),
  );
  const observedVolumes = new Set(observed.volumes.map((volume) => volume.name));
  for (const network of [...desired.networks].sort()) {
    if (!observedNetworks.has(network)) steps.push({ action: 'CreateNetwork', network, reason: 'not found' });
  }
  for (const volume of [...new Set(desired.volumes)].sort()) {
    if (!observedVolumes.has(volume)) steps.push({ action: 'CreateVolume', volume, reason: 'not found' });
  }
  for (const network of [...duplicates.remove].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!wantedNetworks.has(network.name)) continue; // removed below with the rest of its name
    steps.push({
      action: 'RemoveNetwork',
      network: network.name,
      id: network.id,
      reason: `duplicate; keeping ${shortId(duplicates.keep.get(network.name) ?? '')}`,
      duplicate: true,
    });
  }

  const byService = new Map<string, ObservedContainer[]>();
  for (const container of observed.containers) {
    const { service } = container.facts;
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
    if (onDuplicate.has(container.id)) {
      // Removed before the duplicate network is, created again once the name is unambiguous.
      steps.push({
        action: 'RemoveContainer',
        service: service.name,
        container: container.name,
        reason: 'attached to a duplicate network',
      });
      steps.push({ action: 'CreateService', service: service.name, reason: 'was on a duplicate network' });
      continue;
    }
    const hash = container.facts.configHash;
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
  for (const network of [...observed.networks].sort(
    (a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
  )) {
    if (!wantedNetworks.has(network.name))
      steps.push({
        action: 'RemoveNetwork',
        network: network.name,
        id: network.id,
        reason: 'no longer in the template',
      });
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

function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** One line a step: "service:postgres RecreateService myapp-main-postgres-1 (config changed ...)". */
export function planText(steps: readonly PlanStep[]): string[] {
  return steps.map((step) => {
    switch (step.action) {
      case 'CreateNetwork':
        return `network:${step.network} ${step.action} (${step.reason})`;
      case 'RemoveNetwork':
        return step.duplicate
          ? `network:${step.network} ${step.action} ${shortId(step.id)} (${step.reason})`
          : `network:${step.network} ${step.action} (${step.reason})`;
      case 'CreateVolume':
        return `volume:${step.volume} ${step.action} (${step.reason})`;
      case 'CreateService':
        return `service:${step.service} ${step.action} (${step.reason})`;
      default:
        return `service:${step.service} ${step.action} ${step.container} (${step.reason})`;
    }
  });
}

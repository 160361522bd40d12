/** `devenv ls`: every devenv stack on the engine, from labels alone. */
import type { ContainerEngine, HealthState, PublishedPort, ContainerRunState } from '../contracts/engine.js';
import { Labels, anyStackSelector } from '../core/stack/labels.js';
import type { StackLease } from '../core/stack/expiry.js';
import type { AppContext } from './context.js';

export interface StackServiceSummary {
  service: string;
  container: string;
  state: ContainerRunState;
  health: HealthState;
  ports: PublishedPort[];
}

export interface StackSummary {
  stack: string;
  project: string;
  branch: string;
  owner: string;
  ephemeral: boolean;
  /** What gc decides expiry by. */
  lease: StackLease;
  createdAt: string;
  ageSeconds: number;
  workingDir: string;
  services: StackServiceSummary[];
  networks: string[];
  volumes: string[];
}

function leaseFrom(labels: Record<string, string>): StackLease {
  const lease: StackLease = {
    ephemeral: labels[Labels.ephemeral] === 'true',
    createdAt: labels[Labels.created] ?? '',
  };
  const ttl = labels[Labels.ttlSeconds];
  const pid = labels[Labels.ownerPid];
  const host = labels[Labels.ownerHost];
  if (ttl !== undefined) lease.ttlSeconds = Number(ttl);
  if (pid !== undefined) lease.ownerPid = Number(pid);
  if (host !== undefined) lease.ownerHost = host;
  return lease;
}

export async function collectStacks(ctx: AppContext, engine: ContainerEngine): Promise<StackSummary[]> {
  const selector = anyStackSelector();
  const [containers, networks, volumes] = await Promise.all([
    engine.listContainers(selector),
    engine.listNetworks(selector),
    engine.listVolumes(selector),
  ]);
  const stacks = new Map<string, StackSummary>();
  const summaryFor = (labels: Record<string, string>): StackSummary | undefined => {
    const stack = labels[Labels.stack];
    if (!stack) return undefined;
    let summary = stacks.get(stack);
    if (!summary) {
      const createdAt = labels[Labels.created] ?? '';
      const created = Date.parse(createdAt);
      summary = {
        stack,
        lease: leaseFrom(labels),
        project: labels[Labels.project] ?? '',
        branch: labels[Labels.branch] ?? '',
        owner: labels[Labels.owner] ?? '',
        ephemeral: labels[Labels.ephemeral] === 'true',
        createdAt,
        ageSeconds: Number.isNaN(created) ? 0 : Math.max(0, Math.round((ctx.clock.now() - created) / 1000)),
        workingDir: labels[Labels.workingDir] ?? '',
        services: [],
        networks: [],
        volumes: [],
      };
      stacks.set(stack, summary);
    }
    return summary;
  };
  for (const container of containers) {
    summaryFor(container.labels)?.services.push({
      service: container.labels[Labels.service] ?? container.name,
      container: container.name,
      state: container.state,
      health: container.health,
      ports: container.ports,
    });
  }
  for (const network of networks) summaryFor(network.labels)?.networks.push(network.name);
  for (const volume of volumes) summaryFor(volume.labels)?.volumes.push(volume.name);
  for (const summary of stacks.values()) {
    summary.services.sort((a, b) => a.service.localeCompare(b.service));
    summary.networks.sort();
    summary.volumes.sort();
  }
  return [...stacks.values()].sort((a, b) => a.stack.localeCompare(b.stack));
}

export async function listStacks(ctx: AppContext): Promise<StackSummary[]> {
  const { engine } = await ctx.engine();
  return collectStacks(ctx, engine);
}

/** `devenv ls`: every devenv stack on the engine (or the swarm), from labels alone. */
import type { ContainerEngine, HealthState, PublishedPort, ContainerRunState } from '../contracts/engine.js';
import type { StackInventory } from '../contracts/stack-backend.js';
import type { TaskPlacement } from '../contracts/swarm-engine.js';
import { anyStackSelector, Labels } from '../core/stack/labels.js';
import { containerFacts, stackFacts } from '../core/stack/label-facts.js';
import type { StackLease } from '../core/stack/expiry.js';
import { describeRunEnd } from '../core/stack/run-end.js';
import type { AppContext } from './context.js';

export interface StackServiceSummary {
  service: string;
  container: string;
  state: ContainerRunState;
  health: HealthState;
  ports: PublishedPort[];
  /** Times the engine restarted it (its restart policy). */
  restartCount: number;
  /** How its last run ended (core/stack/run-end.ts), when it ended or was restarted. */
  lastExit?: string;
  /** Its tasks and the node each runs on, on a backend that spreads a service over nodes (Swarm). */
  tasks?: TaskPlacement[];
}

export interface StackSummary {
  stack: string;
  project: string;
  branch: string;
  owner: string;
  /** The devenv.yaml environment (dev for stacks without the label). */
  environment: string;
  ephemeral: boolean;
  /** What gc decides expiry by. */
  lease: StackLease;
  createdAt: string;
  ageSeconds: number;
  workingDir: string;
  /** For a preview stack (`devenv preview up`): the repository it previews. */
  preview?: { repository: string };
  /** The host port of the preview proxy that routes the stack, when one does. */
  proxyPort?: number;
  services: StackServiceSummary[];
  networks: string[];
  volumes: string[];
}

export async function collectStacks(ctx: AppContext, engine: ContainerEngine): Promise<StackSummary[]> {
  const selector = anyStackSelector();
  const [instances, networks, volumes] = await Promise.all([
    engine.listContainers(selector),
    engine.listNetworks(selector),
    engine.listVolumes(selector),
  ]);
  // A swarm task's volume on this (manager's) node is the Swarm backend's stack, not a container stack.
  const own = volumes.filter((volume) => volume.labels[Labels.backend] !== 'swarm');
  return summarise(ctx, { instances, networks, volumes: own, tasks: new Map() });
}

function summarise(ctx: AppContext, inventory: StackInventory): StackSummary[] {
  const { instances: containers, networks, volumes } = inventory;
  const stacks = new Map<string, StackSummary>();
  const summaryFor = (labels: Record<string, string>): StackSummary | undefined => {
    const facts = stackFacts(labels);
    const { stack } = facts;
    if (!stack) return undefined;
    let summary = stacks.get(stack);
    if (!summary) {
      const created = Date.parse(facts.createdAt);
      summary = {
        stack,
        lease: facts.lease,
        project: facts.project,
        branch: facts.branch,
        owner: facts.owner,
        environment: facts.environment,
        ephemeral: facts.lease.ephemeral,
        createdAt: facts.createdAt,
        ageSeconds: Number.isNaN(created) ? 0 : Math.max(0, Math.round((ctx.clock.now() - created) / 1000)),
        workingDir: facts.workingDir,
        ...(facts.preview !== undefined ? { preview: facts.preview } : {}),
        ...(facts.proxyPort !== undefined ? { proxyPort: facts.proxyPort } : {}),
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
      service: containerFacts(container).service,
      container: container.name,
      state: container.state,
      health: container.health,
      ports: container.ports,
      restartCount: container.restartCount,
      ...(container.exitCode !== undefined || container.oomKilled === true
        ? { lastExit: describeRunEnd(container) }
        : {}),
      ...(inventory.tasks.has(container.id) ? { tasks: inventory.tasks.get(container.id) } : {}),
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
  // A backend that lists its stacks itself (Swarm: services and the nodes their tasks run on).
  const backend = await ctx.backend();
  if (backend.inventory) return summarise(ctx, await backend.inventory());
  const { engine } = await ctx.engine();
  return collectStacks(ctx, engine);
}

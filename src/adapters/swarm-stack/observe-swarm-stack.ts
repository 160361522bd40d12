/** Observe a stack on a swarm: its services (one instance each), overlay networks and volumes. */
import type { LabelSelector, ResourceSummary } from '../../contracts/engine.js';
import type { StackInventory } from '../../contracts/stack-backend.js';
import type { SwarmTask } from '../../contracts/swarm-engine.js';
import type { ObservedStack } from '../../core/plan/reconcile.js';
import { observedContainer } from '../../core/stack/label-facts.js';
import { anyStackSelector, stackSelector } from '../../core/stack/labels.js';
import { serviceStatus, taskPlacements } from './service-status.js';
import { nodeView, type SwarmCluster } from './swarm-nodes.js';

/**
 * Volumes are per node on a swarm (local driver): the stack's are listed on every node
 * engine devenv reaches, one entry per name.
 */
export function stackVolumes(cluster: SwarmCluster, stack: string): Promise<ResourceSummary[]> {
  return labelledVolumes(cluster, stackSelector(stack));
}

async function labelledVolumes(cluster: SwarmCluster, selector: LabelSelector): Promise<ResourceSummary[]> {
  const engines = [...(await cluster.nodeEngines()).values()];
  const lists = await Promise.all(
    engines.map((node) => node.containers.listVolumes(selector).catch(() => [])),
  );
  const byName = new Map<string, ResourceSummary>();
  for (const volume of lists.flat()) if (!byName.has(volume.name)) byName.set(volume.name, volume);
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export async function observeSwarmStack(cluster: SwarmCluster, stack: string): Promise<ObservedStack> {
  const { swarm } = cluster;
  const selector = stackSelector(stack);
  const [services, networks, volumes, view] = await Promise.all([
    swarm.listServices(selector),
    swarm.listNetworks(selector),
    stackVolumes(cluster, stack),
    nodeView(cluster),
  ]);
  const tasks: SwarmTask[] = services.length > 0 ? await swarm.listTasks(services.map((s) => s.id)) : [];
  const containers = services.map((service) =>
    observedContainer(
      serviceStatus(
        service,
        tasks.filter((task) => task.serviceId === service.id),
        view.nodes,
        view.address,
      ),
    ),
  );
  return { containers, networks, volumes };
}

/** Every devenv stack on the swarm: its services as instances, each with its tasks' nodes (`devenv ls`). */
export async function swarmInventory(cluster: SwarmCluster): Promise<StackInventory> {
  const { swarm } = cluster;
  const selector = anyStackSelector();
  const [services, networks, volumes, view] = await Promise.all([
    swarm.listServices(selector),
    swarm.listNetworks(selector),
    labelledVolumes(cluster, selector),
    nodeView(cluster),
  ]);
  const tasks: SwarmTask[] = services.length > 0 ? await swarm.listTasks(services.map((s) => s.id)) : [];
  const placements = new Map<string, ReturnType<typeof taskPlacements>>();
  const instances = services.map((service) => {
    const own = tasks.filter((task) => task.serviceId === service.id);
    placements.set(service.id, taskPlacements(service, own, view.nodes));
    return serviceStatus(service, own, view.nodes, view.address);
  });
  return { instances, networks, volumes, tasks: placements };
}

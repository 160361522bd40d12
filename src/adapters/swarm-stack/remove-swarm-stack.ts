/**
 * Removes a stack from a swarm, all found by the stack label: its services
 * (their tasks stop on every node), then its overlay networks, secrets and
 * configs, and when asked its volumes on every node engine devenv reaches.
 */
import type { RemovedStack, StackChange } from '../../contracts/stack-backend.js';
import { stackSelector } from '../../core/stack/labels.js';
import { observeSwarmStack } from './observe-swarm-stack.js';
import type { SwarmCluster } from './swarm-nodes.js';
import { untilFree } from '../removal/until-free.js';
import { untilNodeContainersGone, untilTasksGone } from './removal-waits.js';

export async function removeSwarmStack(
  cluster: SwarmCluster,
  stack: string,
  options: { volumes: boolean },
  onChange: (change: StackChange) => void,
): Promise<RemovedStack> {
  const { swarm } = cluster;
  const selector = stackSelector(stack);
  const observed = await observeSwarmStack(cluster, stack);
  await Promise.all(
    observed.containers.map(async (service) => {
      await swarm.removeService(service.id);
      if (service.state === 'running')
        onChange({ type: 'container.stopped', service: service.facts.service, container: service.name });
      onChange({ type: 'container.removed', service: service.facts.service, container: service.name });
    }),
  );
  // The tasks' containers go asynchronously, node by node: wait until none is left.
  if (observed.containers.length > 0) {
    await untilTasksGone(
      swarm,
      observed.containers.map((service) => service.id),
    );
    await untilNodeContainersGone([...(await cluster.nodeEngines()).values()], selector);
  }
  const [secrets, configs] = await Promise.all([swarm.listSecrets(selector), swarm.listConfigs(selector)]);
  await Promise.all([
    ...observed.networks.map(async (network) => {
      await untilFree(() => swarm.removeNetwork(network.id));
      onChange({ type: 'network.removed', network: network.name });
    }),
    ...secrets.map((secret) => untilFree(() => swarm.removeSecret(secret.id))),
    ...configs.map((config) => untilFree(() => swarm.removeConfig(config.id))),
  ]);
  let removedVolumes = 0;
  if (options.volumes) {
    const engines = [...(await cluster.nodeEngines()).values()];
    const names = new Set<string>();
    await Promise.all(
      engines.map(async (node) => {
        const volumes = await node.containers.listVolumes(selector).catch(() => []);
        for (const volume of volumes) {
          await untilFree(() => node.containers.removeVolume(volume.name));
          names.add(volume.name);
        }
      }),
    );
    for (const name of [...names].sort()) onChange({ type: 'volume.removed', volume: name });
    removedVolumes = names.size;
  }
  return {
    containers: observed.containers.length,
    networks: observed.networks.length,
    volumes: removedVolumes,
    volumesKept: observed.volumes.length - removedVolumes,
  };
}

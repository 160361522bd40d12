/**
 * Removes a stack's containers and networks, and when asked its volumes, all
 * found by the stack label and nothing else.
 */
import type { ContainerEngine } from '../../contracts/engine.js';
import type { RemovedStack, StackChange } from '../../contracts/stack-backend.js';
import { stackSelector } from '../../core/stack/labels.js';
import { untilFree } from '../removal/until-free.js';
import { observeStack } from './observe-stack.js';

/** How long a volume may stay in use by a container of the stack that appears after the listing. */
const VOLUME_IN_USE_MS = 15_000;

/**
 * A volume of the stack, removed. When the engine says it is in use, a container of the stack
 * came after the listing: one a killed devenv had asked for (the engine finishes the request
 * without its client; the Postgres data cache's filler takes about a second). Those are removed
 * too, and the volume again, until it goes or the time is up (then the engine's error).
 */
function removeVolumeOfStack(engine: ContainerEngine, stack: string, volume: string): Promise<void> {
  return untilFree(() => engine.removeVolume(volume), {
    waitMs: VOLUME_IN_USE_MS,
    between: async () => {
      for (const late of await engine.listContainers(stackSelector(stack)))
        await engine.removeContainer(late.id, { force: true, volumes: true }).catch(() => undefined);
    },
  });
}

export async function removeStackResources(
  engine: ContainerEngine,
  stack: string,
  options: { volumes: boolean },
  onChange: (change: StackChange) => void,
): Promise<RemovedStack> {
  const observed = await observeStack(engine, stack);
  await Promise.all(
    observed.containers.map(async (container) => {
      const { service, stopTimeoutSeconds } = container.facts;
      // With volumes the data is discarded anyway: no grace period.
      if (!options.volumes && container.state === 'running') {
        await engine.stopContainer(container.id, stopTimeoutSeconds);
        onChange({ type: 'container.stopped', service, container: container.name });
      }
      await engine.removeContainer(container.id, { force: true, volumes: true });
      onChange({ type: 'container.removed', service, container: container.name });
    }),
  );
  // Networks and volumes are free once the containers are gone: remove both at once.
  // Networks by id: two with the same name (left by two processes at once) make the name ambiguous.
  const removeVolumes = options.volumes ? observed.volumes : [];
  await Promise.all([
    ...observed.networks.map(async (network) => {
      await engine.removeNetwork(network.id);
      onChange({ type: 'network.removed', network: network.name });
    }),
    ...removeVolumes.map(async (volume) => {
      await removeVolumeOfStack(engine, stack, volume.name);
      onChange({ type: 'volume.removed', volume: volume.name });
    }),
  ]);
  return {
    containers: observed.containers.length,
    networks: observed.networks.length,
    volumes: removeVolumes.length,
    volumesKept: observed.volumes.length - removeVolumes.length,
  };
}

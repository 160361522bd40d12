/**
 * `devenv down`: remove a stack's containers and networks, and with
 * `volumes` its volumes, all found by the stack label and nothing else.
 */
import type { ContainerEngine } from '../contracts/engine.js';
import { containerFacts, stopTimeoutSeconds } from '../core/stack/label-facts.js';
import { Labels } from '../core/stack/labels.js';
import type { AppContext } from './context.js';
import { removeImageLeftovers } from './image-gc.js';
import { observeStack } from './observe.js';
import { withStackLock } from './stack-lock.js';

export interface DownOptions {
  stack: string;
  volumes: boolean;
  /** How long to wait for another devenv process changing the stack (default: DEVENV_LOCK_WAIT); 0 tries once. */
  lockWaitMs?: number;
}

export interface DownResult {
  stack: string;
  containers: number;
  networks: number;
  volumes: number;
  /** The stack's volumes left in place (down without --volumes). */
  volumesKept: number;
  durationMs: number;
}

/** Removes the stack under its lock (STACK_BUSY when another process keeps changing it). */
export async function removeStack(
  ctx: AppContext,
  engine: ContainerEngine,
  options: DownOptions,
): Promise<DownResult> {
  return withStackLock(ctx, options.stack, () => removeLocked(ctx, engine, options), {
    ...(options.lockWaitMs !== undefined ? { waitMs: options.lockWaitMs } : {}),
  });
}

async function removeLocked(
  ctx: AppContext,
  engine: ContainerEngine,
  options: DownOptions,
): Promise<DownResult> {
  const started = ctx.clock.now();
  const observed = await observeStack(engine, options.stack);
  await Promise.all(
    observed.containers.map(async (container) => {
      const { service } = containerFacts(container);
      // With --volumes the data is discarded anyway: no grace period.
      if (!options.volumes && container.state === 'running') {
        await engine.stopContainer(container.id, stopTimeoutSeconds(container.labels));
        ctx.emit({ type: 'container.stopped', service, container: container.name });
      }
      await engine.removeContainer(container.id, { force: true, volumes: true });
      ctx.emit({ type: 'container.removed', service, container: container.name });
    }),
  );
  // Networks and volumes are free once the containers are gone: remove both at once.
  // Networks by id: two with the same name (left by two processes at once) make the name ambiguous.
  const removeVolumes = options.volumes ? observed.volumes : [];
  await Promise.all([
    ...observed.networks.map(async (network) => {
      await engine.removeNetwork(network.id);
      ctx.emit({ type: 'network.removed', network: network.name });
    }),
    ...removeVolumes.map(async (volume) => {
      await engine.removeVolume(volume.name);
      ctx.emit({ type: 'volume.removed', volume: volume.name });
    }),
  ]);
  const volumes = removeVolumes.length;
  // Images devenv built for this stack are tagged per stack: leaving them would pile up tags.
  const images = await engine.listImages({ [Labels.stack]: options.stack });
  for (const image of images) {
    await engine.removeImage(image.name).catch(() => undefined);
    ctx.emit({ type: 'image.removed', image: image.name });
  }
  // And what builds for this stack left when they were interrupted (untagged layers, named by their records).
  await removeImageLeftovers(ctx, engine, { dryRun: false, liveStacks: new Set(), stack: options.stack });
  const result = {
    stack: options.stack,
    containers: observed.containers.length,
    networks: observed.networks.length,
    volumes,
    volumesKept: observed.volumes.length - volumes,
    durationMs: ctx.clock.now() - started,
  };
  ctx.emit({ type: 'stack.removed', ...result });
  return result;
}

export async function down(ctx: AppContext, options: DownOptions): Promise<DownResult> {
  const { engine } = await ctx.engine();
  return removeStack(ctx, engine, options);
}

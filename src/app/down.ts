/**
 * `devenv down`: remove a stack's containers and networks, and with
 * `volumes` its volumes, all found by the stack label and nothing else.
 */
import type { ContainerEngine } from '../contracts/engine.js';
import { DEFAULT_STOP_GRACE_MS } from '../core/plan/container-request.js';
import { Labels } from '../core/stack/labels.js';
import type { AppContext } from './context.js';
import { observeStack } from './observe.js';

function stopTimeout(labels: Record<string, string>): number {
  const value = Number(labels[Labels.stopTimeout]);
  return Number.isFinite(value) && value >= 0 ? value : Math.ceil(DEFAULT_STOP_GRACE_MS / 1000);
}

export interface DownOptions {
  stack: string;
  volumes: boolean;
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

export async function removeStack(
  ctx: AppContext,
  engine: ContainerEngine,
  options: DownOptions,
): Promise<DownResult> {
  const started = ctx.clock.now();
  const observed = await observeStack(engine, options.stack);
  await Promise.all(
    observed.containers.map(async (container) => {
      const service = container.labels[Labels.service] ?? container.name;
      // With --volumes the data is discarded anyway: no grace period.
      if (!options.volumes && container.state === 'running') {
        await engine.stopContainer(container.id, stopTimeout(container.labels));
        ctx.emit({ type: 'container.stopped', service, container: container.name });
      }
      await engine.removeContainer(container.id, { force: true, volumes: true });
      ctx.emit({ type: 'container.removed', service, container: container.name });
    }),
  );
  // Networks and volumes are free once the containers are gone: remove both at once.
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

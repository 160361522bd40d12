/**
 * `devenv down`: remove a stack's containers and networks, and with
 * `volumes` its volumes, all found by the stack label and nothing else.
 */
import { Labels } from '../core/stack/labels.js';
import type { AppContext } from './context.js';
import { removeImageLeftovers } from './image-gc.js';
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
export async function removeStack(ctx: AppContext, options: DownOptions): Promise<DownResult> {
  return withStackLock(ctx, options.stack, () => removeLocked(ctx, options), {
    ...(options.lockWaitMs !== undefined ? { waitMs: options.lockWaitMs } : {}),
  });
}

async function removeLocked(ctx: AppContext, options: DownOptions): Promise<DownResult> {
  const started = ctx.clock.now();
  const backend = await ctx.backend();
  const removed = await backend.remove(options.stack, { volumes: options.volumes }, (change) =>
    ctx.emit(change),
  );
  // Images and what interrupted builds left are engine-level: the backend runs stacks, the engine keeps images.
  const { engine } = await ctx.engine();
  // Images devenv built for this stack are tagged per stack: leaving them would pile up tags.
  const images = await engine.listImages({ [Labels.stack]: options.stack });
  for (const image of images) {
    await engine.removeImage(image.name).catch(() => undefined);
    ctx.emit({ type: 'image.removed', image: image.name });
  }
  // And what builds for this stack left when they were interrupted (untagged layers, named by their records).
  await removeImageLeftovers(ctx, engine, { dryRun: false, liveStacks: new Set(), stack: options.stack });
  const result = { stack: options.stack, ...removed, durationMs: ctx.clock.now() - started };
  ctx.emit({ type: 'stack.removed', ...result });
  return result;
}

export async function down(ctx: AppContext, options: DownOptions): Promise<DownResult> {
  return removeStack(ctx, options);
}

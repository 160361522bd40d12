/**
 * `devenv down`: remove a stack's containers and networks, and with
 * `volumes` its volumes, all found by the stack label and nothing else; then
 * the stack's tags on the images it was built or shared (an image itself
 * only when no other stack uses it: app/image-gc.ts).
 */
import { Labels } from '../core/stack/labels.js';
import type { AppContext } from './context.js';
import { removeImageLeftovers } from './image-gc.js';
import { withStackLock } from './stack-lock.js';
import { withProxiesDetached } from './proxy.js';

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
  // The preview proxy lets go of the stack's networks first, and is synced (or removed) after.
  const removed = await withProxiesDetached(ctx, options.stack, () =>
    backend.remove(options.stack, { volumes: options.volumes }, (change) => ctx.emit(change)),
  );
  // Images and what interrupted builds left are engine-level: the backend runs stacks, the engine keeps images.
  const { engine } = await ctx.engine();
  // Images built with this stack's label (under a template's `image:` name, or by devenv before
  // images were shared): leaving them would pile up tags. Unforced: one another stack's container uses stays.
  const images = await engine.listImages({ [Labels.stack]: options.stack });
  for (const image of images) {
    const removed = await engine.removeImage(image.name).then(
      () => true,
      () => false,
    );
    if (removed) ctx.emit({ type: 'image.removed', image: image.name });
  }
  // Then this stack's references to shared images, and each such image no other stack references
  // any more; and what builds for this stack left when they were interrupted (named by their records).
  await removeImageLeftovers(ctx, engine, { dryRun: false, liveStacks: new Set(), stack: options.stack });
  const result = { stack: options.stack, ...removed, durationMs: ctx.clock.now() - started };
  ctx.emit({ type: 'stack.removed', ...result });
  return result;
}

export async function down(ctx: AppContext, options: DownOptions): Promise<DownResult> {
  return removeStack(ctx, options);
}

/**
 * Removes the images devenv left behind (core/plan/image-leftovers.ts decides
 * which): what interrupted builds committed (from the build records), images
 * of stacks that have nothing else left, and images a killed build labelled
 * partly. `gc` looks at every stack, each under its lock (a stack another
 * process is changing is skipped); `down` at its own stack, under the lock it
 * already holds. Images without devenv's labels are removed only when a
 * build record names them as committed by that build (or its last step).
 */
import type { ContainerEngine, ImageSummary } from '../contracts/engine.js';
import { isDevenvError } from '../core/errors.js';
import {
  imageLeftovers,
  LABELLED_IMAGE_GRACE_MS,
  type ImageNode,
  type ImageVerdict,
} from '../core/plan/image-leftovers.js';
import type { AppContext } from './context.js';
import { withStackLock } from './stack-lock.js';

export interface ImageGcOptions {
  dryRun: boolean;
  /** Stacks with containers, networks or volumes. */
  liveStacks: ReadonlySet<string>;
  /** down: only this stack, whose lock the caller holds. */
  stack?: string;
}

function node(image: ImageSummary): ImageNode {
  return {
    id: image.id,
    tags: image.tags,
    labels: image.labels,
    ...(image.parentId !== undefined ? { parentId: image.parentId } : {}),
    ...(image.createdAt !== undefined ? { createdAt: image.createdAt } : {}),
  };
}

function shown(image: ImageNode): string {
  return image.tags[0] ?? image.id.replace(/^sha256:/, '').slice(0, 12);
}

export async function removeImageLeftovers(
  ctx: AppContext,
  engine: ContainerEngine,
  options: ImageGcOptions,
): Promise<ImageVerdict[]> {
  const [records, images] = await Promise.all([ctx.builds.list(), engine.listImages({}, { all: true })]);
  const builds = records.map((record) => ({
    id: record.id,
    stack: record.stack,
    startedAt: record.startedAt,
    images: record.images,
    over: record.failed || !record.live,
  }));
  const verdicts = imageLeftovers({
    images: images.map(node),
    builds,
    liveStacks: options.liveStacks,
    now: ctx.clock.now(),
    // down removes its own stack's images at once; gc waits until labelled ones have settled.
    graceMs: options.stack !== undefined ? 0 : LABELLED_IMAGE_GRACE_MS,
    ...(options.stack !== undefined ? { stack: options.stack } : {}),
  });
  const finished = builds.filter((b) => b.over && (options.stack === undefined || b.stack === options.stack));
  if (options.dryRun) {
    for (const verdict of verdicts)
      ctx.emit({ type: 'info', message: `would remove image ${shown(verdict.image)}: ${verdict.reason}` });
    return verdicts;
  }

  const removeAll = async (group: ImageVerdict[]): Promise<ImageVerdict[]> => {
    const removed: ImageVerdict[] = [];
    for (const verdict of group) {
      try {
        // By tag when tagged (an id with several tags is refused); never forced, so an image a
        // container uses, or one with children, stays.
        if (verdict.image.tags.length > 0)
          for (const tag of verdict.image.tags) await engine.removeImage(tag);
        else await engine.removeImage(verdict.image.id);
        ctx.emit({ type: 'image.removed', image: shown(verdict.image) });
        removed.push(verdict);
      } catch {
        // In use or a parent after all: not a leftover now.
      }
    }
    return removed;
  };

  // Grouped by stack, keeping the children-first order within each group.
  const groups = new Map<string, ImageVerdict[]>();
  for (const verdict of verdicts) {
    const key = verdict.stack ?? '';
    groups.set(key, [...(groups.get(key) ?? []), verdict]);
  }
  for (const build of finished) if (!groups.has(build.stack)) groups.set(build.stack, []);
  const removed: ImageVerdict[] = [];
  for (const [stack, group] of groups) {
    const work = async () => {
      removed.push(...(await removeAll(group)));
      for (const build of finished) if (build.stack === stack) await ctx.builds.remove(build.id);
    };
    if (stack === '' || options.stack !== undefined) {
      await work();
      continue;
    }
    try {
      await withStackLock(ctx, stack, work, { waitMs: 0 });
    } catch (error) {
      if (!isDevenvError(error) || error.code !== 'STACK_BUSY') throw error;
      ctx.emit({ type: 'info', message: `images of ${stack}: skipped, ${error.message}` });
    }
  }
  return removed;
}

/**
 * Removes the images devenv left behind (core/plan/image-leftovers.ts decides
 * which): what interrupted builds committed (from the build records), images
 * of stacks that have nothing else left, and images a killed build labelled
 * partly. `gc` looks at every stack, each under its lock (a stack another
 * process is changing is skipped); `down` at its own stack, under the lock it
 * already holds. Images without devenv's labels are removed only when a
 * build record names them as committed by that build (or its last step).
 * Then the shared images of `build:` services (core/plan/shared-images.ts):
 * a stack's reference goes with the stack, an image goes when no stack's
 * reference is left on it.
 */
import type { ContainerEngine, ImageSummary } from '../contracts/engine.js';
import { isDevenvError } from '../core/errors.js';
import {
  buildTraces,
  imageLeftovers,
  LABELLED_IMAGE_GRACE_MS,
  type ImageNode,
  type ImageVerdict,
} from '../core/plan/image-leftovers.js';
import { isContentImageTag } from '../core/plan/build-inputs.js';
import { sharedImageSteps, type SharedImageNode, type SharedImageStep } from '../core/plan/shared-images.js';
import { Labels } from '../core/stack/labels.js';
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
  const [records, images, { info }] = await Promise.all([
    ctx.builds.list(),
    engine.listImages({}, { all: true }),
    ctx.engine(),
  ]);
  const builds = buildTraces(records, info.endpoint);
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
  const shared = await sharedSteps(ctx, engine, images, options);
  if (options.dryRun) {
    for (const verdict of verdicts)
      ctx.emit({ type: 'info', message: `would remove image ${shown(verdict.image)}: ${verdict.reason}` });
    for (const step of shared) {
      if (step.keptFor.length === 0)
        ctx.emit({ type: 'info', message: `would remove image ${sharedName(step)}: ${step.reason}` });
      else
        for (const ref of step.references)
          ctx.emit({
            type: 'info',
            message: `would remove tag ${ref.tag}: ${ref.stack} has nothing left (the image stays for ${step.keptFor.join(', ')})`,
          });
    }
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
  await releaseShared(ctx, engine, shared, options);
  return removed;
}

/** The shared images' steps; gc reads when each was last tagged (a reference an `up` just added). */
async function sharedSteps(
  ctx: AppContext,
  engine: ContainerEngine,
  images: ImageSummary[],
  options: ImageGcOptions,
): Promise<SharedImageStep[]> {
  const candidates = images.filter((image) => image.labels[Labels.buildInputs] !== undefined);
  if (candidates.length === 0) return [];
  const nodes: SharedImageNode[] = await Promise.all(
    candidates.map(async (image) => {
      const node: SharedImageNode = {
        id: image.id,
        tags: image.tags,
        labels: image.labels,
        ...(image.createdAt !== undefined ? { createdAt: image.createdAt } : {}),
      };
      if (options.stack !== undefined) return node;
      const lastTaggedAt = (await engine.inspectImage(image.id))?.lastTaggedAt;
      return lastTaggedAt !== undefined ? { ...node, lastTaggedAt } : node;
    }),
  );
  return sharedImageSteps({
    images: nodes,
    liveStacks: options.liveStacks,
    now: ctx.clock.now(),
    graceMs: options.stack !== undefined ? 0 : LABELLED_IMAGE_GRACE_MS,
    ...(options.stack !== undefined ? { stack: options.stack } : {}),
  });
}

function sharedName(step: SharedImageStep): string {
  return step.release.find((tag) => !tag.startsWith('sha256:')) ?? shown(step.image);
}

/**
 * Stack references first (gc: each under its stack's lock; a busy stack keeps its reference and
 * the image), then, when no reference is left, the content tags. Never forced: an image a
 * container still uses stays, and so does its last tag.
 */
async function releaseShared(
  ctx: AppContext,
  engine: ContainerEngine,
  steps: SharedImageStep[],
  options: ImageGcOptions,
): Promise<void> {
  for (const step of steps) {
    let referencesGone = true;
    const stacks = [...new Set(step.references.map((r) => r.stack))];
    for (const stack of stacks) {
      const work = async () => {
        for (const ref of step.references) if (ref.stack === stack) await engine.removeImage(ref.tag);
      };
      try {
        if (options.stack !== undefined) await work();
        else await withStackLock(ctx, stack, work, { waitMs: 0 });
      } catch (error) {
        referencesGone = false;
        if (isDevenvError(error) && error.code === 'STACK_BUSY')
          ctx.emit({ type: 'info', message: `images of ${stack}: skipped, ${error.message}` });
        // Otherwise the engine refused: the image's last tag, and a container uses it.
      }
    }
    if (step.keptFor.length > 0) {
      if (options.stack !== undefined)
        ctx.emit({
          type: 'info',
          message: `image ${step.image.tags.find(isContentImageTag) ?? shown(step.image)} kept: used by ${step.keptFor.join(', ')}`,
        });
      continue;
    }
    if (!referencesGone) continue;
    // The image's last stack reference was its last tag: removing it removed the image.
    if (step.release.length === 0 && step.image.tags.length === step.references.length) {
      ctx.emit({ type: 'image.removed', image: step.references[0]?.tag ?? shown(step.image) });
      continue;
    }
    for (const tag of step.release) {
      try {
        await engine.removeImage(tag);
        ctx.emit({ type: 'image.removed', image: tag.startsWith('sha256:') ? shown(step.image) : tag });
      } catch {
        // A container uses it (the engine refuses its last tag): it stays until that container goes.
      }
    }
  }
}

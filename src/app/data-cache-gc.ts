/**
 * `gc`'s part for cached data directories (core/plan/data-cache-leftovers.ts
 * decides which): cache images on the engine and tar.gz blobs on this machine.
 * They belong to no stack, so `down --volumes` never removes them; removal is
 * never forced, so an image a container still uses stays.
 */
import type { ContainerEngine, ImageSummary } from '../contracts/engine.js';
import { staleDataCacheBlobs, staleDataCaches } from '../core/plan/data-cache-leftovers.js';
import { LABELLED_IMAGE_GRACE_MS, type ImageNode } from '../core/plan/image-leftovers.js';
import { Labels } from '../core/stack/labels.js';
import type { AppContext } from './context.js';

export interface DataCacheGcOptions {
  dryRun: boolean;
  /** Every cache, not only stale ones (`gc --data-cache`). */
  all: boolean;
}

function node(image: ImageSummary): ImageNode {
  return {
    id: image.id,
    tags: image.tags,
    labels: image.labels,
    ...(image.createdAt !== undefined ? { createdAt: image.createdAt } : {}),
  };
}

const shown = (image: ImageNode) => image.tags[0] ?? image.id.replace(/^sha256:/, '').slice(0, 12);

/** Returns how many caches were removed (or would be, with dryRun). */
export async function removeStaleDataCaches(
  ctx: AppContext,
  engine: ContainerEngine,
  options: DataCacheGcOptions,
): Promise<number> {
  const [caches, present, blobs] = await Promise.all([
    engine.listImages({ [Labels.dataCache]: true }),
    engine.listImages({}),
    ctx.dataCache.list(),
  ]);
  const now = ctx.clock.now();
  const images = staleDataCaches({
    images: caches.map(node),
    presentImageIds: new Set(present.map((image) => image.id)),
    now,
    graceMs: LABELLED_IMAGE_GRACE_MS,
    all: options.all,
  });
  const files = staleDataCacheBlobs(blobs, now, options.all);
  let removed = 0;
  for (const { image, reason } of images) {
    if (options.dryRun) {
      ctx.emit({ type: 'info', message: `would remove data cache ${shown(image)}: ${reason}` });
      removed += 1;
      continue;
    }
    try {
      if (image.tags.length > 0) for (const tag of image.tags) await engine.removeImage(tag);
      else await engine.removeImage(image.id);
      ctx.emit({ type: 'image.removed', image: shown(image) });
      removed += 1;
    } catch {
      // A container uses it (a stack restoring from it this very moment): not stale now.
    }
  }
  for (const { name, reason } of files) {
    ctx.emit({
      type: 'info',
      message: `${options.dryRun ? 'would remove' : 'removed'} data cache ${name}: ${reason}`,
    });
    if (!options.dryRun) await ctx.dataCache.remove(name);
    removed += 1;
  }
  return removed;
}

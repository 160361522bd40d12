/**
 * `gc`'s part for cached data directories (core/plan/data-cache-leftovers.ts
 * decides which): cache images on the engine and tar.gz blobs on this machine,
 * and the engine's fill pool (ready copies of them, and the helper that makes them).
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
  const [caches, presentImages, blobs] = await Promise.all([
    engine.listImages({ [Labels.dataCache]: true }),
    engine.listImages({}),
    ctx.dataCache.list(),
  ]);
  const now = ctx.clock.now();
  // Read by staleDataCaches now; then images removed below are taken out, for the fill pool's turn.
  const present = new Set(presentImages.map((image) => image.id));
  const images = staleDataCaches({
    images: caches.map(node),
    presentImageIds: present,
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
      present.delete(image.id);
      removed += 1;
    } catch {
      // A container uses it (a stack restoring from it this very moment): not stale now.
    }
  }
  // After the images: a ready copy of a cache removed just now goes with it.
  removed += await removeFillPools(ctx, engine, options, present);
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

/**
 * The fill pool's ready copies whose image is gone (all of them, and the helper, with
 * `--data-cache`). A copy being made or moved when its volume goes only makes that fill
 * take the engine's copy instead.
 */
async function removeFillPools(
  ctx: AppContext,
  engine: ContainerEngine,
  options: DataCacheGcOptions,
  presentImageIds: ReadonlySet<string>,
): Promise<number> {
  const [pools, helpers] = await Promise.all([
    engine.listVolumes({ [Labels.fillPool]: 'copy' }),
    options.all ? engine.listContainers({ [Labels.fillPool]: 'helper' }) : Promise.resolve([]),
  ]);
  let removed = 0;
  for (const pool of pools) {
    const image = pool.labels[Labels.fillPoolImage];
    if (!options.all && image !== undefined && presentImageIds.has(image)) continue;
    const reason = options.all ? 'asked for (--data-cache)' : 'its image is gone';
    if (options.dryRun)
      ctx.emit({ type: 'info', message: `would remove ready copy ${pool.name}: ${reason}` });
    else {
      try {
        await engine.removeVolume(pool.name);
        ctx.emit({ type: 'volume.removed', volume: pool.name });
      } catch {
        continue;
      }
    }
    removed += 1;
  }
  for (const helper of helpers) {
    if (options.dryRun) ctx.emit({ type: 'info', message: `would remove fill-pool helper ${helper.name}` });
    else await engine.removeContainer(helper.id, { force: true, volumes: true });
  }
  return removed;
}

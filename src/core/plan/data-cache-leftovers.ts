/**
 * Which cached data directories `gc` removes (pure: lists in, verdicts out).
 * A cache belongs to no stack (`down --volumes` leaves it); it is stale when
 * it can never be used again or has not been rebuilt for a long time:
 * - a cache image whose source image (the Postgres image it was made with) is
 *   no longer on the engine: its key names that image's id;
 * - an untagged cache image: two `up`s built the same key at once and the
 *   other one's tag won;
 * - a cache image or blob built more than DATA_CACHE_MAX_AGE_MS ago (caches of
 *   settings no template uses any more; one in use is simply built again);
 * - with `all` (`gc --data-cache`), every one.
 * An image a container still uses is refused by the engine (removal is never forced).
 */
import { dataCacheFacts } from '../stack/label-facts.js';
import type { ImageNode } from './image-leftovers.js';

export const DATA_CACHE_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

export interface DataCacheVerdict {
  image: ImageNode;
  reason: string;
}

export interface CacheBlob {
  name: string;
  /** Last modified, ms since the epoch. */
  modifiedAt: number;
}

export interface DataCacheInput {
  images: ImageNode[];
  /** Ids of the images on the engine now. */
  presentImageIds: ReadonlySet<string>;
  now: number;
  /** Untagged ones are left this long (a concurrent `up` may be about to tag or use one). */
  graceMs: number;
  all: boolean;
}

const ageOf = (createdAt: string | undefined, now: number) => {
  const created = Date.parse(createdAt ?? '');
  return Number.isFinite(created) ? now - created : undefined;
};

const days = (ms: number) => Math.round(ms / (24 * 60 * 60 * 1000));

export function staleDataCaches(input: DataCacheInput): DataCacheVerdict[] {
  const verdicts: DataCacheVerdict[] = [];
  for (const image of input.images) {
    const facts = dataCacheFacts(image.labels);
    if (!facts) continue;
    const age = ageOf(image.createdAt, input.now);
    let reason: string | undefined;
    if (input.all) reason = 'every data cache is dropped (--data-cache)';
    else if (image.tags.length === 0) {
      if (age !== undefined && age >= input.graceMs)
        reason = 'an untagged duplicate (two stacks built the same cache at once)';
    } else if (facts.sourceImageId !== '' && !input.presentImageIds.has(facts.sourceImageId))
      reason = `the image it was made with (${facts.sourceImageId.replace(/^sha256:/, '').slice(0, 12)}) is gone`;
    else if (age !== undefined && age > DATA_CACHE_MAX_AGE_MS)
      reason = `built more than ${days(DATA_CACHE_MAX_AGE_MS)} days ago (the next stack that needs it builds it again)`;
    if (reason !== undefined) verdicts.push({ image, reason });
  }
  return verdicts;
}

/** Blobs of the container placement (and of earlier cache formats) by the same age rule. */
export function staleDataCacheBlobs(
  blobs: readonly CacheBlob[],
  now: number,
  all: boolean,
): { name: string; reason: string }[] {
  return blobs.flatMap((blob) => {
    if (!blob.name.startsWith('postgres-data-')) return [];
    if (all) return [{ name: blob.name, reason: 'every data cache is dropped (--data-cache)' }];
    return now - blob.modifiedAt > DATA_CACHE_MAX_AGE_MS
      ? [{ name: blob.name, reason: `not rebuilt for more than ${days(DATA_CACHE_MAX_AGE_MS)} days` }]
      : [];
  });
}

/**
 * A service's config hash: what decides, on `up` of a running stack, whether
 * its container is kept or recreated. It covers the container request as
 * devenv would create it (minus volatile labels) and the image id. Derived
 * selectors are left out too: they add nothing to the annotations they are
 * derived from, and containers labelled before they existed keep their hash.
 */
import { createHash } from 'node:crypto';
import type { ContainerRequest } from '../../contracts/engine.js';
import { DERIVED_SELECTOR_KEYS, Labels } from './labels.js';

const VOLATILE_LABELS = new Set<string>([
  Labels.created,
  Labels.configHash,
  Labels.ownerPid,
  Labels.ttlSeconds,
  // -f a.yaml -f b.yaml that resolve to the same service must not recreate it
  Labels.composeFiles,
]);

export function configHash(request: ContainerRequest, imageId: string): string {
  const labels = Object.fromEntries(
    Object.entries(request.labels).filter(
      ([key]) => !VOLATILE_LABELS.has(key) && !DERIVED_SELECTOR_KEYS.has(key),
    ),
  );
  return createHash('sha256')
    .update(canonicalJson({ ...request, labels, imageId }))
    .digest('hex')
    .slice(0, 16);
}

/** JSON with sorted object keys, so equal values hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      return Object.fromEntries(
        Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return inner;
  });
}

/** A service's `secrets:` / `configs:` entries (short name or long {source, target}) -> ServiceFileRefSpec. */
import { posix } from 'node:path';
import type { KeyPath } from './key-path.js';
import type { ServiceFileRefSpec } from './model.js';
import { invalidAt, isMapping, warnUnknownKeys, type NormalizeContext } from './normalize-context.js';

const KNOWN = new Set(['source', 'target']);

/** Secrets default to /run/secrets/<name>, configs to /<name>; relative targets resolve there too. */
export function normalizeFileRefs(
  context: NormalizeContext,
  path: KeyPath,
  kind: 'secrets' | 'configs',
  value: unknown,
): ServiceFileRefSpec[] {
  if (!Array.isArray(value)) return [];
  const base = kind === 'secrets' ? '/run/secrets' : '/';
  return value.map((entry, index) => {
    if (typeof entry === 'string') return { source: entry, target: posix.join(base, entry) };
    if (!isMapping(entry) || typeof entry.source !== 'string') {
      throw invalidAt(context, [...path, index], `a ${kind} entry needs a "source"`);
    }
    warnUnknownKeys(context, [...path, index], entry, KNOWN);
    const target = typeof entry.target === 'string' && entry.target !== '' ? entry.target : entry.source;
    return { source: entry.source, target: posix.resolve(base, target) };
  });
}

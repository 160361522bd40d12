/** Top-level `networks:`, `volumes:`, `secrets:` and `configs:` -> their specs. */
import { posix } from 'node:path';
import { listOrDictToMap } from './list-or-dict.js';
import type { FileObjectSpec, NetworkSpec, VolumeSpec } from './model.js';
import {
  invalidAt,
  isMapping,
  stringMap,
  warnUnknownKeys,
  type NormalizeContext,
} from './normalize-context.js';

const NETWORK_KEYS = new Set(['name', 'external', 'driver', 'internal', 'labels']);
const VOLUME_KEYS = new Set(['name', 'external', 'driver', 'labels']);
const FILE_OBJECT_KEYS = new Set(['file', 'name']);

function entries(value: unknown): [string, Record<string, unknown>][] {
  if (!isMapping(value)) return [];
  return Object.entries(value).map(([name, def]) => [name, isMapping(def) ? def : {}]);
}

/** `external: true`, or the legacy `external: {name: x}`. */
function external(def: Record<string, unknown>): { external: boolean; name?: string } {
  if (isMapping(def.external)) {
    const name = typeof def.external.name === 'string' ? def.external.name : undefined;
    return { external: true, ...(name ? { name } : {}) };
  }
  return { external: def.external === true || def.external === 'true' };
}

export function normalizeNetworks(context: NormalizeContext, value: unknown): Record<string, NetworkSpec> {
  const out: Record<string, NetworkSpec> = {};
  for (const [name, def] of entries(value)) {
    warnUnknownKeys(context, ['networks', name], def, NETWORK_KEYS);
    const ext = external(def);
    const written = typeof def.name === 'string' ? def.name : ext.name;
    out[name] = {
      ...(written !== undefined ? { name: written } : {}),
      external: ext.external,
      ...(typeof def.driver === 'string' ? { driver: def.driver } : {}),
      internal: def.internal === true,
      labels: stringMap(listOrDictToMap(def.labels)),
    };
  }
  return out;
}

export function normalizeVolumes(context: NormalizeContext, value: unknown): Record<string, VolumeSpec> {
  const out: Record<string, VolumeSpec> = {};
  for (const [name, def] of entries(value)) {
    warnUnknownKeys(context, ['volumes', name], def, VOLUME_KEYS);
    const ext = external(def);
    const written = typeof def.name === 'string' ? def.name : ext.name;
    out[name] = {
      ...(written !== undefined ? { name: written } : {}),
      external: ext.external,
      ...(typeof def.driver === 'string' ? { driver: def.driver } : {}),
      labels: stringMap(listOrDictToMap(def.labels)),
    };
  }
  return out;
}

/** Secrets and configs: devenv supports the `file:` form, resolved to an absolute path. */
export function normalizeFileObjects(
  context: NormalizeContext,
  kind: 'secrets' | 'configs',
  value: unknown,
): Record<string, FileObjectSpec> {
  const out: Record<string, FileObjectSpec> = {};
  for (const [name, def] of entries(value)) {
    if (typeof def.file !== 'string') {
      throw invalidAt(
        context,
        [kind, name],
        `${kind}.${name} has no "file:"; devenv supports only file-based ${kind} (not external, environment or content)`,
      );
    }
    warnUnknownKeys(context, [kind, name], def, FILE_OBJECT_KEYS);
    out[name] = { file: posix.resolve(context.workingDir, def.file) };
  }
  return out;
}

/** Top-level `networks:`, `volumes:`, `secrets:` and `configs:` -> their specs. */
import { posix } from 'node:path';
import { listOrDictToMap } from './list-or-dict.js';
import { locatedError } from './located-error.js';
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
const FILE_OBJECT_KEYS = new Set(['file', 'environment', 'content', 'name']);

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

/**
 * Secrets and configs: `file:` (resolved to an absolute path), `environment:`
 * (the variable's value from the shell or .env, read now) and, for configs,
 * `content:`. `external` objects live in a swarm, which devenv does not use.
 */
export function normalizeFileObjects(
  context: NormalizeContext,
  kind: 'secrets' | 'configs',
  value: unknown,
): Record<string, FileObjectSpec> {
  const out: Record<string, FileObjectSpec> = {};
  for (const [name, def] of entries(value)) {
    warnUnknownKeys(context, [kind, name], def, FILE_OBJECT_KEYS);
    if (typeof def.file === 'string') {
      out[name] = { file: posix.resolve(context.workingDir, def.file) };
    } else if (typeof def.environment === 'string') {
      const variable = def.environment;
      const found = context.environment[variable];
      if (found === undefined) {
        throw locatedError(
          'COMPOSE_INVALID',
          context.locate([kind, name, 'environment']),
          `${kind}.${name} takes its value from ${variable}, which is not set`,
          { hint: `set ${variable} in your shell or in the project's .env (kept out of git)` },
        );
      }
      out[name] = { environment: variable, value: found };
    } else if (kind === 'configs' && typeof def.content === 'string') {
      out[name] = { content: def.content };
    } else {
      const forms = kind === 'configs' ? '"file:", "environment:" or "content:"' : '"file:" or "environment:"';
      throw invalidAt(
        context,
        [kind, name],
        `${kind}.${name} needs ${forms}; devenv does not use external (swarm) ${kind}`,
      );
    }
  }
  return out;
}

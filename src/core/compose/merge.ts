/**
 * Merging several compose files, per the Compose Specification's merge rules
 * (13-merge.md): mappings merge recursively, sequences append, except
 * command/entrypoint/healthcheck.test (replaced), ports/volumes/secrets/configs
 * (unique by their key, the later entry replacing the earlier one), and
 * list-or-dict attributes (environment, labels, ...) merged as mappings.
 * `!reset` removes a value, `!override` replaces it without merging.
 */
import { formatKeyPath, type KeyPath } from './key-path.js';
import { listOrDictToMap } from './list-or-dict.js';
import { isMapping } from './normalize-context.js';
import { portMergeKey } from './ports-syntax.js';
import { volumeTarget } from './volumes-syntax.js';

export interface MergeLayer {
  value: unknown;
  resetPaths: readonly KeyPath[];
  overridePaths: ReadonlySet<string>;
}

type Mapping = Record<string, unknown>;

const REPLACED = new Set(['command', 'entrypoint']);
const AS_MAPPING = new Set(['environment', 'labels', 'annotations', 'sysctls']);
const STRING_OR_LIST = new Set(['env_file', 'dns', 'dns_search', 'tmpfs', 'label_file']);

function secretTarget(entry: unknown, defaultDir: string): string {
  if (typeof entry === 'string') return `${defaultDir}${entry}`;
  const long = (entry ?? {}) as Mapping;
  const target = long.target ?? long.source;
  const text = typeof target === 'string' ? target : '';
  return text.startsWith('/') ? text : `${defaultDir}${text}`;
}

const UNIQUE_KEY: Record<string, (entry: unknown) => string> = {
  ports: portMergeKey,
  volumes: (entry) => volumeTarget(entry) ?? JSON.stringify(entry),
  secrets: (entry) => secretTarget(entry, '/run/secrets/'),
  configs: (entry) => secretTarget(entry, '/'),
};

/** depends_on / networks as a list of names -> mapping with the list form's meaning. */
function namesToMapping(key: 'depends_on' | 'networks', value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const entry = key === 'depends_on' ? () => ({ condition: 'service_started', required: true }) : () => null;
  return Object.fromEntries(value.map((name) => [String(name), entry()]));
}

function stringOrListToList(value: unknown): unknown {
  return typeof value === 'string' ? [value] : value;
}

function extraHostsToList(value: unknown): unknown {
  if (!isMapping(value)) return value;
  return Object.entries(value).flatMap(([host, ip]) => [ip].flat().map((one) => `${host}=${String(one)}`));
}

function appendUnique(base: unknown[], override: unknown[]): unknown[] {
  const out = [...base];
  for (const item of override) {
    const duplicate = item === null || typeof item !== 'object' ? out.includes(item) : false;
    if (!duplicate) out.push(item);
  }
  return out;
}

function mergeByKey(base: unknown[], override: unknown[], keyOf: (entry: unknown) => string): unknown[] {
  const out = [...base];
  for (const item of override) {
    const key = keyOf(item);
    const index = out.findIndex((existing) => keyOf(existing) === key);
    if (index >= 0) out[index] = item;
    else out.push(item);
  }
  return out;
}

class Merger {
  constructor(private readonly overridePaths: ReadonlySet<string>) {}

  merge(base: unknown, override: unknown, path: KeyPath): unknown {
    if (this.overridePaths.has(formatKeyPath(path))) return structuredClone(override);
    if (path.length === 2 && path[0] === 'services') return this.mergeService(base, override, path);
    return this.mergeGeneric(base, override, path);
  }

  private mergeGeneric(base: unknown, override: unknown, path: KeyPath): unknown {
    if (isMapping(base) && isMapping(override)) {
      const out: Mapping = { ...base };
      for (const [key, value] of Object.entries(override)) {
        out[key] = key in base ? this.merge(base[key], value, [...path, key]) : structuredClone(value);
      }
      return out;
    }
    if (Array.isArray(base) && Array.isArray(override)) return appendUnique(base, override);
    return structuredClone(override);
  }

  private mergeService(base: unknown, override: unknown, path: KeyPath): unknown {
    if (!isMapping(base) || !isMapping(override)) return structuredClone(override);
    const out: Mapping = { ...base };
    for (const [key, value] of Object.entries(override)) {
      const keyPath = [...path, key];
      if (!(key in base) || this.overridePaths.has(formatKeyPath(keyPath))) {
        out[key] = structuredClone(value);
        continue;
      }
      const previous = base[key];
      const uniqueKey = UNIQUE_KEY[key];
      if (REPLACED.has(key)) out[key] = structuredClone(value);
      else if (uniqueKey && Array.isArray(previous) && Array.isArray(value)) {
        out[key] = mergeByKey(previous, value, uniqueKey);
      } else if (AS_MAPPING.has(key)) {
        out[key] = { ...listOrDictToMap(previous), ...listOrDictToMap(value) };
      } else if (key === 'depends_on' || key === 'networks') {
        out[key] = this.merge(namesToMapping(key, previous), namesToMapping(key, value), keyPath);
      } else if (STRING_OR_LIST.has(key)) {
        out[key] = this.merge(stringOrListToList(previous), stringOrListToList(value), keyPath);
      } else if (key === 'extra_hosts') {
        out[key] = appendUnique([extraHostsToList(previous)].flat(), [extraHostsToList(value)].flat());
      } else if (key === 'build') {
        const asMapping = (build: unknown): unknown =>
          typeof build === 'string' ? { context: build } : build;
        out[key] = this.mergeBuild(asMapping(previous), asMapping(value), keyPath);
      } else if (key === 'healthcheck' && isMapping(previous) && isMapping(value)) {
        const merged = this.mergeGeneric(previous, value, keyPath) as Mapping;
        if ('test' in value) merged.test = structuredClone(value.test);
        out[key] = merged;
      } else {
        out[key] = this.merge(previous, value, keyPath);
      }
    }
    return out;
  }

  private mergeBuild(base: unknown, override: unknown, path: KeyPath): unknown {
    if (!isMapping(base) || !isMapping(override)) return structuredClone(override);
    const out = this.mergeGeneric(base, override, path) as Mapping;
    for (const key of ['args', 'labels']) {
      if (key in base && key in override)
        out[key] = { ...listOrDictToMap(base[key]), ...listOrDictToMap(override[key]) };
    }
    return out;
  }
}

function removeAt(root: unknown, path: KeyPath): void {
  let parent: unknown = root;
  for (const segment of path.slice(0, -1)) {
    if (!isMapping(parent) && !Array.isArray(parent)) return;
    parent = (parent as Record<string | number, unknown>)[segment];
  }
  const last = path[path.length - 1];
  if (isMapping(parent) && typeof last === 'string') delete parent[last];
}

/** Merges compose files in order; later files override earlier ones. */
export function mergeComposeFiles(layers: readonly MergeLayer[]): Mapping {
  let result: unknown = {};
  for (const layer of layers) {
    for (const path of layer.resetPaths) removeAt(result, path);
    result = new Merger(layer.overridePaths).merge(result, layer.value ?? {}, []);
  }
  return isMapping(result) ? result : {};
}

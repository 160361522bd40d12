/**
 * Compose files that another file points at (a service's `extends.file`, a
 * top-level `include`): how they are seen, where a problem in them is
 * reported, and how the relative paths they bring are kept pointing where
 * that file meant (made absolute from its directory, as compose does).
 */
import { posix } from 'node:path';
import type { DevenvError } from '../errors.js';
import { formatKeyPath, type KeyPath } from './key-path.js';
import { locatedError } from './located-error.js';
import { isMapping } from './normalize-context.js';

type Mapping = Record<string, unknown>;

/** A compose file as extends and include read it: interpolated value, with its line numbers. */
export interface LinkedDocument {
  /** Absolute path. */
  path: string;
  /** As shown in messages. */
  file: string;
  value: unknown;
  lineOf(path: KeyPath): number | undefined;
}

export function at(doc: LinkedDocument, path: KeyPath, what: string, code: 'COMPOSE_REFERENCE' | 'COMPOSE_CYCLE' = 'COMPOSE_REFERENCE'): DevenvError {
  const line = doc.lineOf(path);
  const where = formatKeyPath(path);
  return locatedError(code, { file: doc.file, ...(line === undefined ? {} : { line }), path: where }, what, {
    hint:
      code === 'COMPOSE_CYCLE'
        ? 'remove one of the include or extends entries that make the cycle'
        : `fix ${where} in ${doc.file}: name a compose file (and service) that exists, as a path or a mapping with path`,
  });
}

export const absolute = (dir: string, path: string) => (posix.isAbsolute(path) ? path : posix.resolve(dir, path));

/** A bind mount's source in short syntax starts with . / or ~; anything else is a named volume. */
function rebaseVolume(entry: unknown, dir: string): unknown {
  if (typeof entry === 'string') {
    const colon = entry.indexOf(':');
    const source = colon < 0 ? entry : entry.slice(0, colon);
    if (!source.startsWith('.')) return entry;
    return `${absolute(dir, source)}${colon < 0 ? '' : entry.slice(colon)}`;
  }
  if (isMapping(entry) && entry.type === 'bind' && typeof entry.source === 'string')
    return { ...entry, source: absolute(dir, entry.source) };
  return entry;
}

function rebaseFileList(value: unknown, dir: string): unknown {
  const one = (item: unknown) =>
    typeof item === 'string'
      ? absolute(dir, item)
      : isMapping(item) && typeof item.path === 'string'
        ? { ...item, path: absolute(dir, item.path) }
        : item;
  return Array.isArray(value) ? value.map(one) : one(value);
}

/** A service's relative paths (build, env_file, label_file, bind sources), made absolute from dir. */
export function rebaseServicePaths(service: Mapping, dir: string): Mapping {
  const out: Mapping = { ...service };
  if (typeof out.build === 'string') out.build = absolute(dir, out.build);
  else if (isMapping(out.build)) out.build = { ...out.build, context: absolute(dir, String(out.build.context ?? '.')) };
  if (out.env_file !== undefined) out.env_file = rebaseFileList(out.env_file, dir);
  if (out.label_file !== undefined) out.label_file = rebaseFileList(out.label_file, dir);
  if (Array.isArray(out.volumes)) out.volumes = out.volumes.map((entry) => rebaseVolume(entry, dir));
  return out;
}


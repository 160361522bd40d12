/**
 * Top-level `include` (Compose Specification, 14-include.md): each entry's
 * compose file(s) are loaded as their own application (merged in order when
 * an entry lists several, their own `extends` and `include` carried out),
 * their relative paths made absolute from the entry's project directory, and
 * their services, networks, volumes, secrets and configs added to this file.
 * A resource defined both here and in an included file is an error, unless
 * both definitions are the same.
 */
import { posix } from 'node:path';
import { resolveExtends } from './extends.js';
import { absolute, at, rebaseServicePaths, type LinkedDocument } from './linked-file.js';
import { isMapping } from './normalize-context.js';
import { mergeComposeFiles } from './merge.js';

type Mapping = Record<string, unknown>;
const KINDS = ['services', 'networks', 'volumes', 'secrets', 'configs'] as const;

function rebaseFileObjects(objects: unknown, dir: string): unknown {
  if (!isMapping(objects)) return objects;
  return Object.fromEntries(
    Object.entries(objects).map(([name, def]) => [
      name,
      isMapping(def) && typeof def.file === 'string' ? { ...def, file: absolute(dir, def.file) } : def,
    ]),
  );
}

/** The included application, its paths absolute. */
function loadEntry(
  doc: LinkedDocument,
  index: number,
  entry: unknown,
  load: (absPath: string) => LinkedDocument | undefined,
  chain: readonly string[],
): Mapping {
  const here = ['include', index];
  const paths = typeof entry === 'string' ? [entry] : isMapping(entry) ? [entry.path].flat() : [];
  if (paths.length === 0 || !paths.every((path) => typeof path === 'string'))
    throw at(doc, here, 'an include entry is a file path, or a mapping with path (a path or a list)');
  const dir = posix.dirname(doc.path);
  const files = (paths as string[]).map((path) => absolute(dir, path));
  const layers = files.map((file) => {
    if (chain.includes(file) || file === doc.path)
      throw at(doc, here, `include makes a cycle: ${[...chain, doc.path, file].map((f) => posix.basename(f)).join(' -> ')}`, 'COMPOSE_CYCLE');
    const loaded = load(file);
    if (!loaded) throw at(doc, here, `included file ${posix.relative(dir, file) || file} not found (looked at ${file})`);
    const withExtends = { ...loaded, value: resolveExtends(loaded, load) };
    const value = resolveIncludes(withExtends, load, [...chain, doc.path]);
    return { value, resetPaths: [], overridePaths: new Set<string>() };
  });
  const merged = mergeComposeFiles(layers);
  const projectDir =
    isMapping(entry) && typeof entry.project_directory === 'string'
      ? absolute(dir, entry.project_directory)
      : posix.dirname(files[0] as string);
  if (isMapping(merged.services)) {
    merged.services = Object.fromEntries(
      Object.entries(merged.services).map(([name, service]) => [
        name,
        isMapping(service) ? rebaseServicePaths(service, projectDir) : service,
      ]),
    );
  }
  merged.secrets = rebaseFileObjects(merged.secrets, projectDir);
  merged.configs = rebaseFileObjects(merged.configs, projectDir);
  return merged;
}

/** The document's value with its `include` entries added (and the key removed). */
export function resolveIncludes(
  doc: LinkedDocument,
  load: (absPath: string) => LinkedDocument | undefined,
  chain: readonly string[] = [],
): unknown {
  if (!isMapping(doc.value) || doc.value.include === undefined) return doc.value;
  const { include, ...rest } = doc.value;
  const out: Mapping = { ...rest };
  [include].flat().forEach((entry, index) => {
    const included = loadEntry(doc, index, entry, load, chain);
    for (const kind of KINDS) {
      const theirs = included[kind];
      if (!isMapping(theirs)) continue;
      const ours: Mapping = isMapping(out[kind]) ? { ...(out[kind] as Mapping) } : {};
      for (const [name, def] of Object.entries(theirs)) {
        if (name in ours && JSON.stringify(ours[name]) !== JSON.stringify(def))
          throw at(doc, ['include', index], `${kind}.${name} is defined both in ${doc.file} and in the included file`);
        ours[name] = def;
      }
      out[kind] = ours;
    }
  });
  return out;
}

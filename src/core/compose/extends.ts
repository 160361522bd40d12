/**
 * A service's `extends` (Compose Specification, 05-services.md): the service
 * named (in the same file, or in `file:` relative to this file) is resolved
 * first, recursively, then this service is merged over it with the same rules
 * as merging compose files. Relative paths a base service brings from another
 * file (build context, env_file, label_file, bind-mount sources) are made
 * absolute from that file's directory, as compose does, so they keep
 * pointing where that file meant.
 */
import { posix } from 'node:path';
import type { KeyPath } from './key-path.js';
import { absolute, at, rebaseServicePaths, type LinkedDocument } from './linked-file.js';
import { mergeComposeFiles } from './merge.js';
import { isMapping } from './normalize-context.js';

type Mapping = Record<string, unknown>;

function mergeService(base: Mapping, own: Mapping): Mapping {
  const layer = (service: Mapping) => ({
    value: { services: { service } },
    resetPaths: [],
    overridePaths: new Set<string>(),
  });
  const merged = mergeComposeFiles([layer(base), layer(own)]);
  return (merged.services as Mapping).service as Mapping;
}

/**
 * The document's services with every `extends` carried out. `load` returns
 * another compose file (absolute path), parsed and interpolated, or undefined
 * when it does not exist.
 */
export function resolveExtends(
  doc: LinkedDocument,
  load: (absPath: string) => LinkedDocument | undefined,
): unknown {
  if (!isMapping(doc.value) || !isMapping(doc.value.services)) return doc.value;
  if (!Object.values(doc.value.services).some((service) => isMapping(service) && 'extends' in service))
    return doc.value;

  const resolveService = (from: LinkedDocument, name: string, chain: readonly string[]): Mapping => {
    const services = isMapping(from.value) && isMapping(from.value.services) ? from.value.services : {};
    const service = services[name];
    if (!isMapping(service)) throw new Error(`no service "${name}"`);
    if (service.extends === undefined) return service;
    const here: KeyPath = ['services', name, 'extends'];
    const ref = typeof service.extends === 'string' ? { service: service.extends } : (service.extends as Mapping);
    const baseName = String(ref.service ?? '');
    const key = `${from.path}#${name}`;
    if (chain.includes(key)) {
      const cycle = [...chain.slice(chain.indexOf(key)), key].map((entry) => entry.split('#')[1]).join(' -> ');
      throw at(from, here, `extends makes a cycle: ${cycle}`, 'COMPOSE_CYCLE');
    }
    let baseDoc = from;
    if (typeof ref.file === 'string') {
      const path = absolute(posix.dirname(from.path), ref.file);
      const loaded = load(path);
      if (!loaded) throw at(from, [...here, 'file'], `extends file ${ref.file} not found (looked at ${path})`);
      baseDoc = loaded;
    }
    let base: Mapping;
    try {
      base = resolveService(baseDoc, baseName, [...chain, key]);
    } catch (error) {
      if (error instanceof Error && error.message === `no service "${baseName}"`) {
        const where = baseDoc === from ? 'this file' : baseDoc.file;
        throw at(from, here, `extends service "${baseName}", which ${where} does not define`);
      }
      throw error;
    }
    if (baseDoc.path !== from.path) base = rebaseServicePaths(base, posix.dirname(baseDoc.path));
    const { extends: _extends, ...own } = service;
    return mergeService(base, own);
  };

  const services: Mapping = {};
  for (const [name, service] of Object.entries(doc.value.services))
    services[name] = isMapping(service) && 'extends' in service ? resolveService(doc, name, []) : service;
  return { ...doc.value, services };
}

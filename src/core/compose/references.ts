/**
 * Cross-references of a normalized project: depends_on services, named
 * volumes, networks, secrets and configs must exist; depends_on must not
 * form a cycle. All dangling references are reported together.
 */
import { DevenvError } from '../errors.js';
import type { KeyPath } from './key-path.js';
import { formatProblem } from './located-error.js';
import type { ComposeProject } from './model.js';
import { findCycle } from '../graph/dependency-graph.js';
import { isMapping } from './normalize-context.js';
import type { Locate } from './source-locator.js';

/** Path of `name` inside a service attribute written as a list (index) or a mapping (key). */
function memberPath(rawServices: unknown, service: string, key: string, name: string): KeyPath {
  const raw =
    isMapping(rawServices) && isMapping(rawServices[service]) ? rawServices[service][key] : undefined;
  if (Array.isArray(raw)) {
    const index = raw.findIndex((entry) =>
      typeof entry === 'string' ? entry === name : isMapping(entry) && entry.source === name,
    );
    if (index >= 0) return ['services', service, key, index];
  }
  return ['services', service, key, name];
}

export function checkReferences(project: ComposeProject, rawServices: unknown, locate: Locate): void {
  const problems: { path: KeyPath; what: string }[] = [];
  for (const [name, service] of Object.entries(project.services)) {
    const shared = [
      ['network_mode', service.networkMode],
      ['ipc', service.runtimeOptions?.ipc],
      ['pid', service.runtimeOptions?.pid],
    ] as const;
    const sharedReported = new Set<string>();
    for (const [key, mode] of shared) {
      const target = mode?.startsWith('service:') ? mode.slice('service:'.length) : undefined;
      if (target === undefined || Object.hasOwn(project.services, target) || sharedReported.has(target)) continue;
      sharedReported.add(target);
      problems.push({
        path: ['services', name, key],
        what: `${key} "${mode}" refers to undefined service "${target}"`,
      });
    }
    for (const dependency of Object.keys(service.dependsOn)) {
      if (!Object.hasOwn(project.services, dependency) && !sharedReported.has(dependency)) {
        problems.push({
          path: memberPath(rawServices, name, 'depends_on', dependency),
          what: `service "${name}" depends on undefined service "${dependency}"`,
        });
      }
    }
    service.volumes.forEach((volume, index) => {
      if (volume.type === 'volume' && volume.source !== undefined && !Object.hasOwn(project.volumes, volume.source)) {
        problems.push({
          path: ['services', name, 'volumes', index],
          what: `named volume "${volume.source}" is not declared under the top-level volumes key`,
        });
      }
    });
    for (const network of Object.keys(service.networks)) {
      if (!Object.hasOwn(project.networks, network)) {
        problems.push({
          path: memberPath(rawServices, name, 'networks', network),
          what: `network "${network}" is not declared under the top-level networks key`,
        });
      }
    }
    for (const kind of ['secrets', 'configs'] as const) {
      for (const ref of service[kind]) {
        if (!Object.hasOwn(project[kind], ref.source)) {
          problems.push({
            path: memberPath(rawServices, name, kind, ref.source),
            what: `${kind === 'secrets' ? 'secret' : 'config'} "${ref.source}" is not declared under the top-level ${kind} key`,
          });
        }
      }
    }
  }
  if (problems.length > 0) {
    const located = problems.map((problem) => {
      const location = locate(problem.path);
      return { location, text: formatProblem(location, problem.what) };
    });
    const first = located[0];
    throw new DevenvError(
      'COMPOSE_REFERENCE',
      located.length === 1 && first ? first.text : located.map((problem) => problem.text).join('\n'),
      {
        location: first?.location,
        details: located.map((problem) => problem.text),
        hint: 'declare what is referred to, or fix the name where it is used',
      },
    );
  }

  const graph = Object.fromEntries(
    Object.entries(project.services).map(([name, service]) => [name, Object.keys(service.dependsOn)]),
  );
  const cycle = findCycle(graph);
  if (cycle) {
    const [first = '', second = ''] = cycle;
    const location = locate(memberPath(rawServices, first, 'depends_on', second));
    throw new DevenvError(
      'COMPOSE_CYCLE',
      formatProblem(location, `dependency cycle: ${cycle.join(' -> ')}`),
      { location, hint: 'remove one of these depends_on entries to break the cycle' },
    );
  }
}

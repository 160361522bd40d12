/**
 * The merged, interpolated, schema-valid raw model -> ComposeProject:
 * profiles applied, every service in long syntax, top-level resources
 * normalized, references checked. Ignored keys become warnings.
 */
import { checkPathContainment } from './path-containment.js';
import { posix } from 'node:path';
import { locatedError } from './located-error.js';
import type { ComposeProject, ServiceSpec } from './model.js';
import {
  extensionsOf,
  invalidAt,
  isMapping,
  warnIgnored,
  type NormalizeContext,
} from './normalize-context.js';
import { normalizeService } from './normalize-service.js';
import { isServiceEnabled } from './profiles.js';
import { PROJECT_NAME, projectNameFromDirectory } from './project-name.js';
import { checkReferences } from './references.js';
import { normalizeFileObjects, normalizeNetworks, normalizeVolumes } from './top-level-resources.js';

const TOP_LEVEL_KEYS = new Set(['version', 'name', 'services', 'networks', 'volumes', 'secrets', 'configs']);

export interface NormalizeOptions {
  /** Absolute paths of the compose files, in merge order. */
  files: string[];
  activeProfiles: readonly string[];
}

/** As compose: COMPOSE_PROJECT_NAME (shell or .env), else the top-level `name:`, else the directory's name. */
function projectName(context: NormalizeContext, raw: Record<string, unknown>): string {
  const fromEnvironment = context.environment['COMPOSE_PROJECT_NAME'];
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    if (!PROJECT_NAME.test(fromEnvironment)) {
      throw invalidAt(
        context,
        [],
        `invalid project name "${fromEnvironment}" in COMPOSE_PROJECT_NAME: use lowercase letters, digits, "_" and "-", starting with a letter or digit`,
      );
    }
    return fromEnvironment;
  }
  if (typeof raw.name === 'string' && raw.name !== '') {
    if (!PROJECT_NAME.test(raw.name)) {
      throw invalidAt(
        context,
        ['name'],
        `invalid project name "${raw.name}": use lowercase letters, digits, "_" and "-", starting with a letter or digit`,
      );
    }
    return raw.name;
  }
  const name = projectNameFromDirectory(posix.basename(context.workingDir));
  if (name === '') {
    throw invalidAt(
      context,
      [],
      `cannot derive a project name from the directory ${context.workingDir}; set a top-level "name:"`,
    );
  }
  return name;
}

export function normalizeProject(
  context: NormalizeContext,
  raw: Record<string, unknown>,
  options: NormalizeOptions,
): ComposeProject {
  for (const key of Object.keys(raw)) {
    if (!TOP_LEVEL_KEYS.has(key) && !key.startsWith('x-')) warnIgnored(context, [key]);
  }
  if (context.projectRoot !== undefined) checkPathContainment(context, raw, context.projectRoot);
  const rawServices = isMapping(raw.services) ? raw.services : {};
  const services: Record<string, ServiceSpec> = {};
  const disabled = new Map<string, string[]>();
  for (const [name, service] of Object.entries(rawServices)) {
    const profiles = isMapping(service) ? service.profiles : undefined;
    if (isServiceEnabled(profiles, options.activeProfiles))
      services[name] = normalizeService(context, name, service);
    else disabled.set(name, Array.isArray(profiles) ? profiles.map(String) : []);
  }

  // A dependency on a service whose profile is not active: an error when required, else dropped.
  for (const service of Object.values(services)) {
    for (const [dependency, spec] of Object.entries(service.dependsOn)) {
      const profiles = disabled.get(dependency);
      if (!profiles) continue;
      if (!spec.required) {
        delete service.dependsOn[dependency];
        continue;
      }
      throw locatedError(
        'COMPOSE_REFERENCE',
        context.locate(['services', service.name, 'depends_on']),
        `service "${service.name}" depends on "${dependency}", which is only enabled by profile ${profiles.map((p) => `"${p}"`).join(' or ')}`,
        { hint: `activate it with --profile ${profiles[0] ?? ''}` },
      );
    }
  }

  const networks = normalizeNetworks(context, raw.networks);
  const usesDefault = Object.values(services).some((service) => 'default' in service.networks);
  if (usesDefault && !networks.default) networks.default = { external: false, internal: false, labels: {} };

  const project: ComposeProject = {
    name: projectName(context, raw),
    workingDir: context.workingDir,
    files: options.files,
    services,
    networks,
    volumes: normalizeVolumes(context, raw.volumes),
    secrets: normalizeFileObjects(context, 'secrets', raw.secrets),
    configs: normalizeFileObjects(context, 'configs', raw.configs),
    extensions: extensionsOf(raw),
  };
  if (disabled.size > 0) project.profileDisabled = Object.fromEntries(disabled);
  checkReferences(project, rawServices, context.locate);
  return project;
}

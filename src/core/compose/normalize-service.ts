/** One service of the merged raw model -> ServiceSpec (long syntax everywhere). */
import { normalizeBuild } from './build-spec.js';
import { normalizeFileRefs } from './file-refs.js';
import { durationAt, normalizeHealthcheck } from './healthcheck.js';
import type { KeyPath } from './key-path.js';
import { listOrDictToMap } from './list-or-dict.js';
import type {
  DependsOnCondition,
  DependsOnSpec,
  ServiceNetworkSpec,
  ServiceSpec,
  ServiceVolumeSpec,
} from './model.js';
import {
  asBoolean,
  extensionsOf,
  invalidAt,
  isMapping,
  parseAt,
  stringMap,
  warnUnknownKeys,
  type NormalizeContext,
} from './normalize-context.js';
import { parsePortEntry } from './ports-syntax.js';
import { resolveServiceEnvironment } from './service-environment.js';
import { splitShellWords } from './shell-words.js';
import { parseServiceVolume, parseTmpfsEntry } from './volumes-syntax.js';

/** The service keys devenv acts on; any other key is reported as ignored. */
export const SUPPORTED_SERVICE_KEYS: ReadonlySet<string> = new Set([
  'image',
  'build',
  'command',
  'entrypoint',
  'environment',
  'env_file',
  'ports',
  'expose',
  'volumes',
  'tmpfs',
  'depends_on',
  'healthcheck',
  'restart',
  'working_dir',
  'user',
  'labels',
  'networks',
  'profiles',
  'secrets',
  'configs',
  'container_name',
  'hostname',
  'stop_grace_period',
  'stop_signal',
  'init',
  'tty',
  'stdin_open',
  'extra_hosts',
  'develop',
]);

const DEPENDS_ON_KEYS = new Set(['condition', 'required', 'restart']);
const NETWORK_KEYS = new Set(['aliases']);

function commandAt(context: NormalizeContext, path: KeyPath, value: unknown): string[] | undefined {
  if (typeof value === 'string') return parseAt(context, path, () => splitShellWords(value));
  if (Array.isArray(value)) return value.map(String);
  return undefined;
}

function dependsOn(context: NormalizeContext, path: KeyPath, value: unknown): Record<string, DependsOnSpec> {
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((name) => [String(name), { condition: 'service_started', required: true, restart: false }]),
    );
  }
  if (!isMapping(value)) return {};
  const out: Record<string, DependsOnSpec> = {};
  for (const [name, entry] of Object.entries(value)) {
    const long = isMapping(entry) ? entry : {};
    warnUnknownKeys(context, [...path, name], long, DEPENDS_ON_KEYS);
    out[name] = {
      condition: (typeof long.condition === 'string'
        ? long.condition
        : 'service_started') as DependsOnCondition,
      required: asBoolean(long.required) ?? true,
      restart: asBoolean(long.restart) ?? false,
    };
  }
  return out;
}

function networks(
  context: NormalizeContext,
  path: KeyPath,
  value: unknown,
): Record<string, ServiceNetworkSpec> {
  if (Array.isArray(value)) return Object.fromEntries(value.map((name) => [String(name), { aliases: [] }]));
  if (isMapping(value) && Object.keys(value).length > 0) {
    const out: Record<string, ServiceNetworkSpec> = {};
    for (const [name, entry] of Object.entries(value)) {
      const long = isMapping(entry) ? entry : {};
      warnUnknownKeys(context, [...path, name], long, NETWORK_KEYS);
      out[name] = { aliases: Array.isArray(long.aliases) ? long.aliases.map(String) : [] };
    }
    return out;
  }
  return { default: { aliases: [] } };
}

function extraHosts(value: unknown): string[] {
  if (Array.isArray(value)) {
    // "host=ip" (current form) and "host:ip" (legacy form) both become "host:ip", the engine's form.
    return value.map((entry) => String(entry).replace(/^([^=:]+)=/, '$1:'));
  }
  if (isMapping(value)) {
    return Object.entries(value).flatMap(([host, ip]) => [ip].flat().map((one) => `${host}:${String(one)}`));
  }
  return [];
}

function volumes(
  context: NormalizeContext,
  path: KeyPath,
  service: Record<string, unknown>,
): ServiceVolumeSpec[] {
  const home = context.environment.HOME;
  const paths = { workingDir: context.workingDir, ...(home !== undefined ? { home } : {}) };
  const out = (Array.isArray(service.volumes) ? service.volumes : []).map((entry, index) =>
    parseAt(context, [...path, 'volumes', index], () => parseServiceVolume(entry, paths)),
  );
  const tmpfs = service.tmpfs === undefined ? [] : [service.tmpfs].flat();
  tmpfs.forEach((entry, index) => {
    const entryPath = typeof service.tmpfs === 'string' ? [...path, 'tmpfs'] : [...path, 'tmpfs', index];
    out.push(parseAt(context, entryPath, () => parseTmpfsEntry(String(entry))));
  });
  return out;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function normalizeService(context: NormalizeContext, name: string, raw: unknown): ServiceSpec {
  const path: KeyPath = ['services', name];
  const service = isMapping(raw) ? raw : {};
  warnUnknownKeys(context, path, service, SUPPORTED_SERVICE_KEYS);
  if (service.image === undefined && service.build === undefined) {
    throw invalidAt(context, path, `service "${name}" has neither an image nor a build section`);
  }

  const spec: ServiceSpec = {
    name,
    environment: resolveServiceEnvironment(context, path, service),
    ports: (Array.isArray(service.ports) ? service.ports : []).flatMap((entry, index) =>
      parseAt(context, [...path, 'ports', index], () => parsePortEntry(entry)),
    ),
    expose: (Array.isArray(service.expose) ? service.expose : []).map(String),
    volumes: volumes(context, path, service),
    dependsOn: dependsOn(context, [...path, 'depends_on'], service.depends_on),
    labels: stringMap(listOrDictToMap(service.labels)),
    networks: networks(context, [...path, 'networks'], service.networks),
    profiles: Array.isArray(service.profiles) ? service.profiles.map(String) : [],
    secrets: normalizeFileRefs(context, [...path, 'secrets'], 'secrets', service.secrets),
    configs: normalizeFileRefs(context, [...path, 'configs'], 'configs', service.configs),
    extraHosts: extraHosts(service.extra_hosts),
    extensions: extensionsOf(service),
  };

  const image = optionalString(service.image);
  if (image !== undefined) spec.image = image;
  const build = normalizeBuild(context, [...path, 'build'], service.build);
  if (build) spec.build = build;
  const command = commandAt(context, [...path, 'command'], service.command);
  if (command) spec.command = command;
  const entrypoint = commandAt(context, [...path, 'entrypoint'], service.entrypoint);
  if (entrypoint) spec.entrypoint = entrypoint;
  const healthcheck = normalizeHealthcheck(context, [...path, 'healthcheck'], service.healthcheck);
  if (healthcheck) spec.healthcheck = healthcheck;
  const stopGracePeriodMs = durationAt(context, [...path, 'stop_grace_period'], service.stop_grace_period);
  if (stopGracePeriodMs !== undefined) spec.stopGracePeriodMs = stopGracePeriodMs;

  const strings = [
    ['restart', 'restart'],
    ['working_dir', 'workingDir'],
    ['user', 'user'],
    ['container_name', 'containerName'],
    ['hostname', 'hostname'],
    ['stop_signal', 'stopSignal'],
  ] as const;
  for (const [key, field] of strings) {
    const value = optionalString(service[key]);
    if (value !== undefined) spec[field] = value;
  }
  const booleans = [
    ['init', 'init'],
    ['tty', 'tty'],
    ['stdin_open', 'stdinOpen'],
  ] as const;
  for (const [key, field] of booleans) {
    const value = asBoolean(service[key]);
    if (value !== undefined) spec[field] = value;
  }
  if (service.develop !== undefined) spec.develop = service.develop;
  return spec;
}

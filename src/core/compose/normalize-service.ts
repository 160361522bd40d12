/** One service of the merged raw model -> ServiceSpec (long syntax everywhere). */
import { normalizeBuild } from './build-spec.js';
import { normalizeDeploy } from './deploy.js';
import { normalizeFileRefs } from './file-refs.js';
import { durationAt, normalizeHealthcheck } from './healthcheck.js';
import { formatKeyPath, type KeyPath } from './key-path.js';
import { listOrDictToMap } from './list-or-dict.js';
import type {
  DependsOnCondition,
  DependsOnSpec,
  ServiceNetworkSpec,
  ServiceSpec,
  ServiceVolumeSpec,
  TmpfsSpec,
} from './model.js';
import {
  asBoolean,
  extensionsOf,
  invalidAt,
  isMapping,
  parseAt,
  stringMap,
  warnAt,
  warnUnknownKeys,
  type NormalizeContext,
} from './normalize-context.js';
import { parsePortEntry } from './ports-syntax.js';
import { parsePullPolicy } from './pull-policy.js';
import { normalizeRuntimeOptions, RUNTIME_OPTION_KEYS } from './runtime-options.js';
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
  'pull_policy',
  'platform',
  'network_mode',
  'scale',
  ...RUNTIME_OPTION_KEYS,
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
  return (Array.isArray(service.volumes) ? service.volumes : []).map((entry, index) =>
    parseAt(context, [...path, 'volumes', index], () => parseServiceVolume(entry, paths)),
  );
}

/** `tmpfs:` (a string or a list): "/path" or "/path:size=64m,mode=1777", options kept for the engine. */
function tmpfs(context: NormalizeContext, path: KeyPath, value: unknown): TmpfsSpec[] {
  if (value === undefined || value === null) return [];
  return [value].flat().map((entry, index) => {
    const text = String(entry);
    // Checks the path and the size and mode options, with the key in the error.
    parseAt(context, typeof value === 'string' ? path : [...path, index], () => parseTmpfsEntry(text));
    const colon = text.indexOf(':');
    if (colon < 0) return { target: text };
    const options = text.slice(colon + 1);
    return options === '' ? { target: text.slice(0, colon) } : { target: text.slice(0, colon), options };
  });
}

/** Keys the engine refuses beside a shared network namespace (network_mode service:/container:). */
const SHARED_NETWORK_CONFLICTS = [
  ['ports', 'publishes its ports'],
  ['expose', 'exposes its ports'],
  ['hostname', 'sets the hostname'],
  ['dns', 'sets DNS servers'],
  ['extra_hosts', 'sets extra hosts'],
  ['mac_address', 'sets the MAC address'],
] as const;

function isSet(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isMapping(value)) return Object.keys(value).length > 0;
  return true;
}

/** `network_mode`, checked against the keys that cannot go with it. */
function networkMode(
  context: NormalizeContext,
  path: KeyPath,
  service: Record<string, unknown>,
): string | undefined {
  const value = service.network_mode;
  if (value === undefined || value === null) return undefined;
  const at = [...path, 'network_mode'];
  const mode = String(value);
  const shared = /^(service|container):(.*)$/.exec(mode);
  if (shared ? shared[2] === '' : !['host', 'none', 'bridge'].includes(mode)) {
    throw invalidAt(
      context,
      at,
      `invalid network_mode "${mode}": use host, none, bridge, service:NAME or container:NAME (networks: for the stack's networks)`,
    );
  }
  if (service.networks !== undefined && service.networks !== null) {
    throw invalidAt(
      context,
      [...path, 'networks'],
      `"networks" and "network_mode" are mutually exclusive (a service with network_mode joins no networks); remove one of them`,
    );
  }
  if (shared) {
    for (const [key, what] of SHARED_NETWORK_CONFLICTS) {
      if (isSet(service[key])) {
        throw invalidAt(
          context,
          [...path, key],
          `a service with network_mode "${mode}" shares that container's network and cannot have ${key} (the engine refuses a container that ${what} there); set it on ${shared[2]} instead`,
        );
      }
    }
  }
  if (mode === 'host' && isSet(service.mac_address)) {
    throw invalidAt(context, [...path, 'mac_address'], 'mac_address cannot be used with network_mode "host"');
  }
  if ((mode === 'host' || mode === 'none') && isSet(service.ports)) {
    warnAt(
      context,
      [...path, 'ports'],
      mode === 'host'
        ? `${formatKeyPath([...path, 'ports'])} are not published with network_mode "host": the service listens on the host's own ports (devenv probes and reports those)`
        : `${formatKeyPath([...path, 'ports'])} are not published with network_mode "none" (the service has no network)`,
    );
  }
  return mode;
}

/** service:NAME in network_mode, ipc or pid: NAME starts first, as compose does. */
function addImplicitDependencies(spec: ServiceSpec): void {
  for (const mode of [spec.networkMode, spec.runtimeOptions?.ipc, spec.runtimeOptions?.pid]) {
    if (mode === undefined || !mode.startsWith('service:')) continue;
    const name = mode.slice('service:'.length);
    spec.dependsOn[name] ??= { condition: 'service_started', required: true, restart: true };
  }
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
    networks:
      service.network_mode === undefined || service.network_mode === null
        ? networks(context, [...path, 'networks'], service.networks)
        : {},
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
  const deploy = normalizeDeploy(context, path, service);
  if (deploy.replicas !== undefined) spec.replicas = deploy.replicas;
  if (deploy.restart !== undefined) spec.restart = deploy.restart;
  if (deploy.placement !== undefined) spec.placement = deploy.placement;

  const mode = networkMode(context, path, service);
  if (mode !== undefined) spec.networkMode = mode;
  if (typeof service.pull_policy === 'string') {
    const written = service.pull_policy;
    spec.pullPolicy = parseAt(context, [...path, 'pull_policy'], () => parsePullPolicy(written));
    if (spec.pullPolicy.policy === 'build' && !spec.build) {
      throw invalidAt(context, [...path, 'pull_policy'], 'pull_policy "build" needs a build section');
    }
  }
  const platform = optionalString(service.platform);
  if (platform !== undefined && platform !== '') {
    if (!/^[a-z0-9_]+\/[a-z0-9_]+(\/[a-z0-9_.]+)?$/i.test(platform)) {
      throw invalidAt(context, [...path, 'platform'], `invalid platform "${platform}": use OS/ARCH[/VARIANT], e.g. linux/amd64`);
    }
    spec.platform = platform;
  }
  const tmpfsEntries = tmpfs(context, [...path, 'tmpfs'], service.tmpfs);
  if (tmpfsEntries.length > 0) spec.tmpfs = tmpfsEntries;
  const runtimeOptions = normalizeRuntimeOptions(context, path, service);
  if (runtimeOptions) spec.runtimeOptions = runtimeOptions;
  for (const key of ['ipc', 'pid'] as const) {
    if (runtimeOptions?.[key] === 'service:') {
      throw invalidAt(context, [...path, key], `invalid ${key} "service:": name the service, e.g. service:db`);
    }
  }
  addImplicitDependencies(spec);
  return spec;
}

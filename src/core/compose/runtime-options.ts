/**
 * The service keys compose applies to the container on a single engine:
 * resources (top-level keys and deploy.resources, which must agree), ulimits,
 * capabilities, sysctls, devices, security, DNS, namespaces and logging.
 * Bad values are COMPOSE_INVALID at their key; deploy's other keys are
 * deploy.ts's.
 */
import { parseByteSize } from './byte-size.js';
import { formatKeyPath, type KeyPath } from './key-path.js';
import { listOrDictEntries } from './list-or-dict.js';
import type { DeviceSpec, LoggingSpec, RuntimeOptionsSpec, UlimitSpec } from './model.js';
import { asBoolean, invalidAt, isMapping, warnAt, type NormalizeContext } from './normalize-context.js';

/** The service keys this module reads. */
export const RUNTIME_OPTION_KEYS: readonly string[] = [
  'ulimits',
  'cap_add',
  'cap_drop',
  'sysctls',
  'shm_size',
  'runtime',
  'devices',
  'security_opt',
  'mem_limit',
  'mem_reservation',
  'memswap_limit',
  'cpus',
  'cpu_shares',
  'cpuset',
  'pids_limit',
  'oom_score_adj',
  'privileged',
  'read_only',
  'group_add',
  'dns',
  'dns_search',
  'dns_opt',
  'ipc',
  'pid',
  'userns_mode',
  'domainname',
  'mac_address',
  'logging',
  'storage_opt',
  'deploy',
];

/** The resource names the engine (and setrlimit) know. */
const ULIMIT_NAMES = new Set([
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
]);

export function integerAt(
  context: NormalizeContext,
  path: KeyPath,
  value: unknown,
  range: { min?: number; max?: number } = {},
): number {
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  const { min, max } = range;
  if (!Number.isInteger(number) || (min !== undefined && number < min) || (max !== undefined && number > max)) {
    const bounds =
      min !== undefined && max !== undefined
        ? ` from ${min} to ${max}`
        : min !== undefined
          ? ` of at least ${min}`
          : '';
    throw invalidAt(context, path, `invalid value ${JSON.stringify(value)}: expected a whole number${bounds}`);
  }
  return number;
}

/** Bytes from 1024, "64m", "1g", "512kb"; `allowUnlimited`: -1 too. */
function bytesAt(context: NormalizeContext, path: KeyPath, value: unknown, allowUnlimited = false): number {
  if (allowUnlimited && (value === -1 || value === '-1')) return -1;
  const bytes = typeof value === 'string' || typeof value === 'number' ? parseByteSize(value) : undefined;
  if (bytes === undefined) {
    throw invalidAt(
      context,
      path,
      `invalid size ${JSON.stringify(value)}: use bytes or a number with a unit, e.g. "512m" or "2g"${allowUnlimited ? ' (-1: unlimited)' : ''}`,
    );
  }
  return bytes;
}

function cpusAt(context: NormalizeContext, path: KeyPath, value: unknown): number {
  const cpus =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+(\.\d+)?$|^\.\d+$/.test(value.trim())
        ? Number(value)
        : NaN;
  if (!Number.isFinite(cpus) || cpus < 0) {
    throw invalidAt(context, path, `invalid cpus ${JSON.stringify(value)}: expected a number of CPUs, e.g. 0.5 or 2`);
  }
  return cpus;
}

function stringsAt(context: NormalizeContext, path: KeyPath, value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  if (!list) throw invalidAt(context, path, 'expected a string or a list of strings');
  return list.map(String);
}

function stringMapAt(context: NormalizeContext, path: KeyPath, value: unknown, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, item] of listOrDictEntries(value)) {
    if (item === null) throw invalidAt(context, [...path, key], `${what} "${key}" needs a value`);
    out[key] = item;
  }
  return out;
}

function ulimitsAt(context: NormalizeContext, path: KeyPath, value: unknown): Record<string, UlimitSpec> {
  if (!isMapping(value)) throw invalidAt(context, path, 'expected a mapping of limits, e.g. nofile: {soft: 1024, hard: 4096}');
  const out: Record<string, UlimitSpec> = {};
  for (const [name, limit] of Object.entries(value)) {
    const at = [...path, name];
    if (!ULIMIT_NAMES.has(name)) {
      throw invalidAt(context, at, `unknown ulimit "${name}" (known: ${[...ULIMIT_NAMES].join(', ')})`);
    }
    if (isMapping(limit)) {
      if (limit.soft === undefined || limit.hard === undefined) {
        throw invalidAt(context, at, 'a ulimit mapping needs both "soft" and "hard"');
      }
      const soft = integerAt(context, [...at, 'soft'], limit.soft, { min: -1 });
      const hard = integerAt(context, [...at, 'hard'], limit.hard, { min: -1 });
      if (hard !== -1 && (soft === -1 || soft > hard)) {
        throw invalidAt(context, at, `the soft limit ${soft} is above the hard limit ${hard}`);
      }
      out[name] = { soft, hard };
    } else {
      const both = integerAt(context, at, limit, { min: -1 });
      out[name] = { soft: both, hard: both };
    }
  }
  return out;
}

/** "HOST[:CONTAINER[:PERMISSIONS]]", as docker run --device. */
function deviceAt(context: NormalizeContext, path: KeyPath, value: unknown): DeviceSpec {
  const text = String(value);
  const [source = '', target, permissions, ...rest] = text.split(':');
  const permissionsOk = (p: string) => /^[rwm]{1,3}$/.test(p);
  if (!source.startsWith('/') || rest.length > 0) {
    throw invalidAt(
      context,
      path,
      `invalid device "${text}": expected HOST_PATH[:CONTAINER_PATH[:PERMISSIONS]] with absolute paths (CDI device names are not supported by devenv)`,
    );
  }
  // "/dev/x:rw": the second part is permissions when it is not a path.
  if (target !== undefined && permissions === undefined && !target.startsWith('/')) {
    if (!permissionsOk(target)) throw invalidAt(context, path, `invalid device "${text}": bad permissions "${target}"`);
    return { source, target: source, permissions: target };
  }
  if (target !== undefined && !target.startsWith('/')) {
    throw invalidAt(context, path, `invalid device "${text}": the container path "${target}" must be absolute`);
  }
  if (permissions !== undefined && !permissionsOk(permissions)) {
    throw invalidAt(context, path, `invalid device "${text}": bad permissions "${permissions}" (r, w, m)`);
  }
  return { source, target: target || source, permissions: permissions ?? 'rwm' };
}

function loggingAt(context: NormalizeContext, path: KeyPath, value: unknown): LoggingSpec {
  if (!isMapping(value)) throw invalidAt(context, path, 'expected a mapping with driver and options');
  const spec: LoggingSpec = { options: {} };
  if (typeof value.driver === 'string' && value.driver !== '') spec.driver = value.driver;
  if (isMapping(value.options)) {
    for (const [key, option] of Object.entries(value.options)) {
      if (option !== null && option !== undefined) spec.options[key] = String(option);
    }
  }
  return spec;
}

interface DeployResources {
  memLimitBytes?: number;
  cpus?: number;
  pidsLimit?: number;
  memReservationBytes?: number;
  cpuReservation?: number;
}

/**
 * deploy.resources.limits (cpus, memory, pids) and reservations (memory; cpus is kept for
 * `devenv diff` but not applied); the rest is warned about.
 */
function deployResources(context: NormalizeContext, path: KeyPath, deploy: unknown): DeployResources {
  const out: DeployResources = {};
  if (!isMapping(deploy)) return out;
  const resources = deploy.resources;
  if (!isMapping(resources)) return out;
  const resourcesPath = [...path, 'resources'];
  for (const [section, body] of Object.entries(resources)) {
    const sectionPath = [...resourcesPath, section];
    if (section.startsWith('x-')) continue;
    if (!isMapping(body) || (section !== 'limits' && section !== 'reservations')) {
      warnAt(context, sectionPath, `${formatKeyPath(sectionPath)} is not supported by devenv and is ignored`);
      continue;
    }
    for (const [key, value] of Object.entries(body)) {
      const at = [...sectionPath, key];
      if (key.startsWith('x-') || value === undefined || value === null) continue;
      if (section === 'limits' && key === 'memory') out.memLimitBytes = bytesAt(context, at, value);
      else if (section === 'limits' && key === 'cpus') out.cpus = cpusAt(context, at, value);
      else if (section === 'limits' && key === 'pids') out.pidsLimit = integerAt(context, at, value, { min: -1 });
      else if (section === 'reservations' && key === 'memory') out.memReservationBytes = bytesAt(context, at, value);
      else if (section === 'reservations' && key === 'cpus') {
        out.cpuReservation = cpusAt(context, at, value);
        warnAt(
          context,
          at,
          `${formatKeyPath(at)} is ignored: a CPU reservation is a Swarm scheduling guarantee with no equivalent on a single engine (use cpu_shares to weight CPU time)`,
        );
      } else warnAt(context, at, `${formatKeyPath(at)} is not supported by devenv and is ignored`);
    }
  }
  return out;
}

/** The top-level key and its deploy.resources twin must agree when both are set (compose's rule). */
function agree<T>(
  context: NormalizeContext,
  path: KeyPath,
  key: string,
  twin: string,
  top: T | undefined,
  fromDeploy: T | undefined,
): T | undefined {
  if (top !== undefined && fromDeploy !== undefined && top !== fromDeploy) {
    throw invalidAt(
      context,
      [...path, key],
      `can't set distinct values on '${key}' and '${twin}' (${String(top)} vs ${String(fromDeploy)}); keep one of them`,
    );
  }
  return top ?? fromDeploy;
}

export function normalizeRuntimeOptions(
  context: NormalizeContext,
  path: KeyPath,
  service: Record<string, unknown>,
): RuntimeOptionsSpec | undefined {
  const spec: RuntimeOptionsSpec = {};
  const at = (key: string): KeyPath => [...path, key];
  const set = (key: string): boolean => service[key] !== undefined && service[key] !== null;

  if (set('ulimits')) spec.ulimits = ulimitsAt(context, at('ulimits'), service.ulimits);
  if (set('cap_add')) spec.capAdd = stringsAt(context, at('cap_add'), service.cap_add);
  if (set('cap_drop')) spec.capDrop = stringsAt(context, at('cap_drop'), service.cap_drop);
  if (set('sysctls')) spec.sysctls = stringMapAt(context, at('sysctls'), service.sysctls, 'sysctl');
  if (set('shm_size')) spec.shmSizeBytes = bytesAt(context, at('shm_size'), service.shm_size);
  if (set('devices')) {
    spec.devices = stringsAt(context, at('devices'), service.devices).map((entry, index) =>
      deviceAt(context, [...at('devices'), index], entry),
    );
  }
  if (set('security_opt')) spec.securityOpt = stringsAt(context, at('security_opt'), service.security_opt);
  if (set('group_add')) spec.groupAdd = stringsAt(context, at('group_add'), service.group_add);
  if (set('dns')) spec.dns = stringsAt(context, at('dns'), service.dns);
  if (set('dns_search')) spec.dnsSearch = stringsAt(context, at('dns_search'), service.dns_search);
  if (set('dns_opt')) spec.dnsOpt = stringsAt(context, at('dns_opt'), service.dns_opt);
  if (set('logging')) spec.logging = loggingAt(context, at('logging'), service.logging);
  if (set('storage_opt')) spec.storageOpt = stringMapAt(context, at('storage_opt'), service.storage_opt, 'storage option');
  if (set('memswap_limit')) spec.memswapLimitBytes = bytesAt(context, at('memswap_limit'), service.memswap_limit, true);
  if (set('cpu_shares')) spec.cpuShares = integerAt(context, at('cpu_shares'), service.cpu_shares, { min: 0 });
  if (set('oom_score_adj')) {
    spec.oomScoreAdj = integerAt(context, at('oom_score_adj'), service.oom_score_adj, { min: -1000, max: 1000 });
  }
  const strings = [
    ['runtime', 'runtime'],
    ['cpuset', 'cpuset'],
    ['ipc', 'ipc'],
    ['pid', 'pid'],
    ['userns_mode', 'usernsMode'],
    ['domainname', 'domainname'],
    ['mac_address', 'macAddress'],
  ] as const;
  for (const [key, field] of strings) {
    const value = service[key];
    if (typeof value === 'string' && value !== '') spec[field] = value;
  }
  for (const [key, field] of [
    ['privileged', 'privileged'],
    ['read_only', 'readOnly'],
  ] as const) {
    const value = asBoolean(service[key]);
    if (value !== undefined) spec[field] = value;
  }

  const deploy = deployResources(context, at('deploy'), service.deploy);
  const memLimit = set('mem_limit') ? bytesAt(context, at('mem_limit'), service.mem_limit) : undefined;
  const memReservation = set('mem_reservation')
    ? bytesAt(context, at('mem_reservation'), service.mem_reservation)
    : undefined;
  const cpus = set('cpus') ? cpusAt(context, at('cpus'), service.cpus) : undefined;
  const pidsLimit = set('pids_limit') ? integerAt(context, at('pids_limit'), service.pids_limit, { min: -1 }) : undefined;
  const resources = {
    memLimitBytes: agree(context, path, 'mem_limit', 'deploy.resources.limits.memory', memLimit, deploy.memLimitBytes),
    memReservationBytes: agree(
      context,
      path,
      'mem_reservation',
      'deploy.resources.reservations.memory',
      memReservation,
      deploy.memReservationBytes,
    ),
    cpus: agree(context, path, 'cpus', 'deploy.resources.limits.cpus', cpus, deploy.cpus),
    pidsLimit: agree(context, path, 'pids_limit', 'deploy.resources.limits.pids', pidsLimit, deploy.pidsLimit),
  };
  if (deploy.cpuReservation !== undefined && deploy.cpuReservation !== 0)
    spec.cpuReservation = deploy.cpuReservation;
  // 0 means "not set" for these, as in compose.
  for (const [field, value] of Object.entries(resources) as [keyof typeof resources, number | undefined][]) {
    if (value !== undefined && value !== 0) spec[field] = value;
  }
  return Object.keys(spec).length > 0 ? spec : undefined;
}

/**
 * The resolved model back in Compose Specification form (long syntax,
 * defaults applied), as `devenv config` prints it.
 */
import type { ComposeProject, RuntimeOptionsSpec, ServiceSpec, ServiceVolumeSpec } from './model.js';
import { pullPolicyText } from './pull-policy.js';

function duration(ms: number | undefined): string | undefined {
  if (ms === undefined) return undefined;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** An environment secret shows the variable it comes from, never its value. */
function renderFileObjects(objects: ComposeProject['secrets']): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(objects).map(([name, spec]) => [
      name,
      'environment' in spec ? { environment: spec.environment } : spec,
    ]),
  );
}

function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, inner]) => {
      if (inner === undefined) return false;
      if (Array.isArray(inner)) return inner.length > 0;
      if (inner && typeof inner === 'object') return Object.keys(inner).length > 0;
      return true;
    }),
  ) as Partial<T>;
}

function renderVolume(volume: ServiceVolumeSpec): Record<string, unknown> {
  switch (volume.type) {
    case 'bind':
      return compact({
        type: 'bind',
        source: volume.source,
        target: volume.target,
        read_only: volume.readOnly || undefined,
        bind: { create_host_path: volume.createHostPath },
      });
    case 'volume':
      return compact({
        type: 'volume',
        source: volume.source,
        target: volume.target,
        read_only: volume.readOnly || undefined,
        volume: volume.noCopy ? { nocopy: true } : undefined,
      });
    case 'tmpfs':
      return compact({
        type: 'tmpfs',
        target: volume.target,
        tmpfs: compact({ size: volume.sizeBytes, mode: volume.mode }),
      });
  }
}

/**
 * Runtime options in compose's keys, resolved: sizes in bytes, ulimits and
 * devices in long syntax, deploy.resources folded into mem_limit, cpus,
 * pids_limit and mem_reservation (what devenv applies).
 */
function renderRuntimeOptions(options: RuntimeOptionsSpec | undefined): Record<string, unknown> {
  if (!options) return {};
  return compact({
    runtime: options.runtime,
    privileged: options.privileged,
    read_only: options.readOnly,
    cap_add: options.capAdd,
    cap_drop: options.capDrop,
    security_opt: options.securityOpt,
    group_add: options.groupAdd,
    ulimits: options.ulimits,
    sysctls: options.sysctls,
    devices: options.devices?.map((device) => ({ ...device })),
    shm_size: options.shmSizeBytes,
    mem_limit: options.memLimitBytes,
    mem_reservation: options.memReservationBytes,
    memswap_limit: options.memswapLimitBytes,
    cpus: options.cpus,
    cpu_shares: options.cpuShares,
    cpuset: options.cpuset,
    pids_limit: options.pidsLimit,
    oom_score_adj: options.oomScoreAdj,
    dns: options.dns,
    dns_search: options.dnsSearch,
    dns_opt: options.dnsOpt,
    ipc: options.ipc,
    pid: options.pid,
    userns_mode: options.usernsMode,
    domainname: options.domainname,
    mac_address: options.macAddress,
    logging: options.logging
      ? compact({ driver: options.logging.driver, options: options.logging.options })
      : undefined,
    storage_opt: options.storageOpt,
  });
}

/**
 * What stays of deploy once its resources are folded into mem_limit, cpus, ... and its
 * restart_policy into restart: the replica count and the CPU reservation (neither applied).
 */
function renderDeploy(service: ServiceSpec): Record<string, unknown> {
  const cpus = service.runtimeOptions?.cpuReservation;
  return compact({
    replicas: service.replicas,
    resources: cpus === undefined ? undefined : { reservations: { cpus } },
  });
}

function renderService(service: ServiceSpec): Record<string, unknown> {
  const healthcheck = service.healthcheck
    ? compact({
        test: service.healthcheck.test,
        interval: duration(service.healthcheck.intervalMs),
        timeout: duration(service.healthcheck.timeoutMs),
        retries: service.healthcheck.retries,
        start_period: duration(service.healthcheck.startPeriodMs),
        start_interval: duration(service.healthcheck.startIntervalMs),
        disable: service.healthcheck.disable || undefined,
      })
    : undefined;
  return compact({
    image: service.image,
    build: service.build
      ? compact({
          context: service.build.context,
          dockerfile: service.build.dockerfile,
          args: service.build.args,
          target: service.build.target,
          labels: service.build.labels,
        })
      : undefined,
    command: service.command,
    entrypoint: service.entrypoint,
    container_name: service.containerName,
    hostname: service.hostname,
    working_dir: service.workingDir,
    user: service.user,
    environment: service.environment,
    ports: service.ports.map((port) =>
      compact({
        name: port.name,
        target: port.target,
        published: port.published,
        host_ip: port.hostIp,
        protocol: port.protocol,
      }),
    ),
    expose: service.expose,
    volumes: service.volumes.map(renderVolume),
    depends_on: Object.fromEntries(
      Object.entries(service.dependsOn).map(([name, dep]) => [
        name,
        { condition: dep.condition, required: dep.required, restart: dep.restart },
      ]),
    ),
    healthcheck,
    restart: service.restart,
    labels: service.labels,
    networks: Object.fromEntries(
      Object.entries(service.networks).map(([name, net]) => [
        name,
        net.aliases.length > 0 ? { aliases: net.aliases } : null,
      ]),
    ),
    profiles: service.profiles,
    secrets: service.secrets,
    configs: service.configs,
    stop_grace_period: duration(service.stopGracePeriodMs),
    stop_signal: service.stopSignal,
    init: service.init,
    tty: service.tty,
    stdin_open: service.stdinOpen,
    extra_hosts: service.extraHosts,
    pull_policy: service.pullPolicy ? pullPolicyText(service.pullPolicy) : undefined,
    platform: service.platform,
    network_mode: service.networkMode,
    tmpfs: service.tmpfs?.map((entry) =>
      entry.options === undefined ? entry.target : `${entry.target}:${entry.options}`,
    ),
    ...renderRuntimeOptions(service.runtimeOptions),
    deploy: renderDeploy(service),
    develop: service.develop,
    ...service.extensions,
  });
}

export function renderComposeConfig(project: ComposeProject): Record<string, unknown> {
  return compact({
    name: project.name,
    services: Object.fromEntries(
      Object.keys(project.services)
        .sort()
        .map((name) => [name, renderService(project.services[name]!)]),
    ),
    networks: Object.fromEntries(
      Object.entries(project.networks).map(([name, net]) => [
        name,
        compact({
          name: net.name,
          external: net.external || undefined,
          driver: net.driver,
          internal: net.internal || undefined,
          labels: net.labels,
        }),
      ]),
    ),
    volumes: Object.fromEntries(
      Object.entries(project.volumes).map(([name, vol]) => [
        name,
        compact({
          name: vol.name,
          external: vol.external || undefined,
          driver: vol.driver,
          labels: vol.labels,
        }),
      ]),
    ),
    secrets: renderFileObjects(project.secrets),
    configs: renderFileObjects(project.configs),
    ...project.extensions,
  });
}

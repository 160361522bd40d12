/**
 * ContainerRequest (devenv's words) -> the engine's container create body.
 * Durations go to nanoseconds; ports are exposed and bound; the first network is
 * joined at create, the others are connected by the engine adapter before start.
 */
import type Dockerode from 'dockerode';
import type { ContainerRequest, HealthcheckRequest, MountRequest } from '../../contracts/engine.js';

const nanosPerMs = 1_000_000;

/** Compares engine API versions ("1.41" >= "1.44"?). Unknown versions count as old. */
export function apiAtLeast(apiVersion: string, minimum: string): boolean {
  const [major = 0, minor = 0] = apiVersion.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [wantMajor = 0, wantMinor = 0] = minimum.split('.').map((part) => Number.parseInt(part, 10));
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}

/** "8080" -> "8080/tcp"; "53/udp" stays. */
export function portKey(port: string | number, protocol = 'tcp'): string {
  const text = String(port);
  return text.includes('/') ? text : `${text}/${protocol}`;
}

/** Engine healthcheck config; StartInterval only where the engine knows it (API 1.44+). */
export function healthcheckConfig(
  healthcheck: HealthcheckRequest | 'disabled',
  apiVersion: string,
): Dockerode.HealthConfig & { StartInterval?: number } {
  if (healthcheck === 'disabled') return { Test: ['NONE'] };
  const config: Dockerode.HealthConfig & { StartInterval?: number } = { Test: healthcheck.test };
  if (healthcheck.intervalMs !== undefined) config.Interval = healthcheck.intervalMs * nanosPerMs;
  if (healthcheck.timeoutMs !== undefined) config.Timeout = healthcheck.timeoutMs * nanosPerMs;
  if (healthcheck.retries !== undefined) config.Retries = healthcheck.retries;
  if (healthcheck.startPeriodMs !== undefined) config.StartPeriod = healthcheck.startPeriodMs * nanosPerMs;
  if (healthcheck.startIntervalMs !== undefined && apiAtLeast(apiVersion, '1.44')) {
    config.StartInterval = healthcheck.startIntervalMs * nanosPerMs;
  }
  return config;
}

function mountConfig(mount: MountRequest): Dockerode.MountSettings {
  switch (mount.type) {
    case 'volume':
      return {
        Type: 'volume',
        Source: mount.source,
        Target: mount.target,
        ReadOnly: mount.readOnly,
        ...(mount.noCopy ? { VolumeOptions: { NoCopy: true } } : {}),
      } as Dockerode.MountSettings;
    case 'bind':
      return { Type: 'bind', Source: mount.source, Target: mount.target, ReadOnly: mount.readOnly };
    case 'tmpfs': {
      const options: { SizeBytes?: number; Mode?: number } = {};
      if (mount.sizeBytes !== undefined) options.SizeBytes = mount.sizeBytes;
      if (mount.mode !== undefined) options.Mode = mount.mode;
      return {
        Type: 'tmpfs',
        Source: '',
        Target: mount.target,
        TmpfsOptions: options,
      } as Dockerode.MountSettings;
    }
  }
}

/** "host=ip" (compose spec) or "host:ip" (engine) -> "host:ip". */
function extraHost(entry: string): string {
  const equals = entry.indexOf('=');
  return equals === -1 ? entry : `${entry.slice(0, equals)}:${entry.slice(equals + 1)}`;
}

/** Expands "8000-8002/tcp" to each port; single ports pass through. */
function exposedKeys(expose: string): string[] {
  const [ports = '', protocol = 'tcp'] = expose.split('/');
  const range = /^(\d+)-(\d+)$/.exec(ports);
  if (!range) return [portKey(ports, protocol)];
  const keys: string[] = [];
  for (let port = Number(range[1]); port <= Number(range[2]); port++) keys.push(`${port}/${protocol}`);
  return keys;
}

type HostConfig = NonNullable<Dockerode.ContainerCreateOptions['HostConfig']>;

/** The runtime options of a request as HostConfig fields; only those the request sets. */
export function runtimeHostConfig(request: ContainerRequest): Partial<HostConfig> {
  const host: Partial<HostConfig> & { Sysctls?: Record<string, string> } = {};
  if (request.tmpfs) host.Tmpfs = request.tmpfs;
  if (request.ulimits) {
    host.Ulimits = request.ulimits.map((limit) => ({ Name: limit.name, Soft: limit.soft, Hard: limit.hard }));
  }
  if (request.capAdd) host.CapAdd = request.capAdd;
  if (request.capDrop) host.CapDrop = request.capDrop;
  if (request.sysctls) host.Sysctls = request.sysctls;
  if (request.shmSizeBytes !== undefined) host.ShmSize = request.shmSizeBytes;
  if (request.runtime !== undefined) host.Runtime = request.runtime;
  if (request.devices) {
    host.Devices = request.devices.map((device) => ({
      PathOnHost: device.hostPath,
      PathInContainer: device.containerPath,
      CgroupPermissions: device.permissions,
    }));
  }
  if (request.securityOpt) host.SecurityOpt = request.securityOpt;
  const resources = request.resources;
  if (resources?.memoryBytes !== undefined) host.Memory = resources.memoryBytes;
  if (resources?.memoryReservationBytes !== undefined)
    host.MemoryReservation = resources.memoryReservationBytes;
  if (resources?.memorySwapBytes !== undefined) host.MemorySwap = resources.memorySwapBytes;
  if (resources?.cpus !== undefined) host.NanoCpus = Math.round(resources.cpus * 1e9);
  if (resources?.cpuShares !== undefined) host.CpuShares = resources.cpuShares;
  if (resources?.cpuset !== undefined) host.CpusetCpus = resources.cpuset;
  if (resources?.pidsLimit !== undefined) host.PidsLimit = resources.pidsLimit;
  if (request.oomScoreAdj !== undefined) host.OomScoreAdj = request.oomScoreAdj;
  if (request.privileged !== undefined) host.Privileged = request.privileged;
  if (request.readOnlyRootfs !== undefined) host.ReadonlyRootfs = request.readOnlyRootfs;
  if (request.groupAdd) host.GroupAdd = request.groupAdd;
  if (request.dns) host.Dns = request.dns;
  if (request.dnsSearch) host.DnsSearch = request.dnsSearch;
  if (request.dnsOptions) host.DnsOptions = request.dnsOptions;
  if (request.ipcMode !== undefined) host.IpcMode = request.ipcMode;
  if (request.pidMode !== undefined) host.PidMode = request.pidMode;
  if (request.usernsMode !== undefined) host.UsernsMode = request.usernsMode;
  if (request.logging) {
    host.LogConfig = {
      Type: request.logging.driver ?? '',
      Config: request.logging.options,
    } as HostConfig['LogConfig'];
  }
  if (request.storageOpt) host.StorageOpt = request.storageOpt;
  return host;
}

export function createOptions(
  request: ContainerRequest,
  apiVersion: string,
): Dockerode.ContainerCreateOptions & { platform?: string } {
  const exposedPorts: Record<string, object> = {};
  const portBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const port of request.ports) {
    const key = portKey(port.containerPort, port.protocol);
    exposedPorts[key] = {};
    (portBindings[key] ??= []).push({ HostIp: port.hostIp, HostPort: port.hostPort ?? '' });
  }
  for (const expose of request.expose) for (const key of exposedKeys(expose)) exposedPorts[key] = {};

  // With a network mode the container joins that namespace and none of the stack's networks.
  const [firstNetwork] = request.networkMode === undefined ? request.networks : [];
  const options: Dockerode.ContainerCreateOptions & { platform?: string } = {
    name: request.name,
    Image: request.image,
    Env: Object.entries(request.env).map(([key, value]) => `${key}=${value}`),
    Labels: request.labels,
    ExposedPorts: exposedPorts,
    Tty: request.tty,
    OpenStdin: request.openStdin,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    StopTimeout: request.stopTimeoutSeconds,
    HostConfig: {
      PortBindings: portBindings,
      Mounts: request.mounts.map(mountConfig),
      Init: request.init,
      RestartPolicy: {
        Name: request.restartPolicy,
        ...(request.restartPolicy === 'on-failure' && request.restartMaxRetries !== undefined
          ? { MaximumRetryCount: request.restartMaxRetries }
          : {}),
      },
      ExtraHosts: request.extraHosts.map(extraHost),
      ...(firstNetwork ? { NetworkMode: firstNetwork.network } : {}),
      ...(request.networkMode !== undefined ? { NetworkMode: request.networkMode } : {}),
      ...runtimeHostConfig(request),
    },
  };
  // dockerode sends the create body's top-level keys as query parameters too: `platform` is one (API 1.41+).
  if (request.platform !== undefined && apiAtLeast(apiVersion, '1.41')) options.platform = request.platform;
  if (request.domainname !== undefined) options.Domainname = request.domainname;
  if (request.command !== undefined) options.Cmd = request.command;
  if (request.entrypoint !== undefined) options.Entrypoint = request.entrypoint;
  if (request.workingDir !== undefined) options.WorkingDir = request.workingDir;
  if (request.user !== undefined) options.User = request.user;
  if (request.hostname !== undefined) options.Hostname = request.hostname;
  if (request.stopSignal !== undefined) options.StopSignal = request.stopSignal;
  if (request.healthcheck !== undefined)
    options.Healthcheck = healthcheckConfig(request.healthcheck, apiVersion);
  // The MAC address moved to the endpoint in API 1.44 (Config.MacAddress is deprecated there).
  const macOnEndpoint = firstNetwork !== undefined && apiAtLeast(apiVersion, '1.44');
  if (request.macAddress !== undefined && !macOnEndpoint) {
    (options as { MacAddress?: string }).MacAddress = request.macAddress;
  }
  if (firstNetwork) {
    options.NetworkingConfig = {
      EndpointsConfig: {
        [firstNetwork.network]: {
          Aliases: firstNetwork.aliases,
          ...(request.macAddress !== undefined && macOnEndpoint ? { MacAddress: request.macAddress } : {}),
        },
      },
    };
  }
  return options;
}

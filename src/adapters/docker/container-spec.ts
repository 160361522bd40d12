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

export function createOptions(
  request: ContainerRequest,
  apiVersion: string,
): Dockerode.ContainerCreateOptions {
  const exposedPorts: Record<string, object> = {};
  const portBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const port of request.ports) {
    const key = portKey(port.containerPort, port.protocol);
    exposedPorts[key] = {};
    (portBindings[key] ??= []).push({ HostIp: port.hostIp, HostPort: port.hostPort ?? '' });
  }
  for (const expose of request.expose) for (const key of exposedKeys(expose)) exposedPorts[key] = {};

  const [firstNetwork] = request.networks;
  const options: Dockerode.ContainerCreateOptions = {
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
    },
  };
  if (request.command !== undefined) options.Cmd = request.command;
  if (request.entrypoint !== undefined) options.Entrypoint = request.entrypoint;
  if (request.workingDir !== undefined) options.WorkingDir = request.workingDir;
  if (request.user !== undefined) options.User = request.user;
  if (request.hostname !== undefined) options.Hostname = request.hostname;
  if (request.stopSignal !== undefined) options.StopSignal = request.stopSignal;
  if (request.healthcheck !== undefined)
    options.Healthcheck = healthcheckConfig(request.healthcheck, apiVersion);
  if (firstNetwork) {
    options.NetworkingConfig = {
      EndpointsConfig: { [firstNetwork.network]: { Aliases: firstNetwork.aliases } },
    };
  }
  return options;
}

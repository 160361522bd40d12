/**
 * From a service of the resolved model to the container devenv asks the
 * engine for: names and labels per stack, ports per the port policy, named
 * volumes per stack, an init process and a short stop grace period by default.
 */
import type {
  ContainerRequest,
  FileRequest,
  HealthcheckRequest,
  MountRequest,
  NetworkMode,
} from '../../contracts/engine.js';
import type { ComposeProject, HealthcheckSpec, RuntimeOptionsSpec, ServiceSpec } from '../compose/model.js';
import { engineLabels, Labels, serviceLabels, type LabelSet } from '../stack/labels.js';
import { resourceNames } from '../stack/identity.js';
import { planPort, type PortPolicy } from './port-plan.js';

/** Dev stacks stop fast: the app gets this long after SIGTERM unless stop_grace_period says otherwise. */
export const DEFAULT_STOP_GRACE_MS = 2000;

export interface ContainerPlanInput {
  stack: string;
  project: ComposeProject;
  service: ServiceSpec;
  /** Image reference to run (the template's, or the tag devenv built). */
  image: string;
  /** Volume paths the image declares (VOLUME), which devenv gives named, labelled volumes. */
  imageVolumes: string[];
  /** The stack's labels (labels.ts stackLabels), merged here with the container's and its volumes'. */
  stackLabels: LabelSet;
  ports: PortPolicy;
}

export interface ContainerPlan {
  request: ContainerRequest;
  /** Volumes (engine names) this container needs, with their labels. */
  volumes: { name: string; labels: Record<string, string>; external: boolean }[];
  notes: string[];
}

export function anonymousVolumeName(stack: string, service: string, target: string): string {
  const slug = target.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '') || 'root';
  return resourceNames.volume(stack, `${service}-${slug}`);
}

export function networkEngineName(project: ComposeProject, stack: string, network: string): string {
  const spec = project.networks[network];
  if (spec?.external) return spec.name ?? network;
  return resourceNames.network(stack, network);
}

export function volumeEngineName(project: ComposeProject, stack: string, volume: string): string {
  const spec = project.volumes[volume];
  if (spec?.external) return spec.name ?? volume;
  return resourceNames.volume(stack, volume);
}

function healthcheckRequest(spec: HealthcheckSpec | undefined): ContainerRequest['healthcheck'] {
  if (!spec) return undefined;
  if (spec.disable || spec.test?.[0] === 'NONE') return 'disabled';
  if (!spec.test) return undefined;
  const request: HealthcheckRequest = { test: spec.test };
  if (spec.intervalMs !== undefined) request.intervalMs = spec.intervalMs;
  if (spec.timeoutMs !== undefined) request.timeoutMs = spec.timeoutMs;
  if (spec.retries !== undefined) request.retries = spec.retries;
  if (spec.startPeriodMs !== undefined) request.startPeriodMs = spec.startPeriodMs;
  if (spec.startIntervalMs !== undefined) request.startIntervalMs = spec.startIntervalMs;
  return request;
}

function restartPolicy(
  restart: string | undefined,
): Pick<ContainerRequest, 'restartPolicy' | 'restartMaxRetries'> {
  if (!restart || restart === 'no') return { restartPolicy: 'no' };
  if (restart === 'always' || restart === 'unless-stopped') return { restartPolicy: restart };
  const match = /^on-failure(?::(\d+))?$/.exec(restart);
  if (match)
    return match[1]
      ? { restartPolicy: 'on-failure', restartMaxRetries: Number(match[1]) }
      : { restartPolicy: 'on-failure' };
  return { restartPolicy: 'no' };
}

/** service:NAME (network_mode, ipc, pid) -> container:<NAME's container in this stack>; the rest as written. */
export function sharedNamespace(stack: string, mode: string): string {
  return mode.startsWith('service:')
    ? `container:${resourceNames.container(stack, mode.slice('service:'.length))}`
    : mode;
}

/** The services whose namespaces (network, IPC, PID) a service joins with service:NAME. */
export function namespaceProviders(service: ServiceSpec): string[] {
  const modes = [service.networkMode, service.runtimeOptions?.ipc, service.runtimeOptions?.pid];
  const names = modes.flatMap((mode) =>
    mode?.startsWith('service:') ? [mode.slice('service:'.length)] : [],
  );
  return [...new Set(names)];
}

/** The template's runtime options in the engine request's words; only those set. */
function runtimeRequest(stack: string, options: RuntimeOptionsSpec | undefined): Partial<ContainerRequest> {
  if (!options) return {};
  const request: Partial<ContainerRequest> = {};
  if (options.ulimits) {
    request.ulimits = Object.entries(options.ulimits).map(([name, limit]) => ({ name, ...limit }));
  }
  if (options.devices) {
    request.devices = options.devices.map((device) => ({
      hostPath: device.source,
      containerPath: device.target,
      permissions: device.permissions,
    }));
  }
  const resources: NonNullable<ContainerRequest['resources']> = {};
  if (options.memLimitBytes !== undefined) resources.memoryBytes = options.memLimitBytes;
  if (options.memReservationBytes !== undefined)
    resources.memoryReservationBytes = options.memReservationBytes;
  if (options.memswapLimitBytes !== undefined) resources.memorySwapBytes = options.memswapLimitBytes;
  if (options.cpus !== undefined) resources.cpus = options.cpus;
  if (options.cpuShares !== undefined) resources.cpuShares = options.cpuShares;
  if (options.cpuset !== undefined) resources.cpuset = options.cpuset;
  if (options.pidsLimit !== undefined) resources.pidsLimit = options.pidsLimit;
  if (Object.keys(resources).length > 0) request.resources = resources;
  if (options.ipc !== undefined) request.ipcMode = sharedNamespace(stack, options.ipc);
  if (options.pid !== undefined) request.pidMode = sharedNamespace(stack, options.pid);
  if (options.readOnly !== undefined) request.readOnlyRootfs = options.readOnly;
  if (options.dnsOpt !== undefined) request.dnsOptions = options.dnsOpt;
  if (options.logging) request.logging = { ...options.logging, options: { ...options.logging.options } };
  const same = [
    'capAdd',
    'capDrop',
    'sysctls',
    'shmSizeBytes',
    'runtime',
    'securityOpt',
    'oomScoreAdj',
    'privileged',
    'groupAdd',
    'dns',
    'dnsSearch',
    'usernsMode',
    'domainname',
    'macAddress',
    'storageOpt',
  ] as const;
  for (const key of same) {
    if (options[key] !== undefined) Object.assign(request, { [key]: options[key] });
  }
  return request;
}

/** deploy: settings for a scheduler (contracts/engine.ts DeployRequest); undefined when none are set. */
export function deployRequest(
  service: Pick<ServiceSpec, 'replicas' | 'placement'>,
): ContainerRequest['deploy'] | undefined {
  const { replicas, placement } = service;
  if (replicas === undefined && placement === undefined) return undefined;
  return {
    ...(replicas !== undefined ? { replicas } : {}),
    ...(placement && placement.constraints.length > 0 ? { constraints: placement.constraints } : {}),
    ...(placement && placement.spreadOver.length > 0 ? { spreadOver: placement.spreadOver } : {}),
    ...(placement?.endpointMode !== undefined ? { endpointMode: placement.endpointMode } : {}),
  };
}

export function planContainer(input: ContainerPlanInput): ContainerPlan {
  const { stack, project, service } = input;
  const notes: string[] = [];
  const volumeLabels = (logical: string) =>
    engineLabels(input.stackLabels, { annotations: { [Labels.volume]: logical } });
  const volumes: ContainerPlan['volumes'] = [];
  const mounts: MountRequest[] = [];

  for (const volume of service.volumes) {
    if (volume.type === 'bind') {
      mounts.push({ type: 'bind', source: volume.source, target: volume.target, readOnly: volume.readOnly });
    } else if (volume.type === 'tmpfs') {
      const tmpfs: MountRequest = { type: 'tmpfs', target: volume.target };
      if (volume.sizeBytes !== undefined) tmpfs.sizeBytes = volume.sizeBytes;
      if (volume.mode !== undefined) tmpfs.mode = volume.mode;
      mounts.push(tmpfs);
    } else {
      const external = volume.source !== undefined && project.volumes[volume.source]?.external === true;
      const name =
        volume.source !== undefined
          ? volumeEngineName(project, stack, volume.source)
          : anonymousVolumeName(stack, service.name, volume.target);
      volumes.push({
        name,
        external,
        labels: volumeLabels(volume.source ?? `${service.name}:${volume.target}`),
      });
      const mount: MountRequest = {
        type: 'volume',
        source: name,
        target: volume.target,
        readOnly: volume.readOnly,
      };
      if (volume.noCopy) mount.noCopy = true;
      mounts.push(mount);
    }
  }
  // The image's own VOLUMEs get named, labelled volumes instead of anonymous ones, so down --volumes and gc find them.
  const covered = new Set(mounts.map((mount) => mount.target));
  for (const target of input.imageVolumes) {
    if (covered.has(target)) continue;
    const name = anonymousVolumeName(stack, service.name, target);
    volumes.push({ name, external: false, labels: volumeLabels(`${service.name}:${target}`) });
    mounts.push({ type: 'volume', source: name, target, readOnly: false });
  }

  const networkMode = service.networkMode
    ? (sharedNamespace(stack, service.networkMode) as NetworkMode)
    : undefined;
  // Only a container with its own network namespace on a network of the engine publishes ports.
  const publishes = networkMode === undefined || networkMode === 'bridge';
  const ports = (publishes ? service.ports : []).map((port) => {
    const planned = planPort(port, input.ports);
    if (planned.note) notes.push(`${service.name}: port ${port.target}/${port.protocol}: ${planned.note}`);
    return planned.binding;
  });
  // On the host's network the template's ports are the host's own: exposed, so readiness probes them.
  const expose = service.expose.map((port) => (port.includes('/') ? port : `${port}/tcp`));
  if (networkMode === 'host') {
    for (const port of service.ports) {
      const key = `${port.target}/${port.protocol}`;
      if (!expose.includes(key)) expose.push(key);
    }
  }

  if (service.containerName) {
    notes.push(
      `${service.name}: container_name "${service.containerName}" is renamed per stack so stacks never collide`,
    );
  }

  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(service.environment)) if (value !== null) env[key] = value;

  const networkNames = Object.keys(service.networks);
  const stopTimeoutSeconds = Math.max(
    0,
    Math.ceil((service.stopGracePeriodMs ?? DEFAULT_STOP_GRACE_MS) / 1000),
  );
  const request: ContainerRequest = {
    name: resourceNames.container(stack, service.name),
    image: input.image,
    env,
    labels: {
      ...service.labels,
      ...engineLabels(input.stackLabels, serviceLabels(service.name), {
        annotations: { [Labels.stopTimeout]: String(stopTimeoutSeconds) },
      }),
    },
    ports,
    expose,
    mounts,
    networks: networkNames.map((network) => ({
      network: networkEngineName(project, stack, network),
      aliases: [service.name, ...(service.networks[network]?.aliases ?? [])],
    })),
    init: service.init ?? true,
    stopTimeoutSeconds,
    ...restartPolicy(service.restart),
    tty: service.tty ?? false,
    openStdin: service.stdinOpen ?? false,
    extraHosts: service.extraHosts,
    ...runtimeRequest(stack, service.runtimeOptions),
  };
  if (networkMode !== undefined) request.networkMode = networkMode;
  if (service.platform !== undefined) request.platform = service.platform;
  if (service.tmpfs && service.tmpfs.length > 0) {
    request.tmpfs = Object.fromEntries(service.tmpfs.map((entry) => [entry.target, entry.options ?? '']));
  }
  if (service.command) request.command = service.command;
  if (service.entrypoint) request.entrypoint = service.entrypoint;
  if (service.workingDir) request.workingDir = service.workingDir;
  if (service.user) request.user = service.user;
  if (service.hostname) request.hostname = service.hostname;
  if (service.stopSignal) request.stopSignal = service.stopSignal;
  const deploy = deployRequest(service);
  if (deploy !== undefined) request.deploy = deploy;
  const healthcheck = healthcheckRequest(service.healthcheck);
  if (healthcheck) request.healthcheck = healthcheck;
  const files: FileRequest[] = [];
  const objects = [
    ...service.secrets.map((use) => ({ use, spec: project.secrets[use.source], kind: 'secret' as const })),
    ...service.configs.map((use) => ({ use, spec: project.configs[use.source], kind: 'config' as const })),
  ];
  for (const { use, spec, kind } of objects) {
    if (!spec) continue;
    // A container backend binds the file; the Swarm backend makes a secret or config of its content.
    if ('file' in spec)
      mounts.push({ type: 'bind', source: spec.file, target: use.target, readOnly: true, fileObject: kind });
    else files.push({ path: use.target, content: 'value' in spec ? spec.value : spec.content, mode: 0o444 });
  }
  if (files.length > 0) request.files = files;
  return { request, volumes, notes };
}

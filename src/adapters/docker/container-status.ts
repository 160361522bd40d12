/** The engine's container inspect answer -> devenv's ContainerStatus. */
import type Dockerode from 'dockerode';
import type {
  ContainerRunState,
  ContainerStatus,
  HealthState,
  PublishedPort,
} from '../../contracts/engine.js';

const runStates = new Set<ContainerRunState>([
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
]);
const healthStates = new Set<HealthState>(['none', 'starting', 'healthy', 'unhealthy']);
const zeroTime = '0001-01-01T00:00:00Z';

/** Port bindings the engine actually made ("5432/tcp" -> [{HostIp, HostPort}]). */
export function publishedPorts(ports: Dockerode.PortMap | null | undefined): PublishedPort[] {
  const published: PublishedPort[] = [];
  for (const [key, bindings] of Object.entries(ports ?? {})) {
    const [port = '', protocol = 'tcp'] = key.split('/');
    for (const binding of (bindings as Array<{ HostIp?: string; HostPort?: string }> | null) ?? []) {
      const hostPort = Number.parseInt(binding.HostPort ?? '', 10);
      if (!Number.isFinite(hostPort)) continue;
      published.push({
        containerPort: Number.parseInt(port, 10),
        protocol: protocol === 'udp' ? 'udp' : 'tcp',
        hostIp: binding.HostIp ?? '',
        hostPort,
      });
    }
  }
  return published.sort((a, b) => a.containerPort - b.containerPort || a.hostIp.localeCompare(b.hostIp));
}

export function containerStatus(inspect: Dockerode.ContainerInspectInfo): ContainerStatus {
  const state = inspect.State as Dockerode.ContainerInspectInfo['State'] & {
    Health?: { Status?: string; Log?: Array<{ Output?: string }> };
  };
  const runState = runStates.has(state.Status as ContainerRunState)
    ? (state.Status as ContainerRunState)
    : 'dead';
  const healthStatus = state.Health?.Status as HealthState | undefined;
  const status: ContainerStatus = {
    id: inspect.Id,
    name: inspect.Name.replace(/^\//, ''),
    image: inspect.Config.Image,
    labels: inspect.Config.Labels ?? {},
    state: runState,
    health: healthStatus !== undefined && healthStates.has(healthStatus) ? healthStatus : 'none',
    healthLog: (state.Health?.Log ?? []).map((entry) => (entry.Output ?? '').trimEnd()),
    ports: publishedPorts(inspect.NetworkSettings.Ports),
    createdAt: inspect.Created,
    restartCount: inspect.RestartCount ?? 0,
  };
  const networkIds = Object.values(inspect.NetworkSettings.Networks ?? {})
    .map((network) => network.NetworkID)
    .filter((id): id is string => typeof id === 'string' && id !== '');
  if (networkIds.length > 0) status.networkIds = networkIds;
  if (runState === 'exited' || runState === 'dead' || runState === 'restarting')
    status.exitCode = state.ExitCode;
  if (state.OOMKilled === true) status.oomKilled = true;
  const memory = inspect.HostConfig?.Memory;
  if (typeof memory === 'number' && memory > 0) status.memoryLimitBytes = memory;
  if (state.StartedAt && state.StartedAt !== zeroTime) status.startedAt = state.StartedAt;
  return status;
}

/** devenv's swarm service spec as the engine's ServiceSpec body (POST /services/create, /update). */
import type { SwarmServiceSpec } from '../../../contracts/swarm-engine.js';

const NS_PER_MS = 1_000_000;

export function swarmServiceBody(spec: SwarmServiceSpec): Record<string, unknown> {
  const container: Record<string, unknown> = {
    Image: spec.image,
    Labels: spec.containerLabels,
    Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
    Init: spec.init,
    TTY: spec.tty,
    OpenStdin: spec.openStdin,
    StopGracePeriod: spec.stopGracePeriodSeconds * 1_000_000_000,
    Mounts: spec.mounts.map((mount) => ({
      Type: mount.type,
      ...(mount.source !== undefined ? { Source: mount.source } : {}),
      Target: mount.target,
      ReadOnly: mount.readOnly,
      ...(mount.type === 'volume'
        ? { VolumeOptions: { NoCopy: mount.noCopy ?? false, Labels: mount.volumeLabels ?? {} } }
        : {}),
      ...(mount.type === 'tmpfs' && mount.tmpfsSizeBytes !== undefined
        ? { TmpfsOptions: { SizeBytes: mount.tmpfsSizeBytes } }
        : {}),
    })),
    Hosts: spec.extraHosts.map((entry) => {
      // compose's "name:ip" -> the engine's "ip name".
      const at = entry.lastIndexOf(':');
      return at > 0 && !entry.includes(' ') ? `${entry.slice(at + 1)} ${entry.slice(0, at)}` : entry;
    }),
  };
  const fileRefs = (kind: 'secret' | 'config') =>
    spec.files
      .filter((file) => file.kind === kind)
      .map((file) => ({
        [kind === 'secret' ? 'SecretName' : 'ConfigName']: file.name,
        ...(file.id !== undefined ? { [kind === 'secret' ? 'SecretID' : 'ConfigID']: file.id } : {}),
        File: { Name: file.target, UID: '0', GID: '0', Mode: file.mode },
      }));
  const secrets = fileRefs('secret');
  const configs = fileRefs('config');
  if (secrets.length > 0) container.Secrets = secrets;
  if (configs.length > 0) container.Configs = configs;
  if (spec.command !== undefined) container.Command = spec.command;
  if (spec.args !== undefined) container.Args = spec.args;
  if (spec.workingDir !== undefined) container.Dir = spec.workingDir;
  if (spec.user !== undefined) container.User = spec.user;
  if (spec.hostname !== undefined) container.Hostname = spec.hostname;
  if (spec.stopSignal !== undefined) container.StopSignal = spec.stopSignal;
  if (spec.dns !== undefined) container.DNSConfig = { Nameservers: spec.dns };
  if (spec.capAdd !== undefined) container.CapabilityAdd = spec.capAdd;
  if (spec.capDrop !== undefined) container.CapabilityDrop = spec.capDrop;
  if (spec.sysctls !== undefined) container.Sysctls = spec.sysctls;
  if (spec.healthcheck === 'disabled') container.HealthCheck = { Test: ['NONE'] };
  else if (spec.healthcheck !== undefined) {
    const check = spec.healthcheck;
    container.HealthCheck = {
      Test: check.test,
      ...(check.intervalMs !== undefined ? { Interval: check.intervalMs * NS_PER_MS } : {}),
      ...(check.timeoutMs !== undefined ? { Timeout: check.timeoutMs * NS_PER_MS } : {}),
      ...(check.retries !== undefined ? { Retries: check.retries } : {}),
      ...(check.startPeriodMs !== undefined ? { StartPeriod: check.startPeriodMs * NS_PER_MS } : {}),
    };
  }
  const resources: Record<string, unknown> = {};
  if (spec.limits)
    resources.Limits = {
      ...(spec.limits.nanoCpus !== undefined ? { NanoCPUs: spec.limits.nanoCpus } : {}),
      ...(spec.limits.memoryBytes !== undefined ? { MemoryBytes: spec.limits.memoryBytes } : {}),
      ...(spec.limits.pids !== undefined ? { Pids: spec.limits.pids } : {}),
    };
  if (spec.reservations)
    resources.Reservations = {
      ...(spec.reservations.nanoCpus !== undefined ? { NanoCPUs: spec.reservations.nanoCpus } : {}),
      ...(spec.reservations.memoryBytes !== undefined ? { MemoryBytes: spec.reservations.memoryBytes } : {}),
    };
  return {
    Name: spec.name,
    Labels: spec.labels,
    TaskTemplate: {
      ContainerSpec: container,
      Resources: resources,
      RestartPolicy: {
        Condition: spec.restart.condition,
        ...(spec.restart.maxAttempts !== undefined ? { MaxAttempts: spec.restart.maxAttempts } : {}),
      },
      Placement: {
        Constraints: spec.constraints,
        Preferences: spec.spreadOver.map((descriptor) => ({ Spread: { SpreadDescriptor: descriptor } })),
      },
      Networks: spec.networks.map((network) => ({ Target: network.network, Aliases: network.aliases })),
      // Kept as the default: tasks run the image the node has (no registry to resolve against).
      ForceUpdate: 0,
    },
    Mode: { Replicated: { Replicas: spec.replicas } },
    // Start-first would hold two tasks' host ports at once: stop the old task first.
    UpdateConfig: { Parallelism: 1, Order: 'stop-first', FailureAction: 'pause' },
    EndpointSpec: {
      Mode: spec.endpointMode,
      Ports: spec.ports.map((port) => ({
        Protocol: port.protocol,
        TargetPort: port.containerPort,
        ...(port.publishedPort !== undefined ? { PublishedPort: port.publishedPort } : {}),
        PublishMode: 'host',
      })),
    },
  };
}

/**
 * A stack service's container request (and its deploy settings) as a swarm
 * service spec. Pure. What maps to what:
 * - replicas from deploy.replicas/scale (1 by default); placement constraints and spread
 *   preferences from deploy.placement; resources (cpus, memory, pids) as limits and the
 *   memory reservation as a reservation; the restart policy (always/unless-stopped: any,
 *   on-failure[:N]: on-failure with N attempts, no: none); the healthcheck (the image's when
 *   the template sets none; disabled: NONE);
 * - endpoint mode dnsrr unless deploy.endpoint_mode says vip: tasks are reached by name
 *   without a virtual IP, which needs IPVS in the kernel (some kernels lack it);
 * - published ports in host mode, on the node running the task (the routing mesh needs IPVS
 *   too); a fixed host port stays fixed, else the node picks one. The host IP is not applied:
 *   a host-mode port listens on every address of its node;
 * - files (secrets and configs given by value, and those given by `file:`, whose content the
 *   caller read from this machine: file-objects.ts) as swarm secrets (under /run/secrets) and
 *   configs (elsewhere), named per stack, service and content (they are immutable), as
 *   `docker stack deploy` does: no node needs this machine's files;
 * - volumes: created by the node the task lands on, local driver, with the stack's labels
 *   (a task rescheduled to another node starts with an empty volume there);
 * - a service the preview proxy routes also joins that proxy's network (proxy-network.ts).
 * The container request's service labels go on the service and on its task containers.
 */
import { createHash } from 'node:crypto';
import type { ContainerRequest } from '../../contracts/engine.js';
import type { VolumeSpec } from '../../contracts/stack-backend.js';
import type { SwarmFileReference, SwarmServiceSpec } from '../../contracts/swarm-engine.js';
import { isSelectorKey, Labels } from '../../core/stack/labels.js';
import { proxyNetworkName, routedProxyPort } from './proxy-network.js';

export interface SwarmFileObject extends SwarmFileReference {
  content: string | Uint8Array;
  labels: Record<string, string>;
}

/** A file a task gets: given by value (request.files) or by `file:` (its content read from this machine). */
export interface TaskFile {
  path: string;
  content: string | Uint8Array;
  mode: number;
}

/** The secret or config a request's file becomes; its name is at most 64 characters. */
export function fileObject(request: ContainerRequest, file: TaskFile): SwarmFileObject {
  const kind = file.path.startsWith('/run/secrets/') ? 'secret' : 'config';
  const digest = createHash('sha256')
    .update(file.path)
    .update('\0')
    .update(file.content)
    .digest('hex')
    .slice(0, 12);
  const selectors = Object.fromEntries(Object.entries(request.labels).filter(([key]) => isSelectorKey(key)));
  return {
    kind,
    name: `${request.name.slice(0, 50)}-${digest}`,
    target: file.path,
    mode: file.mode,
    content: file.content,
    labels: selectors,
  };
}

/**
 * Every file the service's tasks get: those given by value, then the compose secrets and configs
 * given by `file:` (bind mounts marked fileObject), with `contents` (target -> the file's bytes).
 */
export function taskFiles(request: ContainerRequest, contents: ReadonlyMap<string, Uint8Array>): TaskFile[] {
  const byFile = request.mounts.flatMap((mount) => {
    if (mount.type !== 'bind' || mount.fileObject === undefined) return [];
    const content = contents.get(mount.target);
    if (content === undefined) throw new Error(`No content was read for ${mount.target} (${mount.source}).`);
    return [{ path: mount.target, content, mode: 0o444 }];
  });
  return [...(request.files ?? []), ...byFile];
}

function restartOf(request: ContainerRequest): SwarmServiceSpec['restart'] {
  switch (request.restartPolicy) {
    case 'always':
    case 'unless-stopped':
      return { condition: 'any' };
    case 'on-failure':
      return {
        condition: 'on-failure',
        ...(request.restartMaxRetries !== undefined ? { maxAttempts: request.restartMaxRetries } : {}),
      };
    default:
      return { condition: 'none' };
  }
}

export function swarmServiceSpec(
  request: ContainerRequest,
  volumes: readonly VolumeSpec[],
  /** The content of each `file:` secret or config, by target (file-objects.ts). */
  contents: ReadonlyMap<string, Uint8Array> = new Map(),
): SwarmServiceSpec {
  const proxyPort = routedProxyPort(request.labels);
  const spec: SwarmServiceSpec = {
    name: request.name,
    labels: request.labels,
    containerLabels: request.labels,
    image: request.image,
    env: request.env,
    init: request.init,
    tty: request.tty,
    openStdin: request.openStdin,
    stopGracePeriodSeconds: request.stopTimeoutSeconds,
    // A `file:` secret or config is a swarm secret or config (files below), not a bind of this machine's path.
    mounts: request.mounts
      .filter((mount) => mount.type !== 'bind' || mount.fileObject === undefined)
      .map((mount) => {
        switch (mount.type) {
          case 'volume': {
            const labels = volumes.find((volume) => volume.name === mount.source)?.labels;
            return {
              type: 'volume',
              source: mount.source,
              target: mount.target,
              readOnly: mount.readOnly,
              ...(mount.noCopy !== undefined ? { noCopy: mount.noCopy } : {}),
              // Marked as the swarm's: on the manager's own node, plain `ls`/`gc` see local volumes.
              ...(labels !== undefined ? { volumeLabels: { ...labels, [Labels.backend]: 'swarm' } } : {}),
            };
          }
          case 'bind':
            return { type: 'bind', source: mount.source, target: mount.target, readOnly: mount.readOnly };
          case 'tmpfs':
            return {
              type: 'tmpfs',
              target: mount.target,
              readOnly: false,
              ...(mount.sizeBytes !== undefined ? { tmpfsSizeBytes: mount.sizeBytes } : {}),
            };
        }
      }),
    files: taskFiles(request, contents).map((file) => {
      const { kind, name, target, mode } = fileObject(request, file);
      return { kind, name, target, mode };
    }),
    extraHosts: request.extraHosts,
    networks: [
      ...request.networks.map((network) => ({ network: network.network, aliases: network.aliases })),
      // A routed service is on its proxy's network too, where the proxy reaches it by name (proxy-network.ts).
      ...(proxyPort !== undefined ? [{ network: proxyNetworkName(proxyPort), aliases: [] }] : []),
    ],
    replicas: request.deploy?.replicas ?? 1,
    constraints: request.deploy?.constraints ?? [],
    spreadOver: request.deploy?.spreadOver ?? [],
    restart: restartOf(request),
    endpointMode: request.deploy?.endpointMode ?? 'dnsrr',
    ports: request.ports.map((port) => ({
      containerPort: port.containerPort,
      protocol: port.protocol,
      ...(port.hostPort !== undefined && port.hostPort !== ''
        ? { publishedPort: Number(port.hostPort) }
        : {}),
    })),
  };
  if (request.entrypoint !== undefined) spec.command = request.entrypoint;
  if (request.command !== undefined) spec.args = request.command;
  if (request.workingDir !== undefined) spec.workingDir = request.workingDir;
  if (request.user !== undefined) spec.user = request.user;
  if (request.hostname !== undefined) spec.hostname = request.hostname;
  if (request.stopSignal !== undefined) spec.stopSignal = request.stopSignal;
  if (request.dns !== undefined) spec.dns = request.dns;
  if (request.capAdd !== undefined) spec.capAdd = request.capAdd;
  if (request.capDrop !== undefined) spec.capDrop = request.capDrop;
  if (request.sysctls !== undefined) spec.sysctls = request.sysctls;
  if (request.healthcheck === 'disabled') spec.healthcheck = 'disabled';
  else if (request.healthcheck !== undefined) {
    const { test, intervalMs, timeoutMs, retries, startPeriodMs } = request.healthcheck;
    spec.healthcheck = {
      test,
      ...(intervalMs !== undefined ? { intervalMs } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(retries !== undefined ? { retries } : {}),
      ...(startPeriodMs !== undefined ? { startPeriodMs } : {}),
    };
  }
  const resources = request.resources;
  if (resources) {
    const limits = {
      ...(resources.cpus !== undefined ? { nanoCpus: Math.round(resources.cpus * 1e9) } : {}),
      ...(resources.memoryBytes !== undefined ? { memoryBytes: resources.memoryBytes } : {}),
      ...(resources.pidsLimit !== undefined && resources.pidsLimit > 0 ? { pids: resources.pidsLimit } : {}),
    };
    if (Object.keys(limits).length > 0) spec.limits = limits;
    if (resources.memoryReservationBytes !== undefined)
      spec.reservations = { memoryBytes: resources.memoryReservationBytes };
  }
  return spec;
}

/**
 * The Swarm engine contract: what the Swarm stack backend (adapters/swarm-stack)
 * asks of a Swarm manager, in devenv's own types (no dockerode object), as the
 * container backend asks a ContainerEngine (contracts/engine.ts). The Docker
 * adapter implements it (adapters/docker/docker-swarm.ts) with one client per
 * resource: services, tasks, nodes, overlay networks, secrets and configs.
 *
 * A Swarm runs tasks on nodes whose engines this machine may or may not
 * reach: what needs a node's own engine (exec in a task's container, its
 * volumes, loading an image into it) goes through `SwarmNodeEngine`s, named
 * by node hostname (see cli/swarm-nodes: DEVENV_SWARM_NODES).
 */
import type {
  ContainerEngine,
  EngineInfo,
  HealthState,
  LabelSelector,
  LogLine,
  LogOptions,
  ResourceSummary,
} from './engine.js';

export interface SwarmState {
  /** inactive, pending, active, error, locked. */
  state: string;
  /** Whether this engine is a manager of the swarm (services can be created through it). */
  manager: boolean;
  nodeId: string;
}

export interface SwarmNode {
  id: string;
  hostname: string;
  /** The node's address in the swarm (where its host-mode published ports are reached). */
  address: string;
  /** ready, down, unknown, disconnected. */
  state: string;
  /** active, pause, drain. */
  availability: string;
  manager: boolean;
  labels: Record<string, string>;
}

export interface SwarmPort {
  containerPort: number;
  protocol: 'tcp' | 'udp';
  /** Fixed port on the node; absent: the engine picks one (host mode). */
  publishedPort?: number;
}

export interface SwarmMount {
  type: 'volume' | 'bind' | 'tmpfs';
  source?: string;
  target: string;
  readOnly: boolean;
  /** Labels of a volume the node creates for the task (swarm volumes are per node). */
  volumeLabels?: Record<string, string>;
  noCopy?: boolean;
  tmpfsSizeBytes?: number;
}

/** A secret or config a task gets as a file. */
export interface SwarmFileReference {
  kind: 'secret' | 'config';
  /** The engine object's name (made per stack and content: they are immutable). */
  name: string;
  /** Its id, once it exists (the engine needs both). */
  id?: string;
  target: string;
  mode: number;
}

/** What devenv makes a swarm service from: a container request's terms plus deploy. */
export interface SwarmServiceSpec {
  name: string;
  /** Service labels (found by them); the task containers carry `containerLabels`. */
  labels: Record<string, string>;
  containerLabels: Record<string, string>;
  image: string;
  command?: string[];
  args?: string[];
  env: Record<string, string>;
  workingDir?: string;
  user?: string;
  hostname?: string;
  init: boolean;
  tty: boolean;
  openStdin: boolean;
  stopSignal?: string;
  stopGracePeriodSeconds: number;
  mounts: SwarmMount[];
  files: SwarmFileReference[];
  healthcheck?:
    | {
        test: string[];
        intervalMs?: number;
        timeoutMs?: number;
        retries?: number;
        startPeriodMs?: number;
      }
    | 'disabled';
  extraHosts: string[];
  dns?: string[];
  capAdd?: string[];
  capDrop?: string[];
  sysctls?: Record<string, string>;
  networks: { network: string; aliases: string[] }[];
  replicas: number;
  constraints: string[];
  /** Spread preferences: node label descriptors ("node.labels.zone"). */
  spreadOver: string[];
  limits?: { nanoCpus?: number; memoryBytes?: number; pids?: number };
  reservations?: { nanoCpus?: number; memoryBytes?: number };
  restart: { condition: 'none' | 'on-failure' | 'any'; maxAttempts?: number };
  /** dnsrr: tasks are reached by name without a VIP (no IPVS needed). */
  endpointMode: 'dnsrr' | 'vip';
  /** Published in host mode on the node that runs the task. */
  ports: SwarmPort[];
}

export interface SwarmService {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** The service object's version (changes on every update). */
  version: number;
  replicas: number;
  createdAt: string;
  updatedAt: string;
}

export type TaskState =
  | 'new'
  | 'pending'
  | 'assigned'
  | 'accepted'
  | 'preparing'
  | 'ready'
  | 'starting'
  | 'running'
  | 'complete'
  | 'shutdown'
  | 'failed'
  | 'rejected'
  | 'remove'
  | 'orphaned';

export interface SwarmTask {
  id: string;
  serviceId: string;
  slot: number;
  nodeId: string;
  desiredState: string;
  state: TaskState;
  /** The task's error, when it failed or was rejected. */
  error?: string;
  message: string;
  containerId?: string;
  exitCode?: number;
  /** Host-mode ports the node published for the task. */
  ports: { containerPort: number; protocol: 'tcp' | 'udp'; hostPort: number }[];
  createdAt: string;
  updatedAt: string;
}

export interface SwarmEngine {
  info(): Promise<EngineInfo>;
  swarm(): Promise<SwarmState>;
  nodes(): Promise<SwarmNode[]>;

  listServices(selector: LabelSelector): Promise<SwarmService[]>;
  createService(spec: SwarmServiceSpec): Promise<string>;
  /** Replaces a service's spec (`docker service update`); `version` is the one it was read at. */
  updateService(id: string, version: number, spec: SwarmServiceSpec): Promise<void>;
  /** New tasks for the service with its spec unchanged (`docker service update --force`). */
  restartService(id: string): Promise<void>;
  /** Missing services are not an error. */
  removeService(id: string): Promise<void>;
  /** Tasks of these services (all of them when empty), every desired state. */
  listTasks(serviceIds: readonly string[]): Promise<SwarmTask[]>;
  serviceLogs(id: string, options: LogOptions, onLine: (line: LogLine) => void): Promise<void>;

  /** Overlay networks, attachable (a test or a one-off task can join). */
  listNetworks(selector: LabelSelector): Promise<ResourceSummary[]>;
  createNetwork(
    name: string,
    labels: Record<string, string>,
    options: { internal: boolean },
  ): Promise<string>;
  removeNetwork(id: string): Promise<void>;

  listSecrets(selector: LabelSelector): Promise<ResourceSummary[]>;
  /** Creates it unless one by that name exists (names carry the content's hash). */
  ensureSecret(name: string, content: string | Uint8Array, labels: Record<string, string>): Promise<string>;
  removeSecret(id: string): Promise<void>;
  listConfigs(selector: LabelSelector): Promise<ResourceSummary[]>;
  ensureConfig(name: string, content: string | Uint8Array, labels: Record<string, string>): Promise<string>;
  removeConfig(id: string): Promise<void>;
}

/**
 * A node's own engine, reached from this machine: its containers (exec in a task, its
 * volumes) and its images (an image built on the manager is loaded into it).
 */
export interface SwarmNodeEngine {
  /** The node's hostname, as the swarm names it. */
  node: string;
  endpoint: string;
  containers: ContainerEngine;
  /** The id of an image there, undefined when it lacks it. */
  imageId(ref: string): Promise<string | undefined>;
  /** A `docker save` tar of an image (several refs of one image id: one tar). */
  saveImage(ref: string): Promise<NodeJS.ReadableStream>;
  loadImage(tar: NodeJS.ReadableStream): Promise<void>;
  /**
   * Tags the image `source` as `target` (a registry reference) and pushes it, with the
   * credentials docker's config holds for that registry (anonymous when none). IMAGE_PUSH_FAILED
   * when the registry does not answer or refuses it.
   */
  pushImage(source: string, target: string): Promise<void>;
  /** Pulls a registry reference into this node, with docker's credentials for it; IMAGE_PULL_FAILED names the node. */
  pullImage(ref: string): Promise<void>;
  /** Ids of the swarm task containers on this node with these labels (the container engine skips them). */
  taskContainers(selector: LabelSelector): Promise<string[]>;
}

/** A task as devenv shows it: the node it runs on, its state and health. */
export interface TaskPlacement {
  task: string;
  node: string;
  state: TaskState;
  health: HealthState;
  error?: string;
}

/**
 * The stack backend: where a stack runs, at the level of a whole stack, the
 * way docker compose's `api.Compose` sits above the Docker API. The use-cases
 * observe a stack, plan (core/plan), apply the plan, remove a stack, follow
 * its logs and exec in its services through this port and nothing lower.
 *
 * Backends:
 * - adapters/container-stack: any `ContainerEngine` (contracts/engine.ts):
 *   the Docker engine, local or remote, and the in-memory engine of the tests;
 * - a Swarm or Kubernetes backend implements this interface natively (a
 *   service or a Deployment per node, its own rollout) and must pass the same
 *   contract suite (test/support/backend-contract.ts).
 *
 * The service specs are container requests (contracts/engine.ts) because
 * that is what a compose service is; a backend maps them to its own objects.
 * Labels on them are devenv's facts (core/stack/labels.ts); a backend keeps
 * them where it can select by them again.
 */
import type {
  ContainerRequest,
  ContainerStatus,
  EngineInfo,
  ExecOptions,
  ExecResult,
  LogLine,
  LogOptions,
  PublishedPort,
  ResourceSummary,
  StreamExecOptions,
  StreamExecResult,
} from './engine.js';
import type { ObservedStack } from '../core/plan/reconcile.js';
import type { PlanNode } from '../core/plan/plan-graph.js';
import type { TaskPlacement } from './swarm-engine.js';
import type { BackendProxy } from './backend-proxy.js';

export interface NetworkSpec {
  name: string;
  labels: Record<string, string>;
  internal: boolean;
  driver?: string;
}

export interface VolumeSpec {
  name: string;
  labels: Record<string, string>;
}

/** What the stack should be: what the plan's nodes refer to by name. */
export interface StackSpec {
  stack: string;
  /** Service name -> the request for its one container. */
  services: ReadonlyMap<string, ContainerRequest>;
  networks: readonly NetworkSpec[];
  volumes: readonly VolumeSpec[];
}

/** A change a backend made, as it makes it (the use-cases turn them into events). */
export type StackChange =
  | { type: 'network.created'; network: string }
  | { type: 'network.removed'; network: string }
  | { type: 'volume.created'; volume: string }
  | { type: 'volume.removed'; volume: string }
  | { type: 'container.created'; service: string; container: string }
  | { type: 'container.started'; service: string; container: string }
  | { type: 'container.kept'; service: string; container: string }
  | { type: 'container.stopped'; service: string; container: string }
  | { type: 'container.removed'; service: string; container: string }
  /** What a backend tells besides (a Swarm backend: the node a task runs on, how an image reached a node). */
  | { type: 'info'; message: string }
  /** A service's tasks changed (backends that spread an instance over nodes): where each runs, in what state. */
  | ({ type: 'service.tasks'; service: string } & ServiceTasks);

/** A service's tasks: how many it wants running, and each current one with its node and state. */
export interface ServiceTasks {
  desired: number;
  tasks: TaskPlacement[];
}

/** A service instance the backend created (not started yet) or runs. */
export interface ServiceInstance {
  service: string;
  /** The backend's id of the instance (a container id for container backends). */
  id: string;
  request: ContainerRequest;
}

/** Host ports for a new instance (local engines: devenv picks them, see app/host-port-pinning.ts). */
export interface PortChoice {
  request: ContainerRequest;
  /** Ports chosen for this attempt; when one is taken at start the backend asks again, avoiding them. */
  chosen: number[];
}

/** What the use-case decides while the backend applies: ports, seeding, readiness. */
export interface ApplyHooks {
  /** Aborted on Ctrl-C: running nodes stop waiting, nothing new is started. */
  signal: AbortSignal;
  onChange(change: StackChange): void;
  /** Host ports for a new instance, given its previous instance's ports; absent: the request's own. */
  choosePorts?(
    request: ContainerRequest,
    previous: readonly PublishedPort[],
    avoid: ReadonlySet<number>,
  ): Promise<PortChoice>;
  /** Called once for a new instance, after it is created and before it first starts (data seeding). */
  beforeFirstStart?(instance: ServiceInstance): Promise<void>;
  /** Resolves with its ports when a started instance is ready (depends_on gates wait on it). */
  waitReady(instance: ServiceInstance, signal: AbortSignal): Promise<PublishedPort[]>;
}

export interface AppliedService {
  service: string;
  instanceId: string;
  ports: PublishedPort[];
}

export interface RemovedStack {
  containers: number;
  networks: number;
  volumes: number;
  /** The stack's volumes left in place (remove without volumes). */
  volumesKept: number;
}

/** Every stack a backend runs, by devenv's labels (`devenv ls`). */
export interface StackInventory {
  /** One per service instance, labelled as the stack's containers are. */
  instances: ContainerStatus[];
  networks: ResourceSummary[];
  volumes: ResourceSummary[];
  /** Instance id -> its tasks and the nodes they run on (backends that spread an instance over nodes). */
  tasks: ReadonlyMap<string, TaskPlacement[]>;
}

export interface StackBackend {
  /**
   * Every stack under devenv's labels, with where each instance's tasks run.
   * Absent: `ls` lists the engine's containers (the container backends).
   */
  inventory?(): Promise<StackInventory>;
  /**
   * The preview proxy, when the backend runs it itself (Swarm: a service on the cluster).
   * Absent: app/proxy.ts runs it as a container on the engine.
   */
  proxy?: BackendProxy;
  /** Asks the backend (a round trip: also how devenv learns an engine is back). */
  info(): Promise<EngineInfo>;
  /** What the backend runs under the stack's labels, with the label facts parsed once. */
  observe(stack: string): Promise<ObservedStack>;
  /**
   * Carries out a plan (core/plan/plan-graph.ts) against what `observe`
   * returned: each node once its edges hold. Rejects with the root cause when
   * a node fails; what was created carries the stack's labels.
   */
  apply(
    spec: StackSpec,
    plan: readonly PlanNode[],
    observed: ObservedStack,
    hooks: ApplyHooks,
  ): Promise<AppliedService[]>;
  /** Removes everything under the stack's labels (volumes only when asked). */
  remove(
    stack: string,
    options: { volumes: boolean },
    onChange: (change: StackChange) => void,
  ): Promise<RemovedStack>;
  /**
   * The instance's tasks and the node each runs on (backends that spread an instance over
   * nodes; absent on the container backends); undefined when it is gone.
   */
  tasks?(instanceId: string): Promise<ServiceTasks | undefined>;
  /** State, health and ports of one instance; undefined when it is gone. */
  inspect(instanceId: string): Promise<ContainerStatus | undefined>;
  /** Follows or dumps one instance's logs until the end or the signal. */
  logs(instanceId: string, options: LogOptions, onLine: (line: LogLine) => void): Promise<void>;
  exec(instanceId: string, command: string[], options?: ExecOptions): Promise<ExecResult>;
  /** A command in a running instance with streamed stdin and stdout (a dump, a restore): see StreamExecOptions. */
  execStream(instanceId: string, command: string[], options: StreamExecOptions): Promise<StreamExecResult>;
  /** Stops (within the grace period) and starts one instance again. */
  restart(instanceId: string, timeoutSeconds: number): Promise<void>;
  /** Unpacks a tar stream into a directory of a running instance (develop.watch sync). */
  copyInto(instanceId: string, dir: string, tar: NodeJS.ReadableStream): Promise<void>;
  /** Where a published port is reachable from this machine. */
  reachable(port: PublishedPort): { host: string; port: number };
}

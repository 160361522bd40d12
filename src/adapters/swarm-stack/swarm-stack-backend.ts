/**
 * The stack backend on a Docker Swarm (contracts/stack-backend.ts): a stack
 * is swarm services (one per compose service; its instance, for the
 * contract, is the service, and its tasks run on the swarm's nodes),
 * attachable overlay networks, secrets and configs, and per-node volumes,
 * all carrying devenv's labels (core/stack/labels.ts) as the Docker backend
 * writes them. See service-spec.ts for what maps to what.
 *
 * What needs a node's own engine (exec in a task, copying files into it, a
 * node's volumes, loading an image into it) works for the nodes devenv
 * reaches: the manager's own and those DEVENV_SWARM_NODES names. A task on
 * another node can be inspected, logged (through the manager) and restarted,
 * not exec'd into: SWARM_NODE_UNREACHABLE says so.
 */
import type {
  ContainerStatus,
  EngineInfo,
  ExecOptions,
  ExecResult,
  LogLine,
  LogOptions,
  PublishedPort,
  StreamExecOptions,
  StreamExecResult,
} from '../../contracts/engine.js';
import type {
  AppliedService,
  ApplyHooks,
  RemovedStack,
  ServiceTasks,
  StackBackend,
  StackChange,
  StackInventory,
  StackSpec,
} from '../../contracts/stack-backend.js';
import type { BackendProxy } from '../../contracts/backend-proxy.js';
import type { SwarmNodeEngine } from '../../contracts/swarm-engine.js';
import { DevenvError } from '../../core/errors.js';
import type { PlanNode } from '../../core/plan/plan-graph.js';
import type { ObservedStack } from '../../core/plan/reconcile.js';
import { applySwarmPlan } from './apply-swarm-plan.js';
import { observeSwarmStack, swarmInventory } from './observe-swarm-stack.js';
import { removeSwarmStack } from './remove-swarm-stack.js';
import { currentTasks, serviceStatus, taskPlacements } from './service-status.js';
import { nodeView, type SwarmCluster } from './swarm-nodes.js';
import { SwarmProxy } from './swarm-proxy.js';

export class SwarmStackBackend implements StackBackend {
  /** The preview proxy as a service on the cluster (swarm-proxy.ts). */
  readonly proxy: BackendProxy;

  constructor(private readonly cluster: SwarmCluster) {
    this.proxy = new SwarmProxy(cluster);
  }

  info(): Promise<EngineInfo> {
    return this.cluster.swarm.info();
  }

  observe(stack: string): Promise<ObservedStack> {
    return observeSwarmStack(this.cluster, stack);
  }

  /** Every stack's services, with the node each task runs on (`devenv ls`). */
  inventory(): Promise<StackInventory> {
    return swarmInventory(this.cluster);
  }

  apply(
    spec: StackSpec,
    plan: readonly PlanNode[],
    observed: ObservedStack,
    hooks: ApplyHooks,
  ): Promise<AppliedService[]> {
    return applySwarmPlan(this.cluster, spec, plan, observed, hooks);
  }

  remove(
    stack: string,
    options: { volumes: boolean },
    onChange: (change: StackChange) => void,
  ): Promise<RemovedStack> {
    return removeSwarmStack(this.cluster, stack, options, onChange);
  }

  async inspect(instanceId: string): Promise<ContainerStatus | undefined> {
    const { swarm } = this.cluster;
    const service = (await swarm.listServices({})).find((s) => s.id === instanceId);
    if (!service) return undefined;
    const [tasks, view] = await Promise.all([swarm.listTasks([service.id]), nodeView(this.cluster)]);
    return serviceStatus(service, tasks, view.nodes, view.address);
  }

  /** Each current task of a service and the node it runs on (what `ls` and the dashboard show). */
  async tasks(instanceId: string): Promise<ServiceTasks | undefined> {
    const { swarm } = this.cluster;
    const service = (await swarm.listServices({})).find((s) => s.id === instanceId);
    if (!service) return undefined;
    const [tasks, view] = await Promise.all([swarm.listTasks([service.id]), nodeView(this.cluster)]);
    return { desired: service.replicas, tasks: taskPlacements(service, tasks, view.nodes) };
  }

  logs(instanceId: string, options: LogOptions, onLine: (line: LogLine) => void): Promise<void> {
    return this.cluster.swarm.serviceLogs(instanceId, options, onLine);
  }

  async exec(instanceId: string, command: string[], options?: ExecOptions): Promise<ExecResult> {
    const { node, containerId } = await this.runningTask(instanceId);
    return node.containers.exec(containerId, command, options);
  }

  async execStream(
    instanceId: string,
    command: string[],
    options: StreamExecOptions,
  ): Promise<StreamExecResult> {
    const { node, containerId } = await this.runningTask(instanceId);
    return node.containers.execStream(containerId, command, options);
  }

  async restart(instanceId: string): Promise<void> {
    await this.cluster.swarm.restartService(instanceId);
    // As a container restart returns once it runs again: until the new tasks run.
    for (let tries = 0; tries < 240; tries++) {
      const status = await this.inspect(instanceId);
      const tasks = await this.cluster.swarm.listTasks([instanceId]);
      const fresh = currentTasks(tasks).every((task) => task.state === 'running');
      if (status?.state === 'running' && fresh) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async copyInto(instanceId: string, dir: string, tar: NodeJS.ReadableStream): Promise<void> {
    const { node, containerId } = await this.runningTask(instanceId);
    await node.containers.copyToContainer(containerId, dir, tar);
  }

  /** A host-mode port is reached at the address of the node running the task (ports carry it). */
  reachable(port: PublishedPort): { host: string; port: number } {
    return { host: port.hostIp, port: port.hostPort };
  }

  /** The first running task of the service on a node whose engine devenv reaches. */
  private async runningTask(instanceId: string): Promise<{ node: SwarmNodeEngine; containerId: string }> {
    const [tasks, view, engines] = await Promise.all([
      this.cluster.swarm.listTasks([instanceId]),
      nodeView(this.cluster),
      this.cluster.nodeEngines(),
    ]);
    const running = currentTasks(tasks).filter((task) => task.state === 'running' && task.containerId);
    for (const task of running) {
      const hostname = view.nodes.find((node) => node.id === task.nodeId)?.hostname;
      const node = hostname !== undefined ? engines.get(hostname) : undefined;
      if (node) return { node, containerId: task.containerId! };
    }
    const where = running
      .map((task) => view.nodes.find((node) => node.id === task.nodeId)?.hostname ?? task.nodeId)
      .join(', ');
    throw new DevenvError(
      'SWARM_NODE_UNREACHABLE',
      running.length === 0
        ? `No task of swarm service ${instanceId} is running.`
        : `The tasks of swarm service ${instanceId} run on ${where}, whose engines devenv does not reach.`,
      {
        hint: 'Name the node engines in DEVENV_SWARM_NODES (NODE=unix:///path or tcp://host:2376 or ssh://host, comma-separated), or place the service on the manager with a deploy.placement constraint.',
      },
    );
  }
}

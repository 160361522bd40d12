/**
 * A swarm service as one instance (what the stack backend contract calls an
 * instance and `up` waits on): running once every wanted task runs. Swarm
 * reports a task with a healthcheck as running only once the check passes
 * (it is "starting" until then), so every task running is every task healthy.
 * Published ports are each task's host-mode ports, at its node's address.
 */
import type {
  ContainerRunState,
  ContainerStatus,
  HealthState,
  PublishedPort,
} from '../../contracts/engine.js';
import type { SwarmNode, SwarmService, SwarmTask, TaskPlacement } from '../../contracts/swarm-engine.js';

const ACTIVE = new Set(['new', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting']);
const FAILED = new Set(['failed', 'rejected', 'orphaned']);

/** The tasks the swarm currently wants running (one per slot: the newest). */
export function currentTasks(tasks: readonly SwarmTask[]): SwarmTask[] {
  const bySlot = new Map<string, SwarmTask>();
  for (const task of tasks) {
    const slot = `${task.slot}:${task.slot === 0 ? task.nodeId : ''}`;
    const seen = bySlot.get(slot);
    if (!seen || seen.createdAt < task.createdAt) bySlot.set(slot, task);
  }
  return [...bySlot.values()].sort((a, b) => a.slot - b.slot);
}

export function nodeName(nodes: readonly SwarmNode[], id: string): string {
  return nodes.find((node) => node.id === id)?.hostname ?? (id === '' ? 'unassigned' : id.slice(0, 12));
}

export function taskPlacements(
  service: SwarmService,
  tasks: readonly SwarmTask[],
  nodes: readonly SwarmNode[],
): TaskPlacement[] {
  return currentTasks(tasks).map((task) => ({
    task: `${service.name}.${task.slot}`,
    node: nodeName(nodes, task.nodeId),
    state: task.state,
    health: task.state === 'running' ? 'healthy' : task.state === 'starting' ? 'starting' : 'none',
    ...(task.error !== undefined ? { error: task.error } : {}),
  }));
}

export function serviceStatus(
  service: SwarmService,
  tasks: readonly SwarmTask[],
  nodes: readonly SwarmNode[],
  /** Where this machine reaches a node's published ports (the manager's own node: its published host). */
  nodeAddress: (nodeId: string) => string,
): ContainerStatus {
  const current = currentTasks(tasks);
  const running = current.filter((task) => task.state === 'running');
  const failed = current.filter((task) => FAILED.has(task.state) || task.state === 'complete');
  let state: ContainerRunState;
  let health: HealthState = 'none';
  let exitCode: number | undefined;
  if (service.replicas === 0 || (current.length > 0 && current.every((task) => task.state === 'complete'))) {
    state = 'exited';
    exitCode = 0;
  } else if (running.length >= service.replicas) {
    state = 'running';
    health = 'healthy';
  } else if (failed.length > 0 && failed.length === current.length) {
    state = current.some((task) => task.containerId !== undefined) ? 'exited' : 'dead';
    exitCode = failed.find((task) => task.exitCode !== undefined)?.exitCode ?? 1;
  } else {
    const someRunning = current.some((task) => task.state === 'running');
    if (someRunning || current.some((task) => ACTIVE.has(task.state))) health = 'starting';
    // Not every replica runs yet: not ready (readiness waits on running and healthy). A service
    // whose tasks are being replaced (its node went down, an update) is restarting, not new.
    state = someRunning || tasks.length > current.length ? 'restarting' : 'created';
  }
  const ports: PublishedPort[] = running.flatMap((task) =>
    task.ports.map((port) => ({
      containerPort: port.containerPort,
      protocol: port.protocol,
      hostIp: nodeAddress(task.nodeId),
      hostPort: port.hostPort,
    })),
  );
  const restarts = tasks.filter((task) => task.desiredState === 'shutdown' && FAILED.has(task.state)).length;
  const status: ContainerStatus = {
    id: service.id,
    name: service.name,
    image: '',
    labels: service.labels,
    state,
    health,
    healthLog: failed.flatMap((task) =>
      task.error ? [`${nodeName(nodes, task.nodeId)}: ${task.error}`] : [],
    ),
    ports,
    createdAt: service.createdAt,
    restartCount: restarts,
  };
  if (exitCode !== undefined) status.exitCode = exitCode;
  const startedAt = running.map((task) => task.updatedAt).sort()[0];
  if (startedAt) status.startedAt = startedAt;
  return status;
}

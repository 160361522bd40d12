/**
 * Waiting for what a removed service leaves behind: the nodes stop its tasks' containers
 * asynchronously, and until they have, its networks and volumes are in use (removals of
 * those retry: adapters/removal/until-free.ts). Each wait ends after a minute (a node that
 * never answers must not hang `down`).
 */
import type { LabelSelector } from '../../contracts/engine.js';
import type { SwarmEngine, SwarmNodeEngine } from '../../contracts/swarm-engine.js';

const POLL_MS = 250;
const WAIT_MS = 60_000;

/** Until no task of these (removed) services has a container that is not shut down. */
export async function untilTasksGone(swarm: SwarmEngine, serviceIds: readonly string[]): Promise<void> {
  if (serviceIds.length === 0) return;
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const left = (await swarm.listTasks([])).filter(
      (task) =>
        serviceIds.includes(task.serviceId) && task.containerId !== undefined && task.state !== 'shutdown',
    );
    if (left.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Until the nodes devenv reaches hold no container with these labels: a node drops a task's
 * container a moment after the manager sees the task shut down (after untilTasksGone).
 */
export async function untilNodeContainersGone(
  engines: readonly SwarmNodeEngine[],
  selector: LabelSelector,
): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const left = await Promise.all(engines.map((node) => node.taskContainers(selector).catch(() => [])));
    if (left.every((containers) => containers.length === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

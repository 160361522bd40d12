/**
 * A service's tasks as devenv shows them (the dashboard's task lines, the
 * plain renderer's `tasks` line): how many run of how many wanted, and each
 * task by its slot, its node and its state.
 */
import type { ServiceTasks } from '../contracts/stack-backend.js';
import type { TaskPlacement } from '../contracts/swarm-engine.js';

/** States on the way to running: the swarm is still placing or starting the task. */
const ON_THE_WAY = new Set(['new', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting']);
/** States of a task that will not run: shown in red with its error. */
const FAILED = new Set(['failed', 'rejected', 'orphaned', 'remove', 'shutdown']);

export type TaskTone = 'running' | 'starting' | 'failed' | 'other';

export function taskTone(task: TaskPlacement): TaskTone {
  if (task.state === 'running') return 'running';
  if (ON_THE_WAY.has(task.state)) return 'starting';
  return FAILED.has(task.state) ? 'failed' : 'other';
}

/** "2/2 running" */
export function taskCount(tasks: ServiceTasks): string {
  const running = tasks.tasks.filter((task) => task.state === 'running').length;
  return `${running}/${tasks.desired} running`;
}

/** "app.2": the compose service and the task's slot (the swarm's task name is `<stack>-app-1.2`). */
export function taskName(service: string, task: TaskPlacement): string {
  const slot = /\.([^.]+)$/.exec(task.task)?.[1];
  return slot === undefined ? task.task : `${service}.${slot}`;
}

/** No task is on its way: each runs or has ended (what is worth a line in a log). */
export function tasksSettled(tasks: ServiceTasks): boolean {
  return tasks.tasks.every((task) => taskTone(task) !== 'starting');
}

/** "app.1 on node1 running, app.2 on node2 rejected (no suitable node)" */
export function formatTasks(service: string, tasks: ServiceTasks): string {
  const each = tasks.tasks.map(
    (task) =>
      `${taskName(service, task)} on ${task.node} ${task.state}${task.error !== undefined ? ` (${task.error})` : ''}`,
  );
  return `${taskCount(tasks)}${each.length > 0 ? `: ${each.join(', ')}` : ''}`;
}

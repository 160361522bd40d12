/**
 * An attached session on a backend that spreads a service over nodes (Swarm):
 * each service's tasks are looked at every few seconds and `service.tasks`
 * is said when they change (a task started, moved to another node after its
 * node went down, failed), so the dashboard shows where each task runs now.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceTasks, StackBackend } from '../contracts/stack-backend.js';
import type { AppContext } from './context.js';

export interface TaskWatchOptions {
  backend: StackBackend;
  /** The services followed now (service name -> its instance id); read at every look. */
  instances(): ReadonlyMap<string, string>;
  intervalMs: number;
  signal: AbortSignal;
  /** After a change was said (the session then checks the service's ports). */
  onChange?(service: string, instanceId: string, tasks: ServiceTasks): void | Promise<void>;
}

/** Runs until the signal; a backend without tasks returns at once. Errors of one look are skipped (the session notices a vanished engine). */
export async function watchTasks(ctx: AppContext, options: TaskWatchOptions): Promise<void> {
  const { backend, signal } = options;
  if (!backend.tasks) return;
  const said = new Map<string, string>();
  while (!signal.aborted) {
    for (const [service, instanceId] of options.instances()) {
      if (signal.aborted) return;
      const tasks = await backend.tasks(instanceId).catch(() => undefined);
      if (!tasks) continue;
      const key = `${instanceId} ${JSON.stringify(tasks)}`;
      if (said.get(service) === key) continue;
      said.set(service, key);
      ctx.emit({ type: 'service.tasks', service, ...tasks });
      await options.onChange?.(service, instanceId, tasks);
    }
    await sleep(options.intervalMs, undefined, { signal }).catch(() => undefined);
  }
}

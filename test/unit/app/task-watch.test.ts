/**
 * An attached session on a backend with tasks (Swarm) says each service's tasks when they
 * change, once per change (app/task-watch.ts); a backend without tasks is not asked.
 */
import { describe, expect, it } from 'vitest';
import { watchTasks } from '../../../src/app/task-watch.js';
import type { ServiceTasks, StackBackend } from '../../../src/contracts/stack-backend.js';
import type { TaskPlacement } from '../../../src/contracts/swarm-engine.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine } from '../../support/fakes/memory-engine.js';

const placed = (node: string, state: TaskPlacement['state']): ServiceTasks => ({
  desired: 1,
  tasks: [{ task: 's-cache-1.1', node, state, health: state === 'running' ? 'healthy' : 'none' }],
});

describe('watchTasks', () => {
  it("says a service's tasks at first sight and at each change, not when they stay the same", async () => {
    const { ctx, events } = fakeContext(process.cwd(), memoryEngine());
    const script = [
      placed('node2', 'running'),
      placed('node2', 'running'),
      placed('node1', 'pending'),
      placed('node1', 'running'),
      placed('node1', 'running'),
    ];
    const stop = new AbortController();
    const changes: string[] = [];
    let looks = 0;
    const backend = {
      tasks: async (id: string) => {
        expect(id).toBe('instance-1');
        const next = script[Math.min(looks, script.length - 1)];
        looks += 1;
        if (looks >= script.length) stop.abort();
        return next;
      },
    } as unknown as StackBackend;
    await watchTasks(ctx, {
      backend,
      instances: () => new Map([['cache', 'instance-1']]),
      intervalMs: 1,
      signal: stop.signal,
      onChange: (service, _id, tasks) => void changes.push(`${service} ${tasks.tasks[0]!.node}`),
    });
    const said = events.flatMap((event) =>
      event.type === 'service.tasks' ? [`${event.tasks[0]!.node} ${event.tasks[0]!.state}`] : [],
    );
    expect(said).toEqual(['node2 running', 'node1 pending', 'node1 running']);
    expect(changes).toEqual(['cache node2', 'cache node1', 'cache node1']);
  });

  it('returns at once on a backend without tasks (the container backends)', async () => {
    const { ctx, events } = fakeContext(process.cwd(), memoryEngine());
    await watchTasks(ctx, {
      backend: {} as StackBackend,
      instances: () => new Map([['cache', 'instance-1']]),
      intervalMs: 1,
      signal: new AbortController().signal,
    });
    expect(events).toEqual([]);
  });
});

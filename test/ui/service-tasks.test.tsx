/**
 * A Swarm stack on the dashboard: each service's tasks (service.tasks) under its row, the count
 * running/wanted, each task's node and state (and error), and the change when a task moves to
 * another node; the layout counts the lines the table draws.
 */
import { describe, expect, it } from 'vitest';
import type { TaskPlacement } from '../../src/contracts/swarm-engine.js';
import { ServicesTable } from '../../src/ui/ink/components/ServicesTable.js';
import { computeLayout } from '../../src/ui/ink/layout.js';
import { MAX_TASK_ROWS, taskRows } from '../../src/ui/ink/task-rows.js';
import { formatTasks, tasksSettled } from '../../src/ui/format-tasks.js';
import { SECRET, T0, ev, readyStack, stateOf } from './fixtures.js';
import { frameOf } from './components/render.js';

const task = (slot: number, node: string, state: TaskPlacement['state'], error?: string): TaskPlacement => ({
  task: `shop-main-alice-3f2a1c-postgres-1.${slot}`,
  node,
  state,
  health: state === 'running' ? 'healthy' : 'none',
  ...(error !== undefined ? { error } : {}),
});

const tasksOf = (service: string, desired: number, tasks: TaskPlacement[], at = 3000) =>
  ev({ type: 'service.tasks', service, desired, tasks }, at);

function table(events: Parameters<typeof stateOf>[0], height = 12) {
  const state = stateOf(events);
  return frameOf(
    <ServicesTable
      services={state.services}
      transfers={state.transfers}
      stack={state.stack!}
      selected={-1}
      now={T0 + 65_000}
      frame={0}
      width={100}
      height={height}
    />,
  );
}

describe('tasks per service on the dashboard (a Swarm stack)', () => {
  const twoOnTwoNodes = tasksOf('postgres', 2, [
    task(1, 'devswarm1', 'running'),
    task(2, 'devswarm2', 'running'),
  ]);

  it('the reducer keeps the latest tasks of each service; other rows have none', () => {
    const state = stateOf([...readyStack, twoOnTwoNodes]);
    const postgres = state.services.find((row) => row.name === 'postgres')!;
    expect(postgres.tasks).toEqual({
      desired: 2,
      tasks: [task(1, 'devswarm1', 'running'), task(2, 'devswarm2', 'running')],
    });
    expect(state.services.find((row) => row.name === 'app')!.tasks).toBeUndefined();
    const moved = stateOf([
      ...readyStack,
      twoOnTwoNodes,
      tasksOf('postgres', 2, [task(1, 'devswarm1', 'running'), task(2, 'devswarm1', 'starting')], 9000),
    ]);
    expect(moved.services.find((row) => row.name === 'postgres')!.tasks!.tasks[1]).toMatchObject({
      node: 'devswarm1',
      state: 'starting',
    });
  });

  it('masks secrets in a task error', () => {
    const state = stateOf([
      ...readyStack,
      tasksOf('postgres', 1, [task(1, 'devswarm2', 'rejected', `bad mount ${SECRET}`)]),
    ]);
    const error = state.services.find((row) => row.name === 'postgres')!.tasks!.tasks[0]!.error!;
    expect(error).not.toContain(SECRET);
    expect(error).toMatch(/^bad mount /);
  });

  it('draws each task under its service with its node and state, the first line with the count', () => {
    const lines = table([...readyStack, twoOnTwoNodes]).split('\n');
    const at = lines.findIndex((line) => /^ +postgres /.test(line));
    expect(lines.slice(at + 1, at + 3)).toEqual([
      '    tasks 2/2 running  postgres.1  devswarm1  running',
      '                       postgres.2  devswarm2  running',
    ]);
    expect(lines[at + 3]).toMatch(/^ +redis /);
  });

  it('shows a task moving to another node: the count drops, the new node and its state, then running again', () => {
    const moving = table([
      ...readyStack,
      tasksOf('postgres', 1, [task(1, 'devswarm2', 'running')]),
      tasksOf('postgres', 1, [task(1, 'devswarm1', 'preparing')], 9000),
    ]);
    expect(moving).toContain('    tasks 0/1 running  postgres.1  devswarm1  preparing');
    const moved = table([
      ...readyStack,
      tasksOf('postgres', 1, [task(1, 'devswarm2', 'running')]),
      tasksOf('postgres', 1, [task(1, 'devswarm1', 'running')], 12000),
    ]);
    expect(moved).toContain('    tasks 1/1 running  postgres.1  devswarm1  running');
    expect(moved).not.toContain('devswarm2');
  });

  it("shows a task's error, and a service with no task placed yet", () => {
    const frame = table([
      ...readyStack,
      tasksOf('postgres', 1, [task(1, 'unassigned', 'pending', 'no suitable node (scheduling constraints)')]),
      tasksOf('redis', 1, []),
    ]);
    expect(frame).toContain(
      '    tasks 0/1 running  postgres.1  unassigned  pending — no suitable node (scheduling constraints)',
    );
    expect(frame).toContain('    tasks 0/1 running  none placed yet');
  });

  it(`shows at most ${MAX_TASK_ROWS} lines of tasks per service, the last saying how many more`, () => {
    const many = tasksOf(
      'postgres',
      6,
      [1, 2, 3, 4, 5, 6].map((slot) => task(slot, `devswarm${slot % 2 === 0 ? 2 : 1}`, 'running')),
    );
    const row = stateOf([...readyStack, many]).services.find((r) => r.name === 'postgres')!;
    expect(taskRows(row)).toHaveLength(MAX_TASK_ROWS);
    expect(table([...readyStack, many], 20)).toMatch(/… 3 more/);
  });

  it('the layout gives the services panel a row per task line', () => {
    const options = { testsConfigured: false, bannerVisible: false };
    const without = computeLayout(stateOf(readyStack), { columns: 100, rows: 40 }, options);
    const withTasks = computeLayout(
      stateOf([...readyStack, twoOnTwoNodes, tasksOf('redis', 1, [task(1, 'devswarm2', 'running')])]),
      { columns: 100, rows: 40 },
      options,
    );
    expect(withTasks.servicesHeight).toBe(without.servicesHeight + 3);
    expect(withTasks.logsHeight).toBe(without.logsHeight - 3);
  });

  it('formats tasks for a log line, and says when every task has settled', () => {
    const tasks = { desired: 2, tasks: [task(1, 'devswarm1', 'running'), task(2, 'devswarm2', 'starting')] };
    expect(formatTasks('postgres', tasks)).toBe(
      '1/2 running: postgres.1 on devswarm1 running, postgres.2 on devswarm2 starting',
    );
    expect(tasksSettled(tasks)).toBe(false);
    expect(tasksSettled({ desired: 1, tasks: [task(1, 'devswarm1', 'running')] })).toBe(true);
  });
});

describe('a Swarm service started as several tasks', () => {
  it('counts no restart for the second task of the same start, and one for a start after it stopped', () => {
    const events = [
      ev({ type: 'container.created', service: 'postgres', container: 'shop-postgres-1' }, 100),
      ev(
        { type: 'container.started', service: 'postgres', container: 'shop-postgres-1.1 on devswarm1' },
        200,
      ),
      ev(
        { type: 'container.started', service: 'postgres', container: 'shop-postgres-1.2 on devswarm2' },
        300,
      ),
    ];
    const state = stateOf(events);
    expect(state.services.find((row) => row.name === 'postgres')).toMatchObject({
      restarts: 0,
      startedAt: T0 + 200,
    });
    const again = stateOf(
      [
        ev({ type: 'container.stopped', service: 'postgres', container: 'shop-postgres-1' }, 5000),
        ev({ type: 'container.started', service: 'postgres', container: 'shop-postgres-1' }, 5100),
      ],
      state,
    );
    expect(again.services.find((row) => row.name === 'postgres')).toMatchObject({ restarts: 1 });
  });
});

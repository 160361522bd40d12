/**
 * The lines under a service's row that show its tasks (a Swarm stack): the
 * first carries the count running/wanted, each names a task, its node and its
 * state (and error); past MAX_TASK_ROWS a last line says how many more. The
 * layout counts them as the table draws them.
 */
import type { TaskPlacement } from '../../contracts/swarm-engine.js';
import { taskCount, taskName, taskTone, type TaskTone } from '../format-tasks.js';
import type { ServiceRow } from './dashboard-state.js';

export const MAX_TASK_ROWS = 4;

export type TaskRow =
  | {
      kind: 'task';
      count?: string;
      name: string;
      node: string;
      state: string;
      error?: string;
      tone: TaskTone;
    }
  | { kind: 'none'; count: string }
  | { kind: 'more'; hidden: number };

function taskRow(row: ServiceRow, task: TaskPlacement): TaskRow {
  return {
    kind: 'task',
    name: taskName(row.name, task),
    node: task.node,
    state: task.state,
    ...(task.error !== undefined ? { error: task.error } : {}),
    tone: taskTone(task),
  };
}

export function taskRows(row: ServiceRow): TaskRow[] {
  const tasks = row.tasks;
  if (!tasks) return [];
  const count = taskCount(tasks);
  if (tasks.tasks.length === 0) return [{ kind: 'none', count }];
  const shown = tasks.tasks.length > MAX_TASK_ROWS ? MAX_TASK_ROWS - 1 : tasks.tasks.length;
  const rows = tasks.tasks.slice(0, shown).map((task) => taskRow(row, task));
  const first = rows[0];
  if (first?.kind === 'task') first.count = count;
  if (shown < tasks.tasks.length) rows.push({ kind: 'more', hidden: tasks.tasks.length - shown });
  return rows;
}

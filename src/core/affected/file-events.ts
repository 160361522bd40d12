/**
 * Raw watcher events of one debounce window folded into one change per path.
 * Editors that save atomically write a temporary file and rename it over the
 * original, which the watcher sees as unlink + add (or add + unlink of the
 * temporary): the same path removed and created again within the window is a
 * change; a temporary file created and removed within the window is nothing.
 */
export type RawFileEvent = { kind: 'add' | 'change' | 'unlink'; path: string };

export type FileChangeKind = 'added' | 'changed' | 'removed';

export interface FileChange {
  path: string;
  kind: FileChangeKind;
}

export function coalesceFileEvents(events: readonly RawFileEvent[]): FileChange[] {
  /** First and last state per path: did it exist before the window, does it exist after. */
  const states = new Map<string, { existedBefore: boolean; existsAfter: boolean }>();
  for (const event of events) {
    const state = states.get(event.path);
    const existsAfter = event.kind !== 'unlink';
    if (!state) {
      states.set(event.path, { existedBefore: event.kind !== 'add', existsAfter });
    } else state.existsAfter = existsAfter;
  }
  const changes: FileChange[] = [];
  for (const [path, { existedBefore, existsAfter }] of states) {
    if (existedBefore && existsAfter) changes.push({ path, kind: 'changed' });
    else if (!existedBefore && existsAfter) changes.push({ path, kind: 'added' });
    else if (existedBefore && !existsAfter) changes.push({ path, kind: 'removed' });
  }
  return changes.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * What the next test run is asked to cover, gathered while a run is in
 * progress: changed files, explicit selections (run all, rerun failed) and
 * the files a cancelled run had not finished. Pure values and merges; the
 * scheduler (app/testing/test-scheduler) owns the one pending run.
 */
import type { FileChange, FileChangeKind } from '../affected/file-events.js';
import type { SelectedTestFile, TestKind, TestTrigger } from './test-model.js';

export interface PendingRun {
  changes: Map<string, FileChangeKind>;
  /** Selected files carried over from a cancelled run, with their reasons. */
  carried: Map<string, SelectedTestFile>;
  /** Explicit selections (run all, rerun failed). */
  explicit: Map<string, SelectedTestFile>;
  reasons: string[];
}

export function emptyPending(): PendingRun {
  return { changes: new Map(), carried: new Map(), explicit: new Map(), reasons: [] };
}

/** Adds files to a selection by path; a file already there gains the new reasons. */
export function mergeSelected(into: Map<string, SelectedTestFile>, files: readonly SelectedTestFile[]): void {
  for (const file of files) {
    const existing = into.get(file.file);
    if (!existing) into.set(file.file, { ...file, reasons: [...file.reasons] });
    else
      for (const reason of file.reasons)
        if (!existing.reasons.includes(reason)) existing.reasons.push(reason);
  }
}

export function addChanges(pending: PendingRun, changes: readonly FileChange[], reason: string): void {
  for (const change of changes) pending.changes.set(change.path, change.kind);
  pending.reasons.push(reason);
}

export function addExplicit(pending: PendingRun, files: readonly SelectedTestFile[], reason: string): void {
  mergeSelected(pending.explicit, files);
  pending.reasons.push(reason);
}

/** A cancelled run's selected files that produced no result, for the next run. */
export function carryOver(
  pending: PendingRun,
  selected: readonly SelectedTestFile[],
  finished: ReadonlySet<string>,
): void {
  mergeSelected(
    pending.carried,
    selected.filter((file) => !finished.has(file.file)),
  );
}

export function changedFiles(pending: PendingRun): string[] {
  return [...pending.changes.keys()].sort();
}

/** Added or removed files can change which test files exist. */
export function changesTestFileSet(pending: PendingRun): boolean {
  return [...pending.changes.values()].some((kind) => kind !== 'changed');
}

export function triggerOf(pending: PendingRun): TestTrigger {
  const reasons = [...new Set(pending.reasons)];
  return { files: changedFiles(pending), reason: reasons.join(', ') || 'change' };
}

/**
 * The files a pending run covers: those affected by its changes, plus its
 * explicit and carried files that still exist (`known`), of the kinds asked
 * for, sorted by path.
 */
export function combineSelection(
  pending: PendingRun,
  affected: readonly SelectedTestFile[],
  known: ReadonlySet<string>,
  kinds: ReadonlySet<TestKind>,
): SelectedTestFile[] {
  const selected = new Map<string, SelectedTestFile>();
  mergeSelected(selected, affected);
  mergeSelected(
    selected,
    [...pending.explicit.values()].filter((file) => known.has(file.file)),
  );
  mergeSelected(
    selected,
    [...pending.carried.values()].filter((file) => known.has(file.file)),
  );
  return [...selected.values()]
    .filter((file) => kinds.has(file.kind))
    .sort((a, b) => a.file.localeCompare(b.file));
}

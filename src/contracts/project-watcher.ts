/**
 * The project's files watched for changes (implemented with chokidar in
 * adapters/watcher): batches of coalesced changes, .gitignore honoured.
 */
import type { FileChange } from '../core/affected/file-events.js';

export interface ProjectWatcherOptions {
  root: string;
  debounceMs: number;
  /** Extra globs to leave out (devenv.yaml watch.ignore), project-relative. */
  ignore: readonly string[];
  onBatch(changes: FileChange[]): void;
  onError(error: Error): void;
}

export interface ProjectWatcher {
  /** How many files and directories are watched. */
  watched: number;
  close(): Promise<void>;
}

export type WatchProject = (options: ProjectWatcherOptions) => Promise<ProjectWatcher>;

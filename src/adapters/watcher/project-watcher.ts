/**
 * Watches a project directory with chokidar and reports batches of changes:
 * events are collected until the tree has been quiet for debounceMs, then
 * folded per path (an editor's atomic save, unlink + add of one path, is one
 * change). Leaves out .git, node_modules, build output (dist, build,
 * coverage), what the project's .gitignore ignores, and extra globs. A file
 * is looked at again 60 ms after each add or change it reports, because
 * chokidar itself drops a path's further changes for 50 ms (see recheck).
 */
import { watch, type FSWatcher } from 'chokidar';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { coalesceFileEvents, type RawFileEvent } from '../../core/affected/file-events.js';
import {
  ALWAYS_IGNORED,
  ignoredByLayers,
  parseGitignore,
  type GitignoreLayer,
} from '../../core/affected/gitignore.js';
import { globMatcher } from '../../core/glob/glob.js';
import type { ProjectWatcher, ProjectWatcherOptions } from '../../contracts/project-watcher.js';
import { insideRelativePosix } from '../../core/paths/posix-path.js';

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Longer than chokidar's 50 ms throttle of a path's 'change' events (see recheck below). */
const RECHECK_MS = 60;

/**
 * What tells one content of a file from the next without reading it: inode, size, times. Taken
 * synchronously (a stat is microseconds), so no later look can be overtaken by an earlier one.
 */
function fileSignature(file: string): string {
  try {
    const stats = statSync(file, { throwIfNoEntry: false });
    return stats ? `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}` : 'gone';
  } catch {
    return 'gone';
  }
}

/** Resolves when the initial scan is done: from then on, every edit is seen. */
export async function watchProject(options: ProjectWatcherOptions): Promise<ProjectWatcher> {
  const root = path.resolve(options.root);
  // The root's .gitignore and .git/info/exclude, then each directory's own .gitignore, read the
  // first time a path under that directory is asked about (chokidar asks as it scans).
  const rootLayer: GitignoreLayer = {
    scope: '',
    rules: [path.join(root, '.gitignore'), path.join(root, '.git', 'info', 'exclude')]
      .map(readIfExists)
      .filter((text): text is string => text !== undefined)
      .flatMap(parseGitignore),
  };
  const nested = new Map<string, GitignoreLayer | undefined>();
  const layerOf = (dir: string): GitignoreLayer | undefined => {
    if (!nested.has(dir)) {
      const text = readIfExists(path.join(root, dir, '.gitignore'));
      nested.set(dir, text === undefined ? undefined : { scope: dir, rules: parseGitignore(text) });
    }
    return nested.get(dir);
  };
  const isGitignored = (relative: string): boolean => {
    const layers = [rootLayer];
    const parts = relative.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const layer = layerOf(parts.slice(0, depth).join('/'));
      if (layer) layers.push(layer);
    }
    return ignoredByLayers(layers, relative);
  };
  const isIgnoredGlob = globMatcher([...ALWAYS_IGNORED, ...options.ignore]);
  const ignored = (file: string): boolean => {
    const relative = insideRelativePosix(root, file);
    if (relative === undefined || relative === '') return false;
    return isIgnoredGlob(relative) || isGitignored(relative);
  };

  /** Per path, the file as last looked at (by an event, a batch or a recheck). */
  const lastSeen = new Map<string, string>();
  let pending: RawFileEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const flush = () => {
    timer = undefined;
    const events = pending;
    pending = [];
    const changes = coalesceFileEvents(events);
    // What the batch's run will read is the file as it is now, not as it was at its first event
    // (a save's truncate can be reported before its write lands): the recheck compares with this.
    for (const change of changes) {
      if (change.kind !== 'removed') lastSeen.set(change.path, fileSignature(path.join(root, change.path)));
    }
    if (changes.length > 0) options.onBatch(changes);
  };
  const push = (kind: RawFileEvent['kind'], relative: string) => {
    pending.push({ kind, path: relative });
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, options.debounceMs);
  };

  // chokidar drops every 'change' of a path for 50 ms after one it reports, with no trailing
  // event: a save that lands in that window (a second write soon after a new file's first) would
  // never be seen, and the stale content would be tested. So each reported add or change is looked
  // at again once the window is over, and a file that differs then is a change of its own.
  const rechecks = new Map<string, NodeJS.Timeout>();
  const recheck = (file: string, relative: string) => {
    const previous = rechecks.get(relative);
    if (previous) clearTimeout(previous);
    lastSeen.set(relative, fileSignature(file));
    rechecks.set(
      relative,
      setTimeout(() => {
        rechecks.delete(relative);
        const now = fileSignature(file);
        if (closed || now === 'gone' || now === lastSeen.get(relative)) return;
        push('change', relative);
        recheck(file, relative);
      }, RECHECK_MS),
    );
  };

  const record = (kind: RawFileEvent['kind']) => (file: string) => {
    const relative = insideRelativePosix(root, file);
    if (relative === undefined || relative === '') return;
    // An edited nested .gitignore is read again on the next question about its directory.
    if (relative.endsWith('/.gitignore')) nested.delete(relative.slice(0, -'/.gitignore'.length));
    push(kind, relative);
    if (kind === 'unlink') lastSeen.delete(relative);
    else recheck(file, relative);
  };

  const watcher: FSWatcher = watch(root, { ignored, ignoreInitial: true, persistent: true });
  watcher.on('add', record('add'));
  watcher.on('change', record('change'));
  watcher.on('unlink', record('unlink'));
  watcher.on('error', (error) => options.onError(error instanceof Error ? error : new Error(String(error))));
  await new Promise<void>((resolve, reject) => {
    watcher.once('ready', resolve);
    watcher.once('error', reject);
  });
  const watched = Object.values(watcher.getWatched()).reduce((sum, names) => sum + names.length, 0);
  return {
    watched,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = [];
      for (const check of rechecks.values()) clearTimeout(check);
      rechecks.clear();
      await watcher.close();
    },
  };
}

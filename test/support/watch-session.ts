/** `devenv watch --json` on a copy of test/fixtures/watch-project, with its JSON events. */
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, spawnDevenv } from './cli.js';
import { EventLog } from './event-log.js';

export interface WatchSession {
  dir: string;
  log: EventLog;
  /** Ctrl-C, then the copy is removed. */
  stop(): Promise<void>;
}

/** Copies the fixture (prepare may change it before watching starts) and waits for watcher.ready. */
export async function startWatchSession(
  prefix: string,
  prepare: (dir: string) => Promise<void> = async () => undefined,
): Promise<WatchSession> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await cp(join(repoRoot, 'test/fixtures/watch-project'), dir, { recursive: true });
  await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  await prepare(dir);
  const child = spawnDevenv(dir, ['watch', '--json']);
  const log = new EventLog(child);
  await log.until((e) => e.type === 'watcher.ready');
  return {
    dir,
    log,
    async stop() {
      child.kill('SIGINT');
      await child;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

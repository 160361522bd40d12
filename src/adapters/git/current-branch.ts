/**
 * The current git branch of a directory, read from the repository's HEAD
 * (no git process: this runs on every command). Worktrees and submodules,
 * whose `.git` is a file pointing at the real git directory, are followed.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';

async function gitDirOf(start: string): Promise<string | undefined> {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, '.git');
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isDirectory()) return candidate;
    if (info?.isFile()) {
      const pointer = /^gitdir:\s*(.+)$/m.exec(await readFile(candidate, 'utf8'));
      if (pointer?.[1])
        return isAbsolute(pointer[1].trim()) ? pointer[1].trim() : resolve(dir, pointer[1].trim());
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Branch name; `detached-<sha>` for a detached HEAD; "nogit" outside a repository. */
export async function currentBranch(dir: string): Promise<string> {
  const gitDir = await gitDirOf(dir);
  if (!gitDir) return 'nogit';
  const head = (await readFile(join(gitDir, 'HEAD'), 'utf8').catch(() => '')).trim();
  const ref = /^ref:\s*refs\/heads\/(.+)$/.exec(head);
  if (ref?.[1]) return ref[1];
  if (/^[0-9a-f]{7,64}$/.test(head)) return `detached-${head.slice(0, 7)}`;
  return 'nogit';
}

/** Previews' git, through the git CLI: branches, the default branch, worktrees under devenv's cache. */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DefaultBranch, PreviewGit } from '../../contracts/preview-git.js';
import { DevenvError } from '../../core/errors.js';

async function git(cwd: string, args: string[]): Promise<{ ok: boolean; out: string; err: string }> {
  const result = await execa('git', args, { cwd, reject: false, env: { GIT_TERMINAL_PROMPT: '0' } });
  return { ok: result.exitCode === 0, out: String(result.stdout).trim(), err: String(result.stderr).trim() };
}

async function commitOf(repository: string, ref: string): Promise<string | undefined> {
  const result = await git(repository, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  return result.ok && result.out !== '' ? result.out : undefined;
}

async function isAncestor(repository: string, commit: string, of: string): Promise<boolean> {
  return (await git(repository, ['merge-base', '--is-ancestor', commit, of])).ok;
}

export const previewGit: PreviewGit = {
  async repositoryRoot(dir) {
    const result = await git(dir, ['rev-parse', '--show-toplevel']);
    return result.ok && result.out !== '' ? result.out : undefined;
  },

  async fetch(repository, branch) {
    const remotes = await git(repository, ['remote']);
    if (!remotes.ok || !remotes.out.split('\n').includes('origin')) return false;
    const result = await git(repository, [
      'fetch',
      '--quiet',
      'origin',
      `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
    ]);
    return result.ok;
  },

  async prune(repository) {
    const remotes = await git(repository, ['remote']);
    if (!remotes.ok || !remotes.out.split('\n').includes('origin')) return false;
    return (await git(repository, ['fetch', '--quiet', '--prune', 'origin'])).ok;
  },

  async branchCommit(repository, branch) {
    const local = await commitOf(repository, `refs/heads/${branch}`);
    const remote = await commitOf(repository, `refs/remotes/origin/${branch}`);
    if (local === undefined) return remote;
    if (remote !== undefined && remote !== local && (await isAncestor(repository, local, remote)))
      return remote;
    return local;
  },

  async defaultBranch(repository): Promise<DefaultBranch | undefined> {
    const head = await git(repository, ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']);
    const candidates: string[] = [];
    if (head.ok && head.out.startsWith('origin/')) candidates.push(head.out.slice('origin/'.length));
    const configured = await git(repository, ['config', '--get', 'init.defaultBranch']);
    if (configured.ok && configured.out !== '') candidates.push(configured.out);
    candidates.push('main', 'master');
    for (const name of candidates) {
      for (const ref of [`refs/heads/${name}`, `refs/remotes/origin/${name}`])
        if ((await commitOf(repository, ref)) !== undefined) return { name, ref };
    }
    return undefined;
  },

  isAncestor,

  async checkout(repository, dir, commit) {
    if (existsSync(dir)) {
      const head = await git(dir, ['rev-parse', 'HEAD']);
      if (head.ok) {
        if (head.out === commit) return 'unchanged';
        const moved = await git(dir, ['checkout', '--quiet', '--force', '--detach', commit]);
        if (!moved.ok)
          throw new DevenvError('PREVIEW_GIT', `git could not check ${commit} out in ${dir}: ${moved.err}`, {
            hint: 'Remove the preview (`devenv preview rm BRANCH`) and bring it up again.',
          });
        return 'updated';
      }
      // A directory git no longer knows as a worktree: made again.
      await rm(dir, { recursive: true, force: true });
      await git(repository, ['worktree', 'prune']);
    }
    await mkdir(dirname(dir), { recursive: true });
    const added = await git(repository, ['worktree', 'add', '--quiet', '--detach', dir, commit]);
    if (!added.ok)
      throw new DevenvError('PREVIEW_GIT', `git could not make a worktree at ${dir}: ${added.err}`, {
        hint: "`git worktree list` shows the repository's worktrees; `git worktree prune` forgets missing ones.",
      });
    return 'created';
  },

  async removeWorktree(repository, dir) {
    if (existsSync(repository)) await git(repository, ['worktree', 'remove', '--force', dir]);
    await rm(dir, { recursive: true, force: true });
    if (existsSync(repository)) await git(repository, ['worktree', 'prune']);
  },
};

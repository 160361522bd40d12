/** Previews' git, through the git CLI: branches, the default branch, worktrees under devenv's cache. */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DefaultBranch, PreviewGit } from '../../contracts/preview-git.js';
import type { Landing } from '../../core/preview/preview.js';
import { DevenvError } from '../../core/errors.js';

async function git(
  cwd: string,
  args: string[],
  input?: string,
): Promise<{ ok: boolean; out: string; err: string }> {
  const result = await execa('git', args, {
    cwd,
    reject: false,
    env: { GIT_TERMINAL_PROMPT: '0' },
    ...(input === undefined ? {} : { input }),
  });
  return { ok: result.exitCode === 0, out: String(result.stdout).trim(), err: String(result.stderr).trim() };
}

async function commitOf(repository: string, ref: string): Promise<string | undefined> {
  const result = await git(repository, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  return result.ok && result.out !== '' ? result.out : undefined;
}

async function isAncestor(repository: string, commit: string, of: string): Promise<boolean> {
  return (await git(repository, ['merge-base', '--is-ancestor', commit, of])).ok;
}

/** Patch ids (`git patch-id --stable`) of a diff or of `git log -p` output: the same change has the same id. */
async function patchIds(repository: string, patches: string): Promise<string[]> {
  if (patches.trim() === '') return [];
  const result = await git(repository, ['patch-id', '--stable'], `${patches}\n`);
  return result.ok
    ? result.out
        .split('\n')
        .map((line) => line.split(' ')[0] ?? '')
        .filter(Boolean)
    : [];
}

/**
 * Rebased: `git cherry` finds an equivalent patch in `of` for each of the branch's commits.
 * Squashed: one commit of `of` since the fork point has the patch id of the branch's whole
 * diff (what `git merge --squash` and GitHub's squash button make, when no conflict was
 * resolved differently). Read-only: no commit is written.
 */
async function landedIn(repository: string, commit: string, of: string): Promise<Landing | undefined> {
  if (await isAncestor(repository, commit, of)) return 'merged';
  const cherry = await git(repository, ['cherry', of, commit]);
  const marks = cherry.ok ? cherry.out.split('\n').filter(Boolean) : [];
  if (marks.length > 0 && marks.every((line) => line.startsWith('- '))) return 'rebased';
  const base = await git(repository, ['merge-base', of, commit]);
  if (!base.ok || base.out === '') return undefined;
  const [branchPatch] = await patchIds(repository, (await git(repository, ['diff', base.out, commit])).out);
  if (branchPatch === undefined) return undefined;
  const landed = await git(repository, [
    'log',
    '-p',
    '--no-merges',
    '--format=commit %H',
    `${base.out}..${of}`,
  ]);
  return (await patchIds(repository, landed.out)).includes(branchPatch) ? 'squashed' : undefined;
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
  landedIn,

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

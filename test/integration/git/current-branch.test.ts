import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { currentBranch } from '../../../src/adapters/git/current-branch.js';

const dirs: string[] = [];
async function repo(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'devenv-git-'));
  dirs.push(dir);
  const git = (...args: string[]) =>
    execa('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir });
  await git('init', '-q', '-b', 'feature/login');
  await writeFile(join(dir, 'a.txt'), 'a');
  await git('add', '.');
  await git('commit', '-qm', 'a');
  return dir;
}

afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('current branch (a real git repository)', () => {
  it('reads the branch, from a subdirectory too', async () => {
    const dir = await repo();
    expect(await currentBranch(dir)).toBe('feature/login');
    await execa('mkdir', ['-p', join(dir, 'sub/deeper')]);
    expect(await currentBranch(join(dir, 'sub/deeper'))).toBe('feature/login');
  });

  it('names a detached HEAD by its commit', async () => {
    const dir = await repo();
    const sha = (await execa('git', ['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
    await execa('git', ['checkout', '-q', '--detach'], { cwd: dir });
    expect(await currentBranch(dir)).toBe(`detached-${sha.slice(0, 7)}`);
  });

  it('follows a worktree whose .git is a file', async () => {
    const dir = await repo();
    const worktree = `${dir}-wt`;
    dirs.push(worktree);
    await execa('git', ['worktree', 'add', '-q', '-b', 'other', worktree], { cwd: dir });
    expect(await currentBranch(worktree)).toBe('other');
  });

  it('says nogit outside a repository', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'devenv-nogit-'));
    dirs.push(dir);
    expect(await currentBranch(dir)).toBe('nogit');
  });
});

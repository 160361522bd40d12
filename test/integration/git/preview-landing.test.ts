/**
 * How a previewed branch reached the default branch, read from a real repository
 * (adapters/git/preview-git.ts `landedIn`): a merge, a rebase (each commit
 * cherry-picked) and a squash (one commit with the whole diff) all count as
 * landed; a branch with only part of its work on main, or none, does not.
 */
import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { previewGit } from '../../../src/adapters/git/preview-git.js';

const dirs: string[] = [];

/** main with one commit; `feature` with two of its own (a.txt changed, b.txt added); main then moves on (c.txt). */
async function repository() {
  const dir = await mkdtemp(join(tmpdir(), 'devenv-landing-'));
  dirs.push(dir);
  const git = async (...args: string[]) =>
    String(
      (await execa('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir }))
        .stdout,
    ).trim();
  const commit = async (file: string, text: string, message: string) => {
    await writeFile(join(dir, file), text);
    await git('add', file);
    await git('commit', '-qm', message);
    return git('rev-parse', 'HEAD');
  };
  await git('init', '-q', '-b', 'main');
  await commit('a.txt', 'one\n', 'a');
  await git('checkout', '-q', '-b', 'feature');
  const first = await commit('a.txt', 'one\ntwo\n', 'feature: a');
  const tip = await commit('b.txt', 'bee\n', 'feature: b');
  await git('checkout', '-q', 'main');
  await commit('c.txt', 'sea\n', 'main moves on');
  return { dir, git, first, tip };
}

afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('landedIn (a real git repository)', () => {
  it('a branch not on main has not landed; a merge has', async () => {
    const { dir, git, tip } = await repository();
    expect(await previewGit.landedIn(dir, tip, 'refs/heads/main')).toBeUndefined();
    await git('merge', '-q', '--no-ff', '-m', 'merge feature', 'feature');
    expect(await previewGit.landedIn(dir, tip, 'refs/heads/main')).toBe('merged');
  });

  it('a rebase (each commit picked onto main) has landed', async () => {
    const { dir, git, first, tip } = await repository();
    await git('cherry-pick', first);
    expect(await previewGit.landedIn(dir, tip, 'refs/heads/main')).toBeUndefined(); // half of it
    await git('cherry-pick', tip);
    expect(await previewGit.landedIn(dir, tip, 'refs/heads/main')).toBe('rebased');
  });

  it('a squash merge (one commit with the whole diff) has landed', async () => {
    const { dir, git, tip } = await repository();
    await git('merge', '-q', '--squash', 'feature');
    await git('commit', '-qm', 'feature (#1)');
    expect(await previewGit.landedIn(dir, tip, 'refs/heads/main')).toBe('squashed');
  });

  it('a squash of different content is not taken for the branch', async () => {
    const { dir, git, tip } = await repository();
    await git('merge', '-q', '--squash', 'feature');
    await writeFile(join(dir, 'b.txt'), 'bee, edited while merging\n');
    await git('add', 'b.txt');
    await git('commit', '-qm', 'feature, changed (#1)');
    expect(await previewGit.landedIn(dir, tip, 'refs/heads/main')).toBeUndefined();
  });
});

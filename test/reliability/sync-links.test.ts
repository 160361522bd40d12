/**
 * Symlinks in a develop.watch sync path that point outside it: walked as one
 * entry (copied as a link), never into; a file reached through a symlinked
 * directory is not synced. Before, `src/escape -> /etc` made an initial sync
 * list, and copy into the container, every file of /etc.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandDirectories, reachedThroughLink } from '../../src/app/develop-sync.js';

let dir: string;
let project: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'devenv-sync-links-'));
  project = join(dir, 'project');
  await mkdir(join(dir, 'outside'), { recursive: true });
  await writeFile(join(dir, 'outside/secret.txt'), 'outside');
  await mkdir(join(project, 'src/inner'), { recursive: true });
  await writeFile(join(project, 'src/app.js'), '');
  await writeFile(join(project, 'src/inner/x.js'), '');
  await symlink(join(dir, 'outside'), join(project, 'src/escape'));
  await symlink('.', join(project, 'src/loop'));
  await symlink(join(dir, 'outside/secret.txt'), join(project, 'src/leak'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('symlinks in a sync path', () => {
  it('are one entry each, never walked into (a link to /etc, a link to itself)', async () => {
    const files = (await expandDirectories([join(project, 'src')])).map((file) =>
      file.slice(project.length + 1),
    );
    expect(files.sort()).toEqual(['src/app.js', 'src/escape', 'src/inner/x.js', 'src/leak', 'src/loop']);
  });

  it("a file reached through a symlinked directory is told apart from the project's own", async () => {
    expect(await reachedThroughLink(project, join(project, 'src/escape/secret.txt'))).toBe(true);
    expect(await reachedThroughLink(project, join(project, 'src/loop/app.js'))).toBe(true);
    expect(await reachedThroughLink(project, join(project, 'src/inner/x.js'))).toBe(false);
    expect(await reachedThroughLink(project, join(project, 'src/leak'))).toBe(false);
    expect(await reachedThroughLink(project, join(project, 'src/new-file.js'))).toBe(false);
  });

  it('a project under a symlinked directory is not mistaken for one', async () => {
    const alias = join(dir, 'alias');
    await symlink(project, alias);
    expect(await reachedThroughLink(alias, join(alias, 'src/inner/x.js'))).toBe(false);
    expect(await reachedThroughLink(alias, join(alias, 'src/escape/secret.txt'))).toBe(true);
  });
});

/**
 * `devenv preview`: two branches previewed at once beside the developer's own
 * stack of the same project, each answering at its URL with its branch's
 * content; a new commit picked up by `preview up`; `gc` removing the previews of
 * a deleted and of a merged branch and leaving the others; the proxy going
 * with the last routed stack.
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { e2eWorkspace } from '../support/e2e-workspace.js';
import { docker, removeProxies } from '../support/engine-state.js';
import type { TempProject } from '../support/projects.js';
import { freePort, getThroughProxy } from '../support/proxy-http.js';
import { pageServerFiles } from '../support/page-server.js';

const ws = e2eWorkspace();
const port = await freePort();
const cache = await mkdtemp(join(tmpdir(), 'devenv-preview-cache-'));
const env = {
  DEVENV_PROXY_IMAGE: 'devenv-test/caddy:2',
  DEVENV_PROXY_PORT: String(port),
  XDG_CACHE_HOME: cache,
};
const a = `${ws.prefix}-a`;
const b = `${ws.prefix}-b`;
const c = `${ws.prefix}-c`;
const mine = `${ws.prefix}-mine`;

/** A web service built from the branch's files (sent as the build context: no bind mount). */
const files = {
  'compose.yaml': `
services:
  web:
    build:
      context: .
      args:
        NODE_IMAGE: \${NODE_IMAGE:-node:20}
    ports:
      - "3000"
`,
  ...pageServerFiles('preview server listening'),
  'page.txt': 'page of main\n',
};

let project: TempProject;
const git = (...args: string[]) => execa('git', args, { cwd: project.dir });

async function commitPage(branch: string, text: string): Promise<void> {
  await git('checkout', '-q', branch);
  await writeFile(join(project.dir, 'page.txt'), `${text}\n`);
  await git('commit', '-qam', text);
  await git('checkout', '-q', 'main');
}

async function previewUp(branch: string): Promise<{ urls: Record<string, string>; commit: string }> {
  const result = await devenv(project.dir, ['preview', 'up', branch, '--json'], env);
  expect(result.exitCode, result.stdout + result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { urls: Record<string, string>; commit: string };
}

async function proxies(): Promise<number> {
  const list = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`dev.devenv.proxy-server=${port}`] }),
  });
  return list.length;
}

beforeAll(async () => {
  project = await ws.project(files, 'devenv-preview-');
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 'test@example.com');
  await git('config', 'user.name', 'test');
  await git('add', '.');
  await git('commit', '-qm', 'main');
  for (const branch of [a, b, c]) {
    await git('branch', branch);
    await commitPage(branch, `page of ${branch}`);
  }
});

afterAll(async () => {
  for (const branch of [a, b, c]) await devenv(project.dir, ['preview', 'rm', branch], env);
  await devenv(project.dir, ['down', '--branch', mine], env);
  await removeProxies(port);
  await rm(cache, { recursive: true, force: true });
});

describe('preview stacks', () => {
  let urlA = '';
  let urlB = '';
  let urlMine = '';

  it("runs two branches' previews at once beside the developer's own stack, each at its URL with its content", async () => {
    const own = await devenv(project.dir, ['up', '-d', '--proxy', '--branch', mine], env);
    expect(own.exitCode, own.stdout + own.stderr).toBe(0);
    urlMine = /web: (http:\/\/\S+)/.exec(own.stdout)?.[1] ?? '';
    const [previewA, previewB] = await Promise.all([previewUp(a), previewUp(b)]);
    urlA = previewA.urls['web'] ?? '';
    urlB = previewB.urls['web'] ?? '';
    expect(urlA).toMatch(new RegExp(`^http://web\\.${a}\\.devenv-preview-[a-z0-9-]+\\.localhost:${port}/$`));
    expect(new Set([urlA, urlB, urlMine]).size).toBe(3);
    expect(await getThroughProxy(urlA)).toEqual({ status: 200, body: `page of ${a}` });
    expect(await getThroughProxy(urlB)).toEqual({ status: 200, body: `page of ${b}` });
    expect(await getThroughProxy(urlMine)).toEqual({ status: 200, body: 'page of main' });
    // The user's working tree is where it was: nothing was checked out in it.
    expect((await git('rev-parse', '--abbrev-ref', 'HEAD')).stdout).toBe('main');
    expect((await git('status', '--porcelain')).stdout).toBe('');
  });

  it('picks up a new commit on `preview up` again, recreating only what changed', async () => {
    await commitPage(a, `page of ${a}, second commit`);
    const again = await devenv(project.dir, ['preview', 'up', a], env);
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/worktree updated/);
    expect(await getThroughProxy(urlA)).toEqual({ status: 200, body: `page of ${a}, second commit` });
    const unchanged = await devenv(project.dir, ['preview', 'up', b], env);
    expect(unchanged.exitCode, unchanged.stderr).toBe(0);
    expect(unchanged.stdout).toMatch(/worktree unchanged/);
    expect(unchanged.stdout).toMatch(/container\.kept|kept/);
    expect(await getThroughProxy(urlB)).toEqual({ status: 200, body: `page of ${b}` });
  });

  it('lists previews with their URLs and streams their logs', async () => {
    const ls = await devenv(project.dir, ['preview', 'ls', '--json'], env);
    expect(ls.exitCode, ls.stderr).toBe(0);
    const listed = JSON.parse(ls.stdout) as { branch: string; urls: { url: string }[] }[];
    expect(listed.map((p) => p.branch).sort()).toEqual([a, b]);
    expect(listed.find((p) => p.branch === a)?.urls.map((u) => u.url)).toEqual([urlA]);
    const logs = await devenv(project.dir, ['preview', 'logs', a], env);
    expect(logs.exitCode, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/web\s*\| preview server listening/);
  });

  it('gc removes the previews of a deleted and of a merged branch and leaves the others', async () => {
    await previewUp(c);
    await git('merge', '-q', '--no-ff', '-m', `merge ${c}`, c);
    await git('branch', '-q', '-D', a);
    const dry = await devenv(project.dir, ['gc', '--dry-run'], env);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`would remove preview of ${a}`);
    expect(dry.stdout).toContain(`branch ${a} was deleted`);
    expect(dry.stdout).toContain(`branch ${c} was merged into main`);
    expect(dry.stdout).not.toContain(b);
    expect((await getThroughProxy(urlA)).status).toBe(200);

    const gc = await devenv(project.dir, ['gc'], env);
    expect(gc.exitCode, gc.stderr).toBe(0);
    expect(gc.stdout).toContain(`removed preview of ${a}`);
    expect(gc.stdout).toContain(`removed preview of ${c}`);
    expect((await getThroughProxy(urlA)).status).toBe(404);
    expect(await getThroughProxy(urlB)).toEqual({ status: 200, body: `page of ${b}` });
    expect(await getThroughProxy(urlMine)).toEqual({ status: 200, body: 'page of main' });
    const ls = JSON.parse((await devenv(project.dir, ['preview', 'ls', '--json'], env)).stdout) as {
      branch: string;
      worktree: string;
    }[];
    expect(ls.map((p) => p.branch)).toEqual([b]);
    const worktrees = (await git('worktree', 'list')).stdout;
    expect(worktrees).not.toContain(`${a}-`);
    expect(worktrees).not.toContain(`${c}-`);
  });

  it('preview rm removes the stack and its worktree; the proxy goes with the last routed stack', async () => {
    const ls = JSON.parse((await devenv(project.dir, ['preview', 'ls', '--json'], env)).stdout) as {
      worktree: string;
    }[];
    const worktree = ls[0]?.worktree ?? '';
    expect(existsSync(worktree)).toBe(true);
    const removed = await devenv(project.dir, ['preview', 'rm', b], env);
    expect(removed.exitCode, removed.stderr).toBe(0);
    expect(existsSync(worktree)).toBe(false);
    expect((await getThroughProxy(urlB)).status).toBe(404);
    expect(await proxies()).toBe(1);
    const missing = await devenv(project.dir, ['preview', 'rm', b], env);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/No preview of branch/);
    const down = await devenv(project.dir, ['down', '--branch', mine], env);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await proxies()).toBe(0);
  });
});

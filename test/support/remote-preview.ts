/**
 * What the e2e files of previews on a remote engine (tcp, TLS, ssh: a second
 * engine in its own namespace, second-engine.ts) share: a git project whose
 * branch's preview builds a small web service (its build context is sent, nothing
 * is bind-mounted; compose.bind.yaml is the same with a bind mount of the
 * worktree), devenv pointed at a test proxy port and a cache of its own, and the
 * round trip every transport must pass: up with --json, the URL answers through
 * the proxy on that engine with the branch's page, `preview logs` streams the
 * service's output, `preview rm` leaves nothing with devenv's labels there.
 */
import type Docker from 'dockerode';
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { devenv } from './cli.js';
import type { E2eWorkspace } from './e2e-workspace.js';
import { reapBranchPrefix, resourcesWhere } from './engine-state.js';
import { freePort, getThroughProxy } from './proxy-http.js';
import type { SecondEngine } from './second-engine.js';
import { pageServerFiles } from './page-server.js';

export interface RemotePreviewProject {
  dir: string;
  /** The branch to preview (the run's prefix, so the workspace reaps it). */
  branch: string;
  /** What the service answers and logs. */
  page: string;
  /** The preview proxy's port on that engine. */
  port: number;
  /** DEVENV_PROXY_IMAGE, DEVENV_PROXY_PORT and XDG_CACHE_HOME, with `extra` over them. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** Removes the test's devenv resources and proxy on that engine, and the cache. */
  cleanup(): Promise<void>;
}

const compose = (bind: boolean) => `
services:
  web:
    build:
      context: .
      args:
        NODE_IMAGE: \${NODE_IMAGE:-node:20}
    ports:
      - "3000"
${bind ? '    volumes:\n      - ./page.txt:/app/page.txt:ro\n' : ''}`;

/** Starts the engine, loads the images a preview needs, and makes the project with its branch. */
export async function remotePreviewProject(
  ws: E2eWorkspace,
  engine: SecondEngine,
  name: string,
): Promise<RemotePreviewProject> {
  await engine.start();
  await engine.load('devenv-test/node:20', 'devenv-test/caddy:2');
  // The engine is the test file's alone, and its data root outlives a run: start from no stacks.
  await reapBranchPrefix('', engine.docker);
  const cache = await mkdtemp(join(tmpdir(), `devenv-${name}-`));
  const port = await freePort();
  const page = `page on the ${name} engine`;
  const branch = `${ws.prefix}-${name}`;
  const project = await ws.project(
    {
      'compose.yaml': compose(false),
      'compose.bind.yaml': compose(true),
      ...pageServerFiles('remote preview listening'),
      'page.txt': `${page}\n`,
    },
    `devenv-${name}-`,
  );
  const git = (...args: string[]) => execa('git', args, { cwd: project.dir });
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 'test@example.com');
  await git('config', 'user.name', 'test');
  await git('add', '.');
  await git('commit', '-qm', 'main');
  await git('branch', branch);
  return {
    dir: project.dir,
    branch,
    page,
    port,
    env: (extra = {}) => ({
      DEVENV_PROXY_IMAGE: 'devenv-test/caddy:2',
      DEVENV_PROXY_PORT: String(port),
      XDG_CACHE_HOME: cache,
      ...extra,
    }),
    async cleanup() {
      await reapBranchPrefix(ws.prefix, engine.docker);
      for (const c of await proxies(engine.docker))
        await engine.docker
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined);
      await rm(cache, { recursive: true, force: true });
    },
  };
}

function proxies(docker: Docker): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: ['dev.devenv.proxy-server'] }),
  });
}

/**
 * `preview up` there (with `flags` and `env`), its URL answering through the proxy at
 * `address`, `preview logs`, `preview rm`, and nothing of it or of the proxy left.
 */
export async function expectPreviewRoundTrip(
  preview: RemotePreviewProject,
  engine: SecondEngine,
  address: string,
  flags: string[],
  env: Record<string, string> = {},
): Promise<void> {
  const run = (args: string[]) => devenv(preview.dir, [...args, ...flags], preview.env(env));
  const up = await run(['preview', 'up', preview.branch, '--json']);
  expect(up.exitCode, up.stdout + up.stderr).toBe(0);
  const result = JSON.parse(up.stdout) as { urls: Record<string, string>; proxy: string };
  expect(result.proxy).toBe(`${address}:${preview.port}`);
  expect(await getThroughProxy(result.urls['web'] ?? '', result.proxy)).toEqual({
    status: 200,
    body: preview.page,
  });
  const logs = await run(['preview', 'logs', preview.branch]);
  expect(logs.exitCode, logs.stderr).toBe(0);
  expect(logs.stdout).toMatch(/web\s*\| remote preview listening/);
  const removed = await run(['preview', 'rm', preview.branch]);
  expect(removed.exitCode, removed.stderr).toBe(0);
  // The engine is the test file's own: nothing of any stack may be left there.
  const left = await resourcesWhere('dev.devenv.stack', engine.docker);
  expect(left.containers.length + left.networks.length + left.volumes.length).toBe(0);
  expect(await proxies(engine.docker)).toEqual([]);
}

/**
 * A preview on a remote engine (a real second engine in its own network
 * namespace, reached over tcp:// at its address, test/support/second-engine.sh):
 * plain TCP is refused without --insecure-engine; a bind mount of the worktree
 * is refused with the reason and nothing is created; without one, the preview
 * comes up there (the build context is sent), answers at its URL through the
 * proxy on that engine, streams its logs over the API and goes down. That
 * engine speaks plain TCP (a test network), so these runs pass --insecure-engine:
 * TLS is not covered here.
 */
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { e2eWorkspace } from '../support/e2e-workspace.js';
import { reapBranchPrefix, resourcesWhere } from '../support/engine-state.js';
import type { TempProject } from '../support/projects.js';
import { freePort, getThroughProxy } from '../support/proxy-http.js';
import { canRunSecondEngine, secondEngine } from '../support/second-engine.js';

const ws = e2eWorkspace();
const engine = secondEngine('devpreview', { tcp: true });
const cache = await mkdtemp(join(tmpdir(), 'devenv-preview-remote-'));
const port = await freePort();
const branch = `${ws.prefix}-remote`;
let address = '';
let project: TempProject;
const env = () => ({
  DEVENV_PROXY_IMAGE: 'devenv-test/caddy:2',
  DEVENV_PROXY_PORT: String(port),
  XDG_CACHE_HOME: cache,
});
const git = (...args: string[]) => execa('git', args, { cwd: project.dir });

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

beforeAll(async () => {
  if (!canRunSecondEngine()) return;
  await engine.start();
  await engine.load('devenv-test/node:20', 'devenv-test/caddy:2');
  address = await engine.address();
  project = await ws.project(
    {
      'compose.yaml': compose(false),
      'compose.bind.yaml': compose(true),
      Dockerfile:
        'ARG NODE_IMAGE=node:20\nFROM ${NODE_IMAGE}\nCOPY server.js page.txt /app/\nCMD ["node", "/app/server.js"]\n',
      'server.js': `const fs = require('fs');
require('http').createServer((q, s) => s.end(fs.readFileSync('/app/page.txt', 'utf8').trim())).listen(3000, () => console.log('remote preview listening'));
`,
      'page.txt': 'page on the remote engine\n',
    },
    'devenv-preview-remote-',
  );
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 'test@example.com');
  await git('config', 'user.name', 'test');
  await git('add', '.');
  await git('commit', '-qm', 'main');
  await git('branch', branch);
}, 300_000);

afterAll(async () => {
  if (!canRunSecondEngine()) return;
  await reapBranchPrefix(ws.prefix, engine.docker);
  for (const c of await engine.docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: ['dev.devenv.proxy-server'] }),
  }))
    await engine.docker
      .getContainer(c.Id)
      .remove({ force: true, v: true })
      .catch(() => undefined);
  await engine.remove();
  await rm(cache, { recursive: true, force: true });
});

describe('a preview on a remote engine', () => {
  it('refuses plain TCP without --insecure-engine, before connecting', async () => {
    const result = await devenv(
      tmpdir(),
      ['preview', 'up', 'main', '--engine', 'tcp://192.0.2.1:2375'],
      env(),
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/plain TCP, without TLS/);
    expect(result.stderr).toMatch(/--insecure-engine/);
  });

  it.runIf(canRunSecondEngine())('refuses a bind mount of the worktree, creating nothing', async () => {
    const tcp = `tcp://${address}:2375`;
    const result = await devenv(
      project.dir,
      ['preview', 'up', branch, '--engine', tcp, '--insecure-engine', '-f', 'compose.bind.yaml'],
      env(),
    );
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toMatch(
      /is remote, and the preview bind-mounts files of its worktree: web mounts .*page\.txt/,
    );
    expect(result.stderr).toMatch(/COPY in the service's Dockerfile/);
    const left = await resourcesWhere(`dev.devenv.branch=${branch}`, engine.docker);
    expect(left.containers.length + left.networks.length).toBe(0);
  });

  it.runIf(canRunSecondEngine())(
    'comes up there, answers at its URL through the proxy there, streams logs and goes down',
    async () => {
      const tcp = `tcp://${address}:2375`;
      const flags = ['--engine', tcp, '--insecure-engine'];
      const up = await devenv(project.dir, ['preview', 'up', branch, ...flags, '--json'], env());
      expect(up.exitCode, up.stdout + up.stderr).toBe(0);
      const result = JSON.parse(up.stdout) as { urls: Record<string, string>; proxy: string };
      expect(result.proxy).toBe(`${address}:${port}`);
      const url = result.urls['web'] ?? '';
      expect(await getThroughProxy(url, result.proxy)).toEqual({
        status: 200,
        body: 'page on the remote engine',
      });
      const logs = await devenv(project.dir, ['preview', 'logs', branch, ...flags], env());
      expect(logs.exitCode, logs.stderr).toBe(0);
      expect(logs.stdout).toMatch(/web\s*\| remote preview listening/);
      const rm = await devenv(project.dir, ['preview', 'rm', branch, ...flags], env());
      expect(rm.exitCode, rm.stderr).toBe(0);
      const left = await resourcesWhere(`dev.devenv.branch=${branch}`, engine.docker);
      expect(left.containers.length + left.networks.length + left.volumes.length).toBe(0);
      const proxies = await engine.docker.listContainers({
        all: true,
        filters: JSON.stringify({ label: ['dev.devenv.proxy-server'] }),
      });
      expect(proxies).toEqual([]);
    },
  );
});

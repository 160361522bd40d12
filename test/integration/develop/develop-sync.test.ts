/**
 * develop.watch against a real stack: sync copies changed files into the
 * running container (and removes deleted ones), sync+restart restarts it,
 * rebuild recreates only the services whose image changed, and a service that
 * bind-mounts the changed path is left to the app's own watcher.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevelopSync, type DevelopSync } from '../../../src/app/develop-sync.js';
import type { ContainerEngine, ContainerStatus } from '../../../src/contracts/engine.js';
import { reapBranchPrefix, runPrefix } from '../../support/engine-state.js';
import { tempProject, type TempProject } from '../../support/projects.js';
import { buildCli, upProject, type UpProject } from '../testdb/template-stack.js';

const prefix = runPrefix();
let project: TempProject;
let stack: UpProject;
let engine: ContainerEngine;
let sync: DevelopSync;

const compose = `
services:
  web:
    build: ./web
    command: ["sleep", "infinity"]
    develop:
      watch:
        - action: sync
          path: ./web/src
          target: /app/src
          ignore: ["*.tmp"]
        - action: sync+restart
          path: ./web/config
          target: /etc/web
        - action: rebuild
          path: ./web/VERSION
        - action: restart
          path: ./web/restart.flag
        - action: sync+restart
          path: ./web/assets
          target: /app/assets
          initial_sync: true
        - action: sync+exec
          path: ./web/templates
          target: /app/templates
          exec:
            command:
              - sh
              - -c
              - ls > /tmp/templates.list; echo "$$WHO $$(id -un) $$(pwd)" > /tmp/exec.ctx
            user: nobody
            working_dir: /app/templates
            environment:
              WHO: devenv
  bound:
    build: ./web
    command: ["sleep", "infinity"]
    volumes:
      - ./web/src:/app/src
    develop:
      watch:
        - action: sync+restart
          path: ./web/src
          target: /app/src
  other:
    build: ./other
    command: ["sleep", "infinity"]
`;

const dockerfile = `FROM devenv-test/debian-base:bookworm
COPY VERSION /app/VERSION
COPY src /app/src
COPY config /etc/web
`;

async function write(path: string, text: string): Promise<string> {
  const absolute = join(project.dir, path);
  await mkdir(dirname(absolute), { recursive: true });
  await writeFile(absolute, text);
  return absolute;
}

async function container(service: string): Promise<ContainerStatus> {
  const found = await engine.listContainers({
    'dev.devenv.stack': stack.target.identity.name,
    'dev.devenv.service': service,
  });
  expect(found).toHaveLength(1);
  return found[0]!;
}

async function cat(service: string, path: string): Promise<{ exitCode: number; output: string }> {
  return engine.exec((await container(service)).id, ['cat', path]);
}

beforeAll(async () => {
  await buildCli();
  project = await tempProject({ 'compose.yaml': compose }, 'devenv-develop-');
  await write('web/Dockerfile', dockerfile);
  await write('web/VERSION', '1\n');
  await write('web/src/index.js', 'console.log(1)\n');
  await write('web/config/web.conf', 'level=info\n');
  await write('other/Dockerfile', 'FROM devenv-test/debian-base:bookworm\nCOPY hello /hello\n');
  await write('other/hello', 'hi\n');
  stack = await upProject(project.dir, `${prefix}-develop`);
  engine = (await stack.ctx.engine()).engine;
  sync = createDevelopSync(stack.ctx, { target: stack.target, backend: await stack.ctx.backend() });
});

afterAll(async () => {
  await reapBranchPrefix(prefix);
  await project?.remove();
});

describe('develop.watch', () => {
  it('knows which services have watch rules', () => {
    expect(sync.services).toEqual(['bound', 'web']);
  });

  it('syncs a changed file, a new file in a new directory, and leaves ignored files out', async () => {
    const changed = await write('web/src/index.js', 'console.log(2)\n');
    const nested = await write('web/src/deep/er/util.js', 'export const x = 1;\n');
    const ignored = await write('web/src/scratch.tmp', 'nope\n');
    const startedBefore = (await container('web')).startedAt;
    await sync.handle([changed, nested, ignored]);
    expect(await cat('web', '/app/src/index.js')).toEqual({ exitCode: 0, output: 'console.log(2)\n' });
    expect(await cat('web', '/app/src/deep/er/util.js')).toEqual({
      exitCode: 0,
      output: 'export const x = 1;\n',
    });
    expect((await cat('web', '/app/src/scratch.tmp')).exitCode).not.toBe(0);
    expect((await container('web')).startedAt).toBe(startedBefore);
  });

  it('removes a deleted file from the container', async () => {
    const gone = join(project.dir, 'web/src/deep/er/util.js');
    await rm(gone);
    await sync.handle([gone]);
    expect((await cat('web', '/app/src/deep/er/util.js')).exitCode).not.toBe(0);
    expect((await cat('web', '/app/src/index.js')).exitCode).toBe(0);
  });

  it('sync+restart copies the file, then restarts the container', async () => {
    const before = await container('web');
    const conf = await write('web/config/web.conf', 'level=debug\n');
    await sync.handle([conf]);
    const after = await container('web');
    expect(after.id).toBe(before.id);
    expect(after.state).toBe('running');
    expect(after.startedAt).not.toBe(before.startedAt);
    expect(await cat('web', '/etc/web/web.conf')).toEqual({ exitCode: 0, output: 'level=debug\n' });
  });

  it('initial_sync copies what its rule covers into the running service, without a restart', async () => {
    await write('web/assets/logo.txt', 'logo\n');
    await write('web/assets/css/site.css', 'body {}\n');
    const before = await container('web');
    expect((await cat('web', '/app/assets/logo.txt')).exitCode).not.toBe(0);
    await sync.initialSync();
    expect(await cat('web', '/app/assets/logo.txt')).toEqual({ exitCode: 0, output: 'logo\n' });
    expect(await cat('web', '/app/assets/css/site.css')).toEqual({ exitCode: 0, output: 'body {}\n' });
    expect((await container('web')).startedAt).toBe(before.startedAt);
  });

  it('sync+exec copies, then runs its command in the container as exec says (no restart)', async () => {
    const before = await container('web');
    const page = await write('web/templates/page.html', '<p>hi</p>\n');
    await sync.handle([page]);
    expect(await cat('web', '/app/templates/page.html')).toEqual({ exitCode: 0, output: '<p>hi</p>\n' });
    expect(await cat('web', '/tmp/templates.list')).toEqual({ exitCode: 0, output: 'page.html\n' });
    // exec's user, working_dir and environment apply.
    expect(await cat('web', '/tmp/exec.ctx')).toEqual({
      exitCode: 0,
      output: 'devenv nobody /app/templates\n',
    });
    expect((await container('web')).startedAt).toBe(before.startedAt);
  });

  it('restart restarts the container and copies nothing', async () => {
    const before = await container('web');
    const flag = await write('web/restart.flag', 'now\n');
    await sync.handle([flag]);
    const after = await container('web');
    expect(after.id).toBe(before.id);
    expect(after.state).toBe('running');
    expect(after.startedAt).not.toBe(before.startedAt);
    expect((await cat('web', '/app/restart.flag')).exitCode).not.toBe(0);
  });

  it('leaves a service alone when a bind mount already covers the changed path', async () => {
    const before = await container('bound');
    const file = await write('web/src/index.js', 'console.log(3)\n');
    await sync.handle([file]);
    const after = await container('bound');
    expect(after.startedAt).toBe(before.startedAt);
    // The bind mount shows the host's file; devenv did not have to copy it.
    expect(await cat('bound', '/app/src/index.js')).toEqual({ exitCode: 0, output: 'console.log(3)\n' });
    expect(stack.events.map((e) => (e.type === 'info' ? e.message : ''))).toContain(
      'develop.watch bound: skip web/src/index.js (bind-mounted: the container already sees it)',
    );
  });

  it('rebuild recreates the services whose image changed and keeps the others', async () => {
    const [webBefore, otherBefore] = [await container('web'), await container('other')];
    const version = await write('web/VERSION', '2\n');
    await sync.handle([version]);
    const [webAfter, otherAfter] = [await container('web'), await container('other')];
    expect(webAfter.id).not.toBe(webBefore.id);
    expect(webAfter.state).toBe('running');
    expect(await cat('web', '/app/VERSION')).toEqual({ exitCode: 0, output: '2\n' });
    expect(otherAfter.id).toBe(otherBefore.id);
  });
});

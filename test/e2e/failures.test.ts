/**
 * When things go wrong: a failing healthcheck shows its logs and leaves only
 * what `down` removes; Ctrl-C mid-up leaves nothing unlabelled; bad templates
 * are errors naming file, line and key.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { devenv, spawnDevenv } from '../support/cli.js';
import { countOf, docker, reapBranchPrefix, resourcesWhere, runPrefix } from '../support/engine-state.js';
import { dataServicesCompose, tempProject, type TempProject } from '../support/projects.js';

const prefix = runPrefix();
const projects: TempProject[] = [];

async function project(files: Record<string, string>): Promise<TempProject> {
  const created = await tempProject(files);
  projects.push(created);
  return created;
}

async function branchResources(branch: string) {
  return resourcesWhere(`dev.devenv.branch=${branch}`);
}

afterAll(async () => {
  await reapBranchPrefix(prefix);
  await Promise.all(projects.map((p) => p.remove()));
});

const failingHealthcheck = `
services:
  db:
    image: \${REDIS_IMAGE:-redis:7}
  broken:
    image: \${REDIS_IMAGE:-redis:7}
    entrypoint: ["/bin/sh", "-c", "echo 'migration 42 failed: relation users missing'; exec redis-server"]
    healthcheck:
      test: ["CMD-SHELL", "echo not-yet; exit 1"]
      interval: 200ms
      timeout: 1s
      retries: 3
    depends_on:
      db:
        condition: service_healthy
  dependent:
    image: \${REDIS_IMAGE:-redis:7}
    depends_on:
      broken:
        condition: service_healthy
`;

describe('failures', () => {
  it('a failing healthcheck ends up with its last log lines, and down removes everything', async () => {
    const branch = `${prefix}-unhealthy`;
    const dir = (await project({ 'compose.yaml': failingHealthcheck })).dir;
    const up = await devenv(dir, ['up', '-d', '--branch', branch]);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain('Service "broken" failed: its healthcheck reports unhealthy');
    expect(up.stderr).toContain('migration 42 failed: relation users missing');
    expect(up.stderr).toContain('What to do:');
    const left = await branchResources(branch);
    expect(left.containers.map((c) => c.Labels['dev.devenv.service']).sort()).toEqual(['broken', 'db']);
    const down = await devenv(dir, ['down', '--volumes', '--branch', branch]);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(countOf(await branchResources(branch))).toBe(0);
  });

  it('SIGINT in the middle of up, then down, leaves zero labelled resources and nothing unlabelled', async () => {
    const branch = `${prefix}-sigint`;
    const dir = (await project({ 'compose.yaml': dataServicesCompose })).dir;
    const before = new Set((await docker.listContainers({ all: true })).map((c) => c.Id));
    const child = spawnDevenv(dir, ['up', '-d', '--branch', branch]);
    // Interrupt as soon as the first container exists: mid-up.
    for (let i = 0; i < 200 && (await branchResources(branch)).containers.length === 0; i++) await sleep(25);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    const unlabelled = (await docker.listContainers({ all: true })).filter(
      (c) => !before.has(c.Id) && !c.Labels['dev.devenv.stack'],
    );
    expect(unlabelled.filter((c) => c.Names.some((n) => n.includes(branch)))).toEqual([]);
    const down = await devenv(dir, ['down', '--volumes', '--branch', branch]);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(countOf(await branchResources(branch))).toBe(0);
  });

  it('an ephemeral stack is removed when its owner process ends, and gc removes expired ones', async () => {
    const dir = (await project({ 'compose.yaml': dataServicesCompose })).dir;
    // Owner gone: the reaper removes the stack.
    const owner = spawnDevenvOwner();
    const branch = `${prefix}-eph`;
    const up = await devenv(dir, [
      'up',
      '-d',
      '--ephemeral',
      '--owner-pid',
      String(owner.pid),
      '--branch',
      branch,
    ]);
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    expect((await branchResources(branch)).containers).toHaveLength(2);
    owner.kill();
    let remaining = -1;
    for (let i = 0; i < 100; i++) {
      remaining = countOf(await branchResources(branch));
      if (remaining === 0) break;
      await sleep(200);
    }
    expect(remaining).toBe(0);

    // TTL passed, owner still alive: gc removes it, and only it.
    const keeper = spawnDevenvOwner();
    const ttlBranch = `${prefix}-ttl`;
    const longBranch = `${prefix}-long`;
    expect(
      (
        await devenv(dir, [
          'up',
          '-d',
          '--ephemeral',
          '--ttl',
          '1s',
          '--owner-pid',
          String(keeper.pid),
          '--branch',
          ttlBranch,
        ])
      ).exitCode,
    ).toBe(0);
    expect(
      (
        await devenv(dir, [
          'up',
          '-d',
          '--ephemeral',
          '--ttl',
          '1h',
          '--owner-pid',
          String(keeper.pid),
          '--branch',
          longBranch,
        ])
      ).exitCode,
    ).toBe(0);
    await sleep(1500);
    const dry = await devenv(dir, ['gc', '--dry-run', '--json']);
    const dryStacks = (JSON.parse(dry.stdout) as { stacks: { stack: string; reason: string }[] }).stacks;
    const ttlStack = (await branchResources(ttlBranch)).containers[0]?.Labels['dev.devenv.stack'];
    expect(dryStacks.find((s) => s.stack === ttlStack)?.reason).toMatch(/^TTL of 1 s expired/);
    expect((await branchResources(ttlBranch)).containers).toHaveLength(2);
    const gc = await devenv(dir, ['gc']);
    expect(gc.exitCode, gc.stderr).toBe(0);
    expect(countOf(await branchResources(ttlBranch))).toBe(0);
    expect((await branchResources(longBranch)).containers).toHaveLength(2);
    keeper.kill();
  });

  it('a template error names the file, line and key, and creates nothing', async () => {
    const branch = `${prefix}-invalid`;
    const dir = (
      await project({
        'compose.yaml': 'services:\n  web:\n    image: ${REDIS_IMAGE:-redis:7}\n    portz:\n      - "80"\n',
      })
    ).dir;
    const up = await devenv(dir, ['up', '-d', '--branch', branch]);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toMatch(/compose\.yaml:4/);
    expect(up.stderr).toContain('portz');
    expect(countOf(await branchResources(branch))).toBe(0);
  });

  it('a missing required variable is an error naming it and its message', async () => {
    const dir = (
      await project({
        'compose.yaml': 'services:\n  web:\n    image: ${WEB_IMAGE:?set WEB_IMAGE to the image to run}\n',
      })
    ).dir;
    const up = await devenv(dir, ['config']);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain('WEB_IMAGE');
    expect(up.stderr).toContain('set WEB_IMAGE to the image to run');
  });

  it('says how to start an engine when none answers', async () => {
    const dir = (await project({ 'compose.yaml': dataServicesCompose })).dir;
    const up = await devenv(dir, ['up', '-d', '--branch', `${prefix}-noengine`], {
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    });
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toMatch(/engine/i);
    expect(up.stderr).toContain('What to do:');
  });
});

function spawnDevenvOwner(): { pid: number; kill: () => void } {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  return { pid: child.pid!, kill: () => child.kill('SIGKILL') };
}

/**
 * One change to a stack at a time (issue 8 item 3): two `up -d` of the same
 * branch at once both succeed with one network per name; a lock left by a
 * process that is gone (kill -9) does not block; a live one makes `up` wait,
 * then say clearly who holds it; and `up`, `ls`, `down` cope with duplicate
 * networks left by older versions (`up` removes the extra one by id).
 */
import { execa } from 'execa';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { devenv, spawnDevenv } from '../support/cli.js';
import { docker, reapBranchPrefix, resourcesWhere, runPrefix } from '../support/engine-state.js';
import { tempProject, type TempProject } from '../support/projects.js';

const prefix = runPrefix();
const projects: TempProject[] = [];
const cacheDirs: string[] = [];

const compose = `
services:
  cache:
    image: \${REDIS_IMAGE:-redis:7}
  worker:
    image: \${REDIS_IMAGE:-redis:7}
    networks: [default, backend]
networks:
  backend: {}
`;

async function project(): Promise<string> {
  const created = await tempProject({ 'compose.yaml': compose });
  projects.push(created);
  return created.dir;
}

/** A private devenv cache dir, so lock files written by a test are only seen by its own CLI runs. */
async function cacheDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'devenv-locks-'));
  cacheDirs.push(dir);
  return dir;
}

async function stackName(dir: string, branch: string): Promise<string> {
  const config = await devenv(dir, ['config', '--json', '--branch', branch]);
  expect(config.exitCode, config.stderr).toBe(0);
  return (JSON.parse(config.stdout) as { 'x-devenv': { stack: string } })['x-devenv'].stack;
}

/** Network names of a branch, with how many networks carry each. */
async function networkCounts(branch: string): Promise<Record<string, number>> {
  const { networks } = await resourcesWhere(`dev.devenv.branch=${branch}`);
  const counts: Record<string, number> = {};
  for (const network of networks) counts[network.Name] = (counts[network.Name] ?? 0) + 1;
  return counts;
}

/** A pid that belonged to a process that has ended. */
async function deadPid(): Promise<number> {
  const child = execa('true');
  await child;
  return child.pid!;
}

async function writeLock(dir: string, stack: string, pid: number): Promise<string> {
  await mkdir(join(dir, 'locks'), { recursive: true });
  const path = join(dir, 'locks', `${encodeURIComponent(stack)}.lock`);
  await writeFile(
    path,
    JSON.stringify({ pid, host: hostname(), since: new Date().toISOString(), token: `${pid}-test` }),
  );
  return path;
}

afterAll(async () => {
  await reapBranchPrefix(prefix);
  await Promise.all(projects.map((p) => p.remove()));
  await Promise.all(cacheDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('two devenv processes on one stack', () => {
  it('two `up -d` of the same branch at once: both succeed, one network per name, later `up` works', async () => {
    const dir = await project();
    for (let round = 1; round <= 3; round++) {
      const branch = `${prefix}-race${round}`;
      const [first, second] = await Promise.all([
        devenv(dir, ['up', '-d', '--branch', branch]),
        devenv(dir, ['up', '-d', '--branch', branch]),
      ]);
      expect(first.exitCode, first.stdout + first.stderr).toBe(0);
      expect(second.exitCode, second.stdout + second.stderr).toBe(0);
      const counts = await networkCounts(branch);
      expect(Object.keys(counts).length).toBe(2);
      expect(Object.values(counts)).toEqual([1, 1]);
      const { containers } = await resourcesWhere(`dev.devenv.branch=${branch}`);
      expect(containers.map((c) => c.Labels['dev.devenv.service']).sort()).toEqual(['cache', 'worker']);

      const again = await devenv(dir, ['up', '-d', '--branch', branch]);
      expect(again.exitCode, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toContain('KeepService');
      const down = await devenv(dir, ['down', '--branch', branch]);
      expect(down.exitCode, down.stderr).toBe(0);
    }
  });

  it('a lock left by a process that is gone does not block', async () => {
    const dir = await project();
    const branch = `${prefix}-stale`;
    const cache = await cacheDir();
    const lock = await writeLock(cache, await stackName(dir, branch), await deadPid());
    const up = await devenv(dir, ['up', '-d', '--branch', branch], {
      DEVENV_CACHE_DIR: cache,
      DEVENV_LOCK_WAIT: '30',
    });
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).not.toContain('waiting for another devenv process');
    expect(await readdir(join(cache, 'locks'))).not.toContain(lock.split('/').pop());
  });

  it('a CLI killed with -9 while it holds the lock does not leave the stack locked', async () => {
    const dir = await project();
    const branch = `${prefix}-killed`;
    const cache = await cacheDir();
    const env = { DEVENV_CACHE_DIR: cache, DEVENV_LOCK_WAIT: '30' };
    const child = spawnDevenv(dir, ['up', '-d', '--branch', branch], env);
    const locks = join(cache, 'locks');
    // Kill it as soon as it holds the lock (the lock file exists while `up` changes the stack).
    for (;;) {
      const held = await readdir(locks).catch(() => [] as string[]);
      if (held.some((name) => name.endsWith('.lock'))) break;
      if (child.exitCode !== null) break;
      await sleep(20);
    }
    child.kill('SIGKILL');
    await child;
    const up = await devenv(dir, ['up', '-d', '--branch', branch], env);
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    expect(Object.values(await networkCounts(branch))).toEqual([1, 1]);
  });

  it('a live holder: `up` says it waits for that process, then that the stack is being changed', async () => {
    const dir = await project();
    const branch = `${prefix}-busy`;
    const cache = await cacheDir();
    const holder = execa('sleep', ['60']);
    try {
      await writeLock(cache, await stackName(dir, branch), holder.pid!);
      const up = await devenv(dir, ['up', '-d', '--branch', branch], {
        DEVENV_CACHE_DIR: cache,
        DEVENV_LOCK_WAIT: '1',
      });
      expect(up.exitCode).toBe(1);
      expect(up.stdout).toContain(`waiting for another devenv process (pid ${holder.pid}`);
      expect(up.stderr).toContain(`is being changed by another devenv process (pid ${holder.pid}`);
      expect(up.stderr).toContain(`kill ${holder.pid}`);
      expect(await networkCounts(branch)).toEqual({});
    } finally {
      holder.kill('SIGKILL');
      await holder.catch(() => undefined);
    }
  });

  it('`up` mends a duplicate network: keeps the one in use, removes the other by id', async () => {
    const dir = await project();
    const branch = `${prefix}-dup`;
    const first = await devenv(dir, ['up', '-d', '--branch', branch]);
    expect(first.exitCode, first.stderr).toBe(0);
    const { networks } = await resourcesWhere(`dev.devenv.branch=${branch}`);
    const original = networks.find((n) => n.Name.endsWith('_default'))!;
    // What two processes racing used to leave: a second network, same name, same labels.
    const duplicate = await docker.createNetwork({
      Name: original.Name,
      Labels: original.Labels,
      CheckDuplicate: false,
    });
    expect((await networkCounts(branch))[original.Name]).toBe(2);

    const ls = await devenv(dir, ['ls', '--json']);
    expect(ls.exitCode, ls.stderr).toBe(0);

    const up = await devenv(dir, ['up', '-d', '--branch', branch]);
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toContain(
      `network:${original.Name} RemoveNetwork ${duplicate.id.slice(0, 12)} (duplicate; keeping ${original.Id.slice(0, 12)})`,
    );
    const after = await resourcesWhere(`dev.devenv.branch=${branch}`);
    expect(after.networks.filter((n) => n.Name === original.Name).map((n) => n.Id)).toEqual([original.Id]);
    expect(after.containers.every((c) => c.State === 'running')).toBe(true);
    const again = await devenv(dir, ['up', '-d', '--branch', branch]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).not.toContain('RemoveNetwork');
  });

  it('`down` removes duplicate networks too (by id)', async () => {
    const dir = await project();
    const branch = `${prefix}-dupdown`;
    const first = await devenv(dir, ['up', '-d', '--branch', branch]);
    expect(first.exitCode, first.stderr).toBe(0);
    const { networks } = await resourcesWhere(`dev.devenv.branch=${branch}`);
    const original = networks.find((n) => n.Name.endsWith('_default'))!;
    await docker.createNetwork({ Name: original.Name, Labels: original.Labels, CheckDuplicate: false });
    const down = await devenv(dir, ['down', '--branch', branch]);
    expect(down.exitCode, down.stdout + down.stderr).toBe(0);
    expect(await networkCounts(branch)).toEqual({});
  });
});

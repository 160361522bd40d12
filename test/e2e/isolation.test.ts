/**
 * Nobody blocks anybody: two branches of one project run side by side, and
 * down/gc never touch what devenv did not create.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { countOf, docker, reapBranchPrefix, runPrefix, stackResources } from '../support/engine-state.js';
import { dataServicesCompose, tempProject, type TempProject } from '../support/projects.js';

const prefix = runPrefix();
let project: TempProject;
let decoyId: string;

async function stackEnv(branch: string): Promise<Record<string, string>> {
  const result = await devenv(project.dir, ['env', '--json', '--branch', branch]);
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, string>;
}

beforeAll(async () => {
  project = await tempProject({ 'compose.yaml': dataServicesCompose });
  // An unlabelled container that looks like ours by name: devenv must leave it alone.
  const decoy = await docker.createContainer({
    Image: 'devenv-test/redis:7',
    name: `${prefix}-decoy-redis-1`,
    Labels: { 'com.example.owner': 'someone-else' },
  });
  await decoy.start();
  decoyId = decoy.id;
});

afterAll(async () => {
  await docker
    .getContainer(decoyId)
    .remove({ force: true, v: true })
    .catch(() => undefined);
  await reapBranchPrefix(prefix);
  await project.remove();
});

describe('isolation', () => {
  it('runs two branches of one project at the same time without collision', async () => {
    const [a, b] = await Promise.all([
      devenv(project.dir, ['up', '-d', '--branch', `${prefix}-a`]),
      devenv(project.dir, ['up', '-d', '--branch', `${prefix}-b`]),
    ]);
    expect(a.exitCode, a.stdout + a.stderr).toBe(0);
    expect(b.exitCode, b.stdout + b.stderr).toBe(0);
    const [envA, envB] = await Promise.all([stackEnv(`${prefix}-a`), stackEnv(`${prefix}-b`)]);
    expect(envA['DEVENV_STACK']).not.toBe(envB['DEVENV_STACK']);
    expect(envA['POSTGRES_PORT']).not.toBe(envB['POSTGRES_PORT']);
    expect(envA['REDIS_PORT']).not.toBe(envB['REDIS_PORT']);
    const [resA, resB] = await Promise.all([
      stackResources(envA['DEVENV_STACK']!),
      stackResources(envB['DEVENV_STACK']!),
    ]);
    expect(resA.containers.map((c) => c.State)).toEqual(['running', 'running']);
    expect(resB.containers.map((c) => c.State)).toEqual(['running', 'running']);
    expect(resA.networks.map((n) => n.Name)).toEqual([`${envA['DEVENV_STACK']}_default`]);
  });

  it('labels every resource with stack, project, branch, owner, config hash and creation time', async () => {
    const env = await stackEnv(`${prefix}-a`);
    const resources = await stackResources(env['DEVENV_STACK']!);
    for (const container of resources.containers) {
      expect(Object.keys(container.Labels)).toEqual(
        expect.arrayContaining([
          'dev.devenv.stack',
          'dev.devenv.project',
          'dev.devenv.service',
          'dev.devenv.branch',
          'dev.devenv.owner',
          'dev.devenv.config-hash',
          'dev.devenv.created',
        ]),
      );
      expect(container.Labels['dev.devenv.branch']).toBe(`${prefix}-a`);
    }
    for (const item of [...resources.networks, ...resources.volumes])
      expect(item.Labels?.['dev.devenv.stack']).toBe(env['DEVENV_STACK']);
  });

  it('keeps unchanged services on a second up and recreates only a changed one', async () => {
    const env = await stackEnv(`${prefix}-b`);
    const before = await stackResources(env['DEVENV_STACK']!);
    const again = await devenv(project.dir, ['up', '-d', '--branch', `${prefix}-b`]);
    expect(again.stdout).toContain('service:postgres KeepService');
    expect(again.stdout).toContain('service:redis KeepService');
    const kept = await stackResources(env['DEVENV_STACK']!);
    expect(kept.containers.map((c) => c.Id).sort()).toEqual(before.containers.map((c) => c.Id).sort());

    const override = await devenv(
      project.dir,
      ['up', '-d', '--branch', `${prefix}-b`, '-f', 'compose.yaml', '-f', 'override.yaml'],
      {},
    );
    // override.yaml does not exist yet: a clear error, nothing changed
    expect(override.exitCode).not.toBe(0);
    expect(override.stderr).toContain('override.yaml');

    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      `${project.dir}/override.yaml`,
      'services:\n  redis:\n    command: ["redis-server", "--maxmemory", "64mb"]\n',
    );
    const changed = await devenv(project.dir, [
      'up',
      '-d',
      '--branch',
      `${prefix}-b`,
      '-f',
      'compose.yaml',
      '-f',
      'override.yaml',
    ]);
    expect(changed.exitCode, changed.stdout + changed.stderr).toBe(0);
    expect(changed.stdout).toContain('service:postgres KeepService');
    expect(changed.stdout).toMatch(/service:redis RecreateService .* \(config changed/);
    const after = await stackResources(env['DEVENV_STACK']!);
    const idOf = (list: typeof after.containers, service: string) =>
      list.find((c) => c.Labels['dev.devenv.service'] === service)?.Id;
    expect(idOf(after.containers, 'postgres')).toBe(idOf(before.containers, 'postgres'));
    expect(idOf(after.containers, 'redis')).not.toBe(idOf(before.containers, 'redis'));
  });

  it('down removes one branch and leaves the other branch and the decoy running', async () => {
    const envA = await stackEnv(`${prefix}-a`);
    const envB = await stackEnv(`${prefix}-b`);
    const down = await devenv(project.dir, ['down', '--volumes', '--branch', `${prefix}-a`]);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(countOf(await stackResources(envA['DEVENV_STACK']!))).toBe(0);
    expect((await stackResources(envB['DEVENV_STACK']!)).containers).toHaveLength(2);
    expect((await docker.getContainer(decoyId).inspect()).State.Running).toBe(true);
  });

  it('gc leaves stacks that are not ephemeral and unlabelled containers alone', async () => {
    const gc = await devenv(project.dir, ['gc', '--json']);
    expect(gc.exitCode, gc.stderr).toBe(0);
    const removed = (JSON.parse(gc.stdout) as { stacks: { stack: string }[] }).stacks.map((s) => s.stack);
    const envB = await stackEnv(`${prefix}-b`);
    expect(removed).not.toContain(envB['DEVENV_STACK']);
    expect((await docker.getContainer(decoyId).inspect()).State.Running).toBe(true);
    await devenv(project.dir, ['down', '--volumes', '--branch', `${prefix}-b`]);
    expect((await docker.getContainer(decoyId).inspect()).State.Running).toBe(true);
  });
});

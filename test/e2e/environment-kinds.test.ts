/**
 * What an environment's kind changes, as a user meets it: `postgres: fast`
 * (data on a tmpfs, durability off) against dev's durable Postgres, and an
 * `ephemeral: true` environment whose stack goes when the shell that started
 * it ends.
 */
import { execa } from 'execa';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, devenv, devenvBin } from '../support/cli.js';
import { containerExec } from '../support/container-exec.js';
import { countOf, docker, reapBranchPrefix, runPrefix, stackResources } from '../support/engine-state.js';
import { tempProject, type TempProject } from '../support/projects.js';

const prefix = runPrefix();
const branch = `${prefix}-kinds`;
let project: TempProject;

const files = {
  'compose.yaml': `name: kinds
services:
  db:
    image: \${POSTGRES_IMAGE:-postgres:15}
    environment: { POSTGRES_USER: app, POSTGRES_PASSWORD: app, POSTGRES_DB: app }
    volumes: ["pgdata:/var/lib/postgresql/data"]
volumes:
  pgdata: {}
`,
  'devenv.yaml': `environments:
  test:
    postgres: fast
  scratch:
    ephemeral: true
`,
};

beforeAll(async () => {
  project = await tempProject(files, 'devenv-kinds-');
});

afterAll(async () => {
  await reapBranchPrefix(prefix);
  await project.remove();
});

async function stackOf(environment: string): Promise<string> {
  const result = await devenv(project.dir, ['env', '--json', '--branch', branch, '--env', environment]);
  expect(result.exitCode, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as Record<string, string>)['DEVENV_STACK'] ?? '';
}

/** The durability settings of the stack's Postgres, as the server reports them. */
async function durability(stack: string): Promise<string> {
  const [db] = (await stackResources(stack)).containers;
  expect(db).toBeDefined();
  const sql =
    "select string_agg(name || '=' || setting, ',' order by name) from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes')";
  return (await containerExec(db!.Id, ['psql', '-U', 'app', '-d', 'app', '-tAc', sql])).trim();
}

describe('environment kinds', () => {
  it('postgres: fast keeps the data on a tmpfs with durability off; dev keeps its volume and durability', async () => {
    const [dev, test] = await Promise.all([
      devenv(project.dir, ['up', '-d', '--branch', branch]),
      devenv(project.dir, ['up', '-d', '--branch', branch, '--env', 'test']),
    ]);
    expect(dev.exitCode, dev.stdout + dev.stderr).toBe(0);
    expect(test.exitCode, test.stdout + test.stderr).toBe(0);
    const [devStack, testStack] = [await stackOf('dev'), await stackOf('test')];

    expect(await durability(testStack)).toBe('fsync=off,full_page_writes=off,synchronous_commit=off');
    expect(await durability(devStack)).toBe('fsync=on,full_page_writes=on,synchronous_commit=on');

    const [testDb] = (await stackResources(testStack)).containers;
    const testInspect = await docker.getContainer(testDb!.Id).inspect();
    expect(testInspect.Mounts.map((m) => `${m.Type}:${m.Destination}`)).toEqual([
      'tmpfs:/var/lib/postgresql/data',
    ]);
    // The test environment makes no volume of its own; dev's holds dev's data.
    expect((await stackResources(testStack)).volumes).toEqual([]);
    const [devDb] = (await stackResources(devStack)).containers;
    const devInspect = await docker.getContainer(devDb!.Id).inspect();
    expect(devInspect.Mounts.find((m) => m.Destination === '/var/lib/postgresql/data')?.Type).toBe('volume');
  });

  it('an ephemeral environment is removed when the shell that started it ends', async () => {
    // `up -d` owns the stack by its parent: a shell that lives until its stdin closes.
    const shell = execa(
      'sh',
      [
        '-c',
        `"${process.execPath}" "${devenvBin}" up -d --branch ${branch} --env scratch && cat > /dev/null`,
      ],
      {
        cwd: project.dir,
        env: cliEnv(),
        reject: false,
      },
    );
    let output = '';
    shell.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    shell.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    while (!output.includes('Ephemeral:') && shell.exitCode === null) await sleep(100);
    expect(output).toContain('Ephemeral: removed when process');
    const stack = await stackOf('scratch');
    const labels = (await stackResources(stack)).containers[0]?.Labels ?? {};
    expect(labels['dev.devenv.ephemeral']).toBe('true');
    expect(labels['dev.devenv.environment']).toBe('scratch');

    shell.stdin?.end();
    expect((await shell).exitCode).toBe(0);
    // The reaper checks its owner every second.
    for (let waited = 0; waited < 30 && countOf(await stackResources(stack)) > 0; waited++) await sleep(1000);
    const left = await stackResources(stack);
    expect([
      ...left.containers.map((c) => c.Names[0]),
      ...left.networks.map((n) => n.Name),
      ...left.volumes.map((v) => v.Name),
    ]).toEqual([]);
  });
});

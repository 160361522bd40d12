/**
 * The article's stack (templates/example: app built from source + Postgres 15
 * + Redis 7, fixed host ports in the template) brought up by the CLI and used
 * from the host through `devenv env`.
 */
import { execa } from 'execa';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { countOf, docker, reapBranchPrefix, runPrefix, stackResources } from '../support/engine-state.js';
import { exampleProject, type TempProject } from '../support/projects.js';

const prefix = runPrefix();
const branch = `${prefix}-seed`;
let project: TempProject;
let env: Record<string, string>;
let stack: string;

function redisPing(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().trim());
    });
    socket.once('error', reject);
  });
}

beforeAll(async () => {
  project = await exampleProject();
  const up = await devenv(project.dir, ['up', '-d', '--branch', branch]);
  expect(up.stderr).toBe('');
  expect(up.exitCode, up.stdout).toBe(0);
  const printed = await devenv(project.dir, ['env', '--json', '--show-secrets', '--branch', branch]);
  expect(printed.exitCode, printed.stderr).toBe(0);
  env = JSON.parse(printed.stdout) as Record<string, string>;
  stack = env['DEVENV_STACK'] ?? '';
});

afterAll(async () => {
  await reapBranchPrefix(prefix);
  await project.remove();
});

describe('the seed stack', () => {
  it('warns about the obsolete version key and reports the ports it chose', async () => {
    const up = await devenv(project.dir, ['up', '-d', '--branch', branch]);
    expect(up.exitCode).toBe(0);
    expect(up.stdout).toContain('the `version` key is obsolete');
    expect(up.stdout).toMatch(
      /postgres: port 5432\/tcp: host port 5432 replaced by a free port \(use --fixed-ports to keep 5432\)/,
    );
    expect(up.stdout).toMatch(/postgres\s+ready in .* 127\.0\.0\.1:\d+->5432/);
  });

  it('gives the host a DATABASE_URL that psql can use', async () => {
    expect(env['DATABASE_URL']).toMatch(/^postgresql:\/\/user:pass@127\.0\.0\.1:\d+\/myapp_dev$/);
    const psql = await execa(
      'psql',
      [env['DATABASE_URL']!, '-tAc', 'select current_user, current_database()'],
      { reject: false },
    );
    expect(psql.stderr).toBe('');
    expect(psql.stdout.trim()).toBe('user|myapp_dev');
  });

  it('gives the host a REDIS_URL whose server answers PING', async () => {
    const url = new URL(env['REDIS_URL']!);
    expect(url.hostname).toBe('127.0.0.1');
    expect(await redisPing(url.hostname, Number(url.port))).toBe('+PONG');
    expect(env['REDIS_PORT']).toBe(url.port);
  });

  it('runs the app built from source, reaching both services over the stack network', async () => {
    const response = await fetch(`http://127.0.0.1:${env['APP_PORT']}/health`);
    expect(await response.json()).toEqual({ postgres: true, redis: true });
  });

  it('prints dotenv that a shell can source (--show-secrets)', async () => {
    const printed = await devenv(project.dir, ['env', '--show-secrets', '--branch', branch]);
    const sourced = await execa('bash', ['-c', 'set -a; eval "$(cat)"; echo "$DATABASE_URL"'], {
      input: printed.stdout,
    });
    expect(sourced.stdout.trim()).toBe(env['DATABASE_URL']);
    expect(env['DATABASE_URL']).toMatch(/^postgresql:\/\/user:pass@127\.0\.0\.1:\d+\/myapp_dev$/);
  });

  it('masks secrets without --show-secrets and says how to print them', async () => {
    const printed = await devenv(project.dir, ['env', '--branch', branch]);
    expect(printed.exitCode, printed.stderr).toBe(0);
    expect(printed.stdout).toContain(`DATABASE_URL='${env['DATABASE_URL']!.replace(':pass@', ':****@')}'`);
    expect(printed.stdout).toContain("POSTGRES_PASSWORD='****'");
    expect(printed.stdout).not.toMatch(/\bpass\b/);
    expect(printed.stdout).toContain(`POSTGRES_PORT=${env['POSTGRES_PORT']}`);
    expect(printed.stderr).toContain('Masked: DATABASE_URL, POSTGRES_PASSWORD.');
    expect(printed.stderr).toContain('Add --show-secrets to print them');
    const json = await devenv(project.dir, ['env', '--json', '--branch', branch]);
    expect(JSON.parse(json.stdout)).toMatchObject({ POSTGRES_PASSWORD: '****', DEVENV_STACK: stack });
  });

  it('lists the stack with its services, health and ports', async () => {
    const ls = await devenv(project.dir, ['ls', '--json']);
    const stacks = JSON.parse(ls.stdout) as {
      stack: string;
      branch: string;
      services: { service: string; state: string }[];
    }[];
    const mine = stacks.find((s) => s.stack === stack);
    expect(mine?.branch).toBe(branch);
    expect(mine?.services.map((s) => `${s.service}:${s.state}`)).toEqual([
      'app:running',
      'postgres:running',
      'redis:running',
    ]);
  });

  it('shows prefixed logs of one service', async () => {
    const logs = await devenv(project.dir, ['logs', 'app', '--branch', branch]);
    expect(logs.exitCode).toBe(0);
    expect(logs.stdout).toMatch(/^app \| app listening on 8080 \(LOG_LEVEL=debug\)$/m);
  });

  it('publishes nothing on 0.0.0.0', async () => {
    const resources = await stackResources(stack);
    const ips = resources.containers.flatMap((c) => c.Ports.filter((p) => p.PublicPort).map((p) => p.IP));
    expect(ips.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ips)).toEqual(new Set(['127.0.0.1']));
  });

  it('down --volumes removes every labelled resource of the stack', async () => {
    const before = await stackResources(stack);
    expect(before.containers).toHaveLength(3);
    expect(before.volumes.length).toBeGreaterThanOrEqual(1);
    // The app runs the stack's tag on the shared image, which is also tagged by its inputs.
    const app = before.containers.find((c) => c.Labels['dev.devenv.service'] === 'app');
    expect(app?.Image).toBe(`devenv/${stack}/app:latest`);
    const inspected = await docker.getImage(`devenv/${stack}/app:latest`).inspect();
    const content = inspected.RepoTags.find((tag) => /^devenv\/[^/]+:[0-9a-f]{16}$/.test(tag));
    expect(content).toBeDefined();
    const down = await devenv(project.dir, ['down', '--volumes', '--branch', branch]);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(countOf(await stackResources(stack))).toBe(0);
    // No other stack used the app image: its tags go too (the image with them, unless another
    // project's tag names the same image).
    const tags = (await docker.listImages()).flatMap((i) => i.RepoTags ?? []);
    expect(tags).not.toContain(`devenv/${stack}/app:latest`);
    expect(tags).not.toContain(content);
  });
});

/**
 * A long-running service that exited with code 0 (Redis does on SIGTERM:
 * `docker stop`, an engine restart, a reboot) is started again by the next
 * `up`; a one-shot service that completed is left as it is.
 */
import { describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { e2eWorkspace } from '../support/e2e-workspace.js';
import { docker, resourcesWhere } from '../support/engine-state.js';

const { prefix, project: workspace } = e2eWorkspace();

const compose = `
services:
  redis:
    image: \${REDIS_IMAGE:-redis:7}
  migrate:
    image: \${REDIS_IMAGE:-redis:7}
    entrypoint: ["/bin/sh", "-c", "echo migrated"]
  app:
    image: \${REDIS_IMAGE:-redis:7}
    depends_on:
      migrate:
        condition: service_completed_successfully
`;

async function states(branch: string): Promise<Record<string, string>> {
  const { containers } = await resourcesWhere(`dev.devenv.branch=${branch}`);
  return Object.fromEntries(containers.map((c) => [c.Labels['dev.devenv.service'], c.State]));
}

describe('stopped services', () => {
  it('up starts again a service docker stop made exit with code 0; a completed one-shot stays done', async () => {
    const branch = `${prefix}-stopped`;
    const project = await workspace({ 'compose.yaml': compose });
    const first = await devenv(project.dir, ['up', '-d', '--branch', branch]);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(await states(branch)).toEqual({ redis: 'running', migrate: 'exited', app: 'running' });

    const { containers } = await resourcesWhere(`dev.devenv.branch=${branch}`);
    const redis = containers.find((c) => c.Labels['dev.devenv.service'] === 'redis')!;
    await docker.getContainer(redis.Id).stop();
    expect((await docker.getContainer(redis.Id).inspect()).State.ExitCode).toBe(0);

    const again = await devenv(project.dir, ['up', '-d', '--branch', branch]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/service:redis StartService \S+ \(config unchanged, exited\)/);
    expect(again.stdout).toMatch(/service:migrate KeepService \S+ \(config unchanged, completed\)/);
    expect(await states(branch)).toEqual({ redis: 'running', migrate: 'exited', app: 'running' });
  });
});

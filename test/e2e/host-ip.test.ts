/**
 * `--host-ip`: an address that is not an IP, or not one of this machine's,
 * is refused before anything is touched (exit 2, the running stack as it
 * was); an IPv6 loopback stack is probed and described where it is bound.
 */
import { describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { e2eWorkspace } from '../support/e2e-workspace.js';
import { resourcesWhere } from '../support/engine-state.js';
import { dataServicesCompose } from '../support/projects.js';

const { prefix, project } = e2eWorkspace();

const dataServices = async (): Promise<string> =>
  (await project({ 'compose.yaml': dataServicesCompose })).dir;

async function containerIds(branch: string): Promise<string[]> {
  const { containers } = await resourcesWhere(`dev.devenv.branch=${branch}`);
  return containers
    .filter((c) => c.State === 'running')
    .map((c) => c.Id)
    .sort();
}

describe('--host-ip', () => {
  it('an address not on this machine, or not an address, leaves a running stack untouched (exit 2)', async () => {
    const branch = `${prefix}-h`;
    const dir = await dataServices();
    const up = await devenv(dir, ['up', '-d', '--branch', branch]);
    expect(up.exitCode, up.stderr).toBe(0);
    const before = await containerIds(branch);
    expect(before).toHaveLength(2);

    const foreign = await devenv(dir, ['up', '-d', '--branch', branch, '--host-ip', '10.1.2.3']);
    expect(foreign.exitCode).toBe(2);
    expect(foreign.stderr).toContain('The host IP 10.1.2.3 is not an address of this machine');
    expect(foreign.stderr).not.toContain('    at ');
    expect(await containerIds(branch)).toEqual(before);

    const garbage = await devenv(dir, ['up', '-d', '--branch', branch, '--host-ip', 'localhost; rm -rf']);
    expect(garbage.exitCode).toBe(2);
    expect(garbage.stderr).toContain('--host-ip expects an IP address');
    expect(await containerIds(branch)).toEqual(before);
  });

  it('::1: ready as soon as the services answer there, and devenv env points at [::1]', async () => {
    const branch = `${prefix}-v6`;
    const dir = await dataServices();
    const up = await devenv(dir, ['up', '-d', '--branch', branch, '--host-ip', '::1', '--timeout', '40s']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/redis\s+ready in .*\[::1\]:\d+->6379/);
    const env = await devenv(dir, ['env', '--json', '--branch', branch]);
    expect(env.exitCode, env.stderr).toBe(0);
    const vars = JSON.parse(env.stdout) as Record<string, string>;
    expect(vars['REDIS_HOST']).toBe('::1');
    expect(vars['POSTGRES_HOST']).toBe('::1');
  });
});

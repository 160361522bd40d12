/**
 * A service keeps its host ports for the stack's life: through a restart
 * (the engine would pick new ones each start) and through `up` recreating it
 * after a template change, so `devenv env` stays valid.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { docker, reapBranchPrefix, resourcesWhere, runPrefix } from '../support/engine-state.js';
import { tempProject, type TempProject } from '../support/projects.js';

const prefix = runPrefix();
const branch = `${prefix}-ports`;
let project: TempProject | undefined;

afterAll(async () => {
  await reapBranchPrefix(prefix);
  await project?.remove();
});

const compose = (greeting: string) => `
services:
  cache:
    image: \${REDIS_IMAGE:-redis:7}
    environment:
      GREETING: ${greeting}
    ports:
      - "6379"
      - "127.0.0.1::6380/udp"
`;

async function cache() {
  const { containers } = await resourcesWhere(`dev.devenv.branch=${branch}`);
  const [container] = containers;
  if (!container) throw new Error('no cache container');
  const inspect = await docker.getContainer(container.Id).inspect();
  const port = (key: string) => inspect.NetworkSettings.Ports[key]?.[0]?.HostPort;
  return { id: container.Id, tcp: port('6379/tcp'), udp: port('6380/udp') };
}

async function env(): Promise<Record<string, string>> {
  const result = await devenv(project!.dir, ['env', '--json', '--branch', branch]);
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, string>;
}

describe('host ports for the life of a stack', () => {
  it('keeps them through a restart and through a recreate', async () => {
    project = await tempProject({ 'compose.yaml': compose('hello') });
    const up = await devenv(project.dir, ['up', '-d', '--branch', branch]);
    expect(up.exitCode, up.stderr).toBe(0);
    const first = await cache();
    expect(first.tcp).toMatch(/^\d+$/);
    expect(first.udp).toMatch(/^\d+$/);
    const settings = await env();
    expect(Object.values(settings).join(' ')).toContain(first.tcp);

    // A restart: an engine-chosen port would move here.
    await docker.getContainer(first.id).restart({ t: 1 });
    const restarted = await cache();
    expect(restarted).toEqual(first);

    // A template change recreates the container; its ports stay.
    await writeFile(join(project.dir, 'compose.yaml'), compose('changed'));
    const again = await devenv(project.dir, ['up', '-d', '--branch', branch]);
    expect(again.exitCode, again.stderr).toBe(0);
    const recreated = await cache();
    expect(recreated.id).not.toBe(first.id);
    expect({ tcp: recreated.tcp, udp: recreated.udp }).toEqual({ tcp: first.tcp, udp: first.udp });
    expect(await env()).toEqual({ ...settings, GREETING: 'changed' });
  });
});

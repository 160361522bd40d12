/**
 * Attached `devenv up` without the dashboard (--json here; the plain renderer
 * prints the same events) when the engine goes away and comes back: it says
 * so, waits, and follows the logs again. The engine is reached through a
 * unix-socket proxy this test closes and reopens; the real engine keeps running.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnDevenv } from '../support/cli.js';
import { dockerSocketProxy } from '../support/docker-socket-proxy.js';
import { reapBranchPrefix, resourcesWhere, runPrefix } from '../support/engine-state.js';
import { EventLog } from '../support/event-log.js';
import { tempProject, type TempProject } from '../support/projects.js';

const prefix = runPrefix();
const proxy = dockerSocketProxy(`/tmp/devenv-e2e-${prefix}-attached.sock`);
let project: TempProject | undefined;

afterAll(async () => {
  await proxy.stop();
  await reapBranchPrefix(prefix);
  await project?.remove();
});

const compose = `
services:
  talker:
    image: \${REDIS_IMAGE:-redis:7}
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do echo tick; sleep 0.3; done"]
`;

describe('attached up without the dashboard, engine gone and back', () => {
  it('reports the engine gone, then reconnected, and follows the logs again', async () => {
    project = await tempProject({ 'compose.yaml': compose }, 'devenv-attached-gone-');
    await proxy.start();
    const branch = `${prefix}-attached`;
    const child = spawnDevenv(project.dir, ['up', '--json', '--no-watch', '--branch', branch], {
      DOCKER_HOST: proxy.dockerHost,
    });
    const log = new EventLog(child);
    await log.until((e) => e.type === 'stack.ready');
    await log.until((e) => e.type === 'log' && e.line === 'tick');

    await proxy.stop();
    const [gone] = (await log.until((e) => e.type === 'error')).slice(-1);
    expect(gone).toMatchObject({ type: 'error', code: 'ENGINE_UNREACHABLE' });

    await proxy.start();
    await log.until((e) => e.type === 'engine.reconnected');
    await log.until((e) => e.type === 'log' && e.line === 'tick');

    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout)).toContain('keeps running');
    // The stack was left running, as a detach does.
    const { containers } = await resourcesWhere(`dev.devenv.branch=${branch}`);
    expect(containers.map((c) => c.State)).toEqual(['running']);
  });
});

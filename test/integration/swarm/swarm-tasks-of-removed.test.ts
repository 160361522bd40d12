/**
 * The Docker adapter's swarm tasks (adapters/docker/clients/swarm-task-client.ts) on the real test
 * swarm: asked for the tasks of services one of which another process has just removed (ten
 * `preview rm`s at once do that), it answers with the others' tasks instead of failing the
 * whole listing with the engine's "service not found".
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerSwarm } from '../../../src/adapters/docker/docker-swarm.js';
import { swarmServiceSpec } from '../../../src/adapters/swarm-stack/service-spec.js';
import { containerRequest } from '../../support/container-request.js';
import { acquireSwarm, canRunSwarm, releaseSwarm } from '../../support/swarm-cluster.js';

const IMAGE = 'devenv-test/debian-base:bookworm';
const prefix = `swarm-tasks-${randomBytes(4).toString('hex')}`;
let swarm: DockerSwarm;
let acquired = false;
const created: string[] = [];

describe.skipIf(!canRunSwarm())('swarm tasks of services, one of them removed meanwhile', () => {
  beforeAll(async () => {
    await acquireSwarm(IMAGE);
    acquired = true;
    swarm = await DockerSwarm.connect({ DOCKER_HOST: 'unix:///var/run/docker.sock' });
  }, 300_000);

  afterAll(async () => {
    for (const id of created) await swarm.removeService(id).catch(() => undefined);
    if (acquired) await releaseSwarm();
  }, 300_000);

  it("lists the remaining services' tasks instead of failing on the removed one", async () => {
    const spec = (name: string) =>
      swarmServiceSpec(
        containerRequest({
          name,
          image: IMAGE,
          labels: { 'dev.devenv.stack': prefix },
          command: ['sleep', 'infinity'],
          stopTimeoutSeconds: 1,
        }),
        [],
      );
    const kept = await swarm.createService(spec(`${prefix}-kept`));
    created.push(kept);
    const gone = await swarm.createService(spec(`${prefix}-gone`));
    created.push(gone);
    const deadline = Date.now() + 60_000;
    while ((await swarm.listTasks([kept, gone])).length < 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await swarm.listTasks([kept, gone])).map((task) => task.serviceId).sort()).toEqual(
      [kept, gone].sort(),
    );

    await swarm.removeService(gone);
    const tasks = await swarm.listTasks([kept, gone]);
    expect(tasks.map((task) => task.serviceId)).toContain(kept);
    expect(tasks.every((task) => task.serviceId === kept || task.serviceId === gone)).toBe(true);
    // Only the removed one asked: nothing (or its last tasks while the swarm drops them), no error.
    const ofGone = await swarm.listTasks([gone]);
    expect(ofGone.every((task) => task.serviceId === gone)).toBe(true);
  }, 120_000);
});

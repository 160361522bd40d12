/**
 * `gc` on a backend that lists its own stacks (Swarm: `StackBackend.inventory`): the stacks
 * it judges and removes are the backend's, removed through the backend; container stacks on
 * the engine beside it are not the backend's to collect. Two memory engines stand in: one
 * behind the backend (the cluster), one as the engine images live on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ContainerStackBackend } from '../../../src/adapters/container-stack/container-stack-backend.js';
import type { AppContext } from '../../../src/app/context.js';
import { gc } from '../../../src/app/gc.js';
import { up } from '../../../src/app/up.js';
import type { StackBackend } from '../../../src/contracts/stack-backend.js';
import { anyStackSelector } from '../../../src/core/stack/labels.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine, withImage, type MemoryEngine } from '../../support/fakes/memory-engine.js';
import { tempProject, type TempProject } from '../../support/projects.js';

const projects: TempProject[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map((p) => p.remove()));
});

/** A backend on `cluster` that lists every stack itself, as the Swarm backend does. */
async function inventoriedBackend(cluster: MemoryEngine): Promise<StackBackend> {
  const backend = new ContainerStackBackend(cluster, await cluster.info());
  return Object.assign(backend, {
    inventory: async () => ({
      instances: await cluster.listContainers(anyStackSelector()),
      networks: await cluster.listNetworks(anyStackSelector()),
      volumes: await cluster.listVolumes(anyStackSelector()),
      tasks: new Map(),
    }),
  });
}

async function stacksOn(engine: MemoryEngine): Promise<string[]> {
  const containers = await engine.listContainers(anyStackSelector());
  return [...new Set(containers.map((c) => c.labels['dev.devenv.stack'] ?? ''))].sort();
}

describe('gc on a backend that lists its own stacks', () => {
  it("removes the backend's expired stack through the backend, keeps its live one and the engine's own", async () => {
    const project = await tempProject(
      { 'compose.yaml': 'name: shop\nservices:\n  cache:\n    image: contract/image\n' },
      'devenv-gc-backend-',
    );
    projects.push(project);
    const cluster = memoryEngine();
    const local = memoryEngine();
    for (const engine of [cluster, local]) withImage(engine, 'contract/image');

    const onCluster = fakeContext(project.dir, local).ctx;
    const backend = inventoriedBackend(cluster);
    const swarmLike: AppContext = { ...onCluster, backend: () => backend };
    const expired = await up(swarmLike, { branch: 'old', ephemeral: true, ttlSeconds: 1 });
    const live = await up(swarmLike, { branch: 'long', ephemeral: true, ttlSeconds: 3600 });
    // An expired ephemeral stack of the plain container backend, on the engine beside it.
    const beside = await up(fakeContext(project.dir, local).ctx, {
      branch: 'beside',
      ephemeral: true,
      ttlSeconds: 1,
    });
    const [expiredStack, liveStack, besideStack] = [expired, live, beside].map((r) => r.target.identity.name);
    expect(await stacksOn(cluster)).toEqual([expiredStack, liveStack].sort());
    expect(await stacksOn(local)).toEqual([besideStack]);

    const later: AppContext = { ...swarmLike, clock: { now: () => Date.now() + 60_000 } };
    const verdicts = await gc(later, { dryRun: false });
    expect(verdicts.map((v) => v.stack)).toEqual([expiredStack]);
    expect(verdicts[0]?.reason).toMatch(/^TTL of 1 s expired/);
    expect(await stacksOn(cluster)).toEqual([liveStack]);
    expect(await stacksOn(local)).toEqual([besideStack]);
  });
});
